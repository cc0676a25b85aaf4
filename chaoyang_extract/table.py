"""The records table (docs/OUTPUT.md): Arrow schema, pandas frame, and the text of the
CSV and JSON lines files (``outputs`` writes the files).
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from . import __version__
from .arrow_arrays import column_array
from .records import COLUMNS, Record

if TYPE_CHECKING:
    import pandas as pd

SCHEMA = pa.schema(
    [
        pa.field("doc", pa.string(), nullable=False),
        pa.field("region", pa.string()),
        pa.field("report_year", pa.int16()),
        pa.field("indicator", pa.string(), nullable=False),
        pa.field("indicator_zh", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("year", pa.int16()),
        pa.field("horizon", pa.string(), nullable=False),
        pa.field("measure", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
        pa.field("value_max", pa.float64()),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("value_std", pa.float64(), nullable=False),
        pa.field("unit_std", pa.string(), nullable=False),
        pa.field("bound", pa.string(), nullable=False),
        pa.field("tier", pa.string()),
        pa.field("estimated", pa.bool_(), nullable=False),
        pa.field("scope", pa.string()),
        pa.field("quote", pa.string(), nullable=False),
        pa.field("start", pa.int32(), nullable=False),
        pa.field("end", pa.int32(), nullable=False),
        pa.field("line", pa.int32(), nullable=False),
        # Null outside any section: CSV cannot tell '' from null, so no format holds ''.
        pa.field("section", pa.string()),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("region_code", pa.int32()),
        pa.field("province", pa.string()),
        pa.field("prefecture", pa.string()),
    ]
)
assert tuple(SCHEMA.names) == COLUMNS

# pandas dtypes that keep nulls and the Arrow widths.
PANDAS_DTYPES: dict[str, str] = {
    "string": "string",
    "int16": "Int16",
    "int32": "Int32",
    "double": "float64",
    "bool": "boolean",
}


# Plain attribute access: dataclasses.astuple deep-copies every field, which dominated
# writing a table of a thousand reports.
_ROW = attrgetter(*COLUMNS)


_SECTION = COLUMNS.index("section")


def _columns(records: Sequence[Record]) -> list[list[Any]]:
    if not records:
        return [[] for _ in COLUMNS]
    cols = [list(c) for c in zip(*map(_ROW, records), strict=True)]
    cols[_SECTION] = [s or None for s in cols[_SECTION]]
    return cols


_PANDAS_TYPES = {"string": "object", "bool": "bool"}


def schema_metadata(schema: pa.Schema, rules_version: str) -> dict[bytes, bytes]:
    """The versions, and pandas' own metadata: with it, ``pd.read_parquet`` gives every
    column the nullable dtype of ``to_frame`` (years Int16 with nulls, not float64)."""
    columns = [
        {
            "name": f.name,
            "field_name": f.name,
            "pandas_type": _PANDAS_TYPES.get(str(f.type), str(f.type)),
            "numpy_type": PANDAS_DTYPES[str(f.type)],
            "metadata": None,
        }
        for f in schema
    ]
    pandas = {
        "index_columns": [],
        "column_indexes": [],
        "columns": columns,
        "creator": {"library": "cyx", "version": __version__},
        "pandas_version": "2.0.0",
    }
    return {
        b"cyx_version": __version__.encode(),
        b"cyx_rules_version": rules_version.encode(),
        b"pandas": json.dumps(pandas).encode(),
    }


_META_CACHE: dict[str, dict[bytes, bytes]] = {}


def to_arrow(
    records: Sequence[Record],
    rules_version: str = "",
    documents: Sequence[Mapping[str, str | None]] = (),
) -> pa.Table:
    """The records as an Arrow table; its schema metadata names the versions and, under
    ``cyx_documents``, each input's format and its own title and date (JSON)."""
    cols = _columns(records)
    arrays = [column_array(c, f.type) for c, f in zip(cols, SCHEMA, strict=True)]
    meta = _META_CACHE.get(rules_version)
    if meta is None:
        meta = _META_CACHE[rules_version] = schema_metadata(SCHEMA, rules_version)
    if documents:
        docs = json.dumps([dict(d) for d in documents], ensure_ascii=False)
        meta = {**meta, b"cyx_documents": docs.encode()}
    return pa.Table.from_arrays(arrays, schema=SCHEMA.with_metadata(meta))


