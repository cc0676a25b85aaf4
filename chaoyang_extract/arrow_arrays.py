"""Arrow arrays from columns of Python values, assembled from numpy buffers.

``pa.array`` does this in one call, but it imports pandas (a quarter of a second of CPU) to
ask whether its argument is a pandas object, and the default csv+parquet run has no other
use for pandas. The arrays are the ones ``pa.array(values, type=...)`` makes, for the
types of the records table: strings, int16, int32, float64 and booleans, None as null.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

_NUMPY_TYPES: dict[pa.DataType, type[np.generic]] = {
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.float64(): np.float64,
}
# A string array's offsets are int32: past this many bytes pa.array splits the column
# into chunks, which it is left to do.
_MAX_STRING_BYTES = 2**31 - 1


def column_array(values: Sequence[Any], arrow_type: pa.DataType) -> Any:
    """The column as an Arrow array of ``arrow_type`` (the same as ``pa.array`` gives)."""
    n = len(values)
    valid = [v is not None for v in values]
    nulls = n - sum(valid)
    # A column without nulls needs no validity bitmap (pa.array leaves it out too).
    validity = pa.py_buffer(_bits(valid)) if nulls else None
    if arrow_type == pa.string():
        return _strings(values, arrow_type, validity, nulls)
    filled = [0 if v is None else v for v in values] if nulls else values
    if arrow_type == pa.bool_():
        data = pa.py_buffer(_bits(filled))
    else:
        try:
            data = pa.py_buffer(np.array(filled, dtype=_NUMPY_TYPES[arrow_type]))
        except OverflowError:
            # A number too wide for its column: pa.array's own error (ArrowInvalid).
            return pa.array(values, type=arrow_type)
    return pa.Array.from_buffers(arrow_type, n, [validity, data], null_count=nulls)


def _bits(flags: Sequence[Any]) -> Any:
    # Arrow's bitmaps are least significant bit first.
    return np.packbits(np.array(flags, dtype=np.bool_), bitorder="little")


def _strings(values: Sequence[Any], arrow_type: pa.DataType, validity: Any, nulls: int) -> Any:
    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
    if len(ends) and ends[-1] > _MAX_STRING_BYTES:
        return pa.array(values, type=arrow_type)
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    offsets[1:] = ends
    buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(arrow_type, len(encoded), buffers, null_count=nulls)
