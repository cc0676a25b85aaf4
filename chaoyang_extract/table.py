"""The records table (docs/OUTPUT.md): Arrow schema, pandas frame and file writers.

Every writer goes through a temporary file in the target folder and a rename, so an
interrupted run never leaves a truncated table where a good one stood.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .errors import OutputError
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
        pa.field("section", pa.string(), nullable=False),
        pa.field("rule", pa.string(), nullable=False),
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


def _columns(records: Sequence[Record]) -> list[list[Any]]:
    if not records:
        return [[] for _ in COLUMNS]
    return [list(c) for c in zip(*map(_ROW, records), strict=True)]


def to_arrow(records: Sequence[Record], rules_version: str = "") -> pa.Table:
    cols = _columns(records)
    arrays = [pa.array(c, type=f.type) for c, f in zip(cols, SCHEMA, strict=True)]
    meta = {b"cyx_version": __version__.encode(), b"cyx_rules_version": rules_version.encode()}
    return pa.Table.from_arrays(arrays, schema=SCHEMA.with_metadata(meta))


def to_frame(records: Sequence[Record]) -> pd.DataFrame:
    """The records as a DataFrame with nullable dtypes that mirror the Arrow schema."""
    import pandas as pd

    data = dict(zip(COLUMNS, _columns(records), strict=True))
    df = pd.DataFrame(data, columns=list(COLUMNS))
    for f in SCHEMA:
        df[f.name] = df[f.name].astype(PANDAS_DTYPES[str(f.type)])
    return df


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def _share(path: Path, mode: int) -> None:
    # mkstemp/mkdtemp create owner-only files; a table should get the permissions any
    # other file the user writes gets.
    os.chmod(path, mode & ~_UMASK)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only when the block succeeds."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as err:
        raise OutputError(str(path), f"cannot write: {err.strerror or err}") from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        _share(tmp, 0o666)
        os.replace(tmp, path)
    except OSError as err:
        raise OutputError(str(path), f"cannot write: {err.strerror or err}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def atomic_dir(path: Path, is_ours: Callable[[Path], bool]) -> Iterator[Path]:
    """A temporary folder beside ``path`` that replaces it when the block succeeds.

    An existing file at ``path`` is replaced; an existing folder only when ``is_ours``
    says an earlier run wrote it, so that a mistyped name never wipes someone's data.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder))
    except OSError as err:
        raise OutputError(str(path), f"cannot write: {err.strerror or err}") from None
    try:
        yield tmp
        for sub, _dirs, files in os.walk(tmp):
            _share(Path(sub), 0o777)
            for f in files:
                _share(Path(sub) / f, 0o666)
        if path.is_dir() and not path.is_symlink():
            if not is_ours(path):
                raise OutputError(
                    str(path),
                    "is a folder that cyx did not write; remove it or choose another --name",
                )
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=folder))
            os.replace(path, old / "d")
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            if path.exists() or path.is_symlink():
                path.unlink()
            os.replace(tmp, path)
    except OSError as err:
        raise OutputError(str(path), f"cannot write: {err.strerror or err}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _csv_cell(arrow_type: pa.DataType) -> Callable[[Any], str]:
    # The cells pandas' to_csv writes for these dtypes: shortest round-trip floats
    # ("780.0", "1e-05"), True/False, empty for null.
    if pa.types.is_floating(arrow_type):
        return lambda v: "" if v is None else repr(float(v))
    if pa.types.is_integer(arrow_type):
        return lambda v: "" if v is None else str(int(v))
    if pa.types.is_boolean(arrow_type):
        return lambda v: "" if v is None else ("True" if v else "False")
    return lambda v: "" if v is None else str(v)


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
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", na_rep="")
    return buf.getvalue()


def write_csv(records: Sequence[Record], path: Path) -> None:
    # The BOM lets Excel open the Chinese text as UTF-8.
    write_text(path, "\ufeff" + csv_text(records))


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")


def write_parquet(records: Sequence[Record], path: Path, rules_version: str = "") -> None:
    table = to_arrow(records, rules_version)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def write_jsonl(records: Sequence[Record], path: Path) -> None:
    write_text(path, jsonl_text(records))


def jsonl_text(records: Sequence[Record]) -> str:
    """One JSON object a line, keys in column order; null for empty cells."""
    lines = []
    for r in records:
        row = dict(zip(COLUMNS, _ROW(r), strict=True))
        lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    return "".join(line + "\n" for line in lines)