def to_frame(records: Sequence[Record]) -> pd.DataFrame:
    """The records as a DataFrame with nullable dtypes that mirror the Arrow schema."""
    import numpy as np
    import pandas as pd

    # Each column built as its dtype's array at once: a frame of objects cast column by
    # column took half the time of extracting a report through extract_text.
    arrays = [
        build(values) for build, values in zip(_column_builders(), _columns(records), strict=True)
    ]
    index = pd.RangeIndex(len(records))
    try:  # pandas 3: a frame from typed blocks, without re-checking what they promise
        from pandas.api.internals import create_dataframe_from_blocks
    except ImportError:  # pragma: no cover - pandas 2
        return pd.DataFrame(dict(zip(COLUMNS, arrays, strict=True)), index=index, copy=False)
    blocks = [
        (a.reshape(1, -1) if isinstance(a, np.ndarray) else a, np.array([i]))
        for i, a in enumerate(arrays)
    ]
    frame: pd.DataFrame = create_dataframe_from_blocks(blocks, index=index, columns=_column_index())
    return frame


@functools.cache
def _column_index() -> pd.Index:
    import pandas as pd

    # An Index cannot change: one for every frame.
    return pd.Index(COLUMNS)


@functools.cache
def _column_builders() -> tuple[Callable[[list[Any]], Any], ...]:
    return tuple(_builder(str(f.type)) for f in SCHEMA)


def _builder(arrow_type: str) -> Callable[[list[Any]], Any]:
    """A function from a column's Python values to the pandas array of its dtype. The
    arrays are made directly where pandas' own conversion spends most of its time
    checking what this schema already promises."""
    import numpy as np
    import pandas as pd

    dtype = pd.api.types.pandas_dtype(PANDAS_DTYPES[arrow_type])
    if not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return lambda values: np.array(values, dtype=dtype)  # float64: None is NaN
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        string_array: Any = dtype.construct_array_type()
        return lambda values: string_array(pa.array(values, type=pa.large_string()))
    if arrow_type in ("int16", "int32", "bool"):
        array_type: Any = dtype.construct_array_type()
        np_type = {"int16": np.int16, "int32": np.int32, "bool": np.bool_}[arrow_type]

        def build(values: list[Any]) -> Any:
            mask = np.fromiter((v is None for v in values), dtype=np.bool_, count=len(values))
            filled = [0 if v is None else v for v in values] if mask.any() else values
            return array_type(np.array(filled, dtype=np_type), mask)

        return build
    kind: Any = dtype.construct_array_type()
    return lambda values: kind._from_sequence(values, dtype=dtype)


# A spreadsheet runs a cell that starts with one of these as a formula (=2*3, +cmd|…,
# -3.6万 from a quote, @SUM). OWASP's advice for CSV injection: prefix such a text cell
# with a single quote, which spreadsheets show as text. Only text columns: numbers stay
# numbers. Parquet, JSON lines and XLSX keep the exact text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    # A lone sign is no formula, and "-" is stdin's doc.
    return "'" + text if len(text) > 1 and text.startswith(FORMULA_START) else text


def _csv_cell(arrow_type: pa.DataType) -> Callable[[Any], str]:
    # The cells pandas' to_csv writes for these dtypes (shortest round-trip floats: "780.0",
    # "1e-05"; empty for null), but TRUE/FALSE, which R's read.csv, pandas and DuckDB all
    # read as booleans (R keeps "True" as text).
    if pa.types.is_floating(arrow_type):
        return lambda v: "" if v is None else repr(float(v))
    if pa.types.is_integer(arrow_type):
        return lambda v: "" if v is None else str(int(v))
    if pa.types.is_boolean(arrow_type):
        return lambda v: "" if v is None else ("TRUE" if v else "FALSE")
    return lambda v: "" if v is None else csv_safe(str(v))


_CSV_CELLS = [_csv_cell(f.type) for f in SCHEMA]


def csv_text(records: Sequence[Record]) -> str:
    """CSV of the records, without the BOM (for stdout); rows end with LF.

    The same bytes as ``frame_csv_text(to_frame(records))`` (the tests hold them to it),
    written without pandas: half the time, and the default csv+parquet run never
    imports it.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows([[f(v) for f, v in zip(_CSV_CELLS, _ROW(r), strict=True)] for r in records])
    return buf.getvalue()


def frame_csv_text(df: pd.DataFrame) -> str:
    """CSV of a frame, cells as ``csv_text`` writes them (text neutralised, TRUE/FALSE)."""
    out = df.copy()
    for c in out.columns:
        dtype = str(out[c].dtype)
        if dtype == "boolean":
            out[c] = out[c].map({True: "TRUE", False: "FALSE"}, na_action="ignore")
        elif dtype in ("string", "object", "str"):
            out[c] = out[c].map(csv_safe, na_action="ignore")
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n", na_rep="")
    return buf.getvalue()


def jsonl_text(records: Sequence[Record]) -> str:
    """One JSON object a line, keys in column order; null for empty cells."""
    lines = []
    for r in records:
        row = dict(zip(COLUMNS, _ROW(r), strict=True))
        row["section"] = row["section"] or None
        lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    return "".join(line + "\n" for line in lines)
