"""Every file a run writes: the long table in each format, the wide view, the partitioned
Parquet dataset, CSV on stdout.

The long table's columns and types are those of ``table``; this module chooses the files.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import functools
import io
import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import __version__
from .errors import OutputError
from .records import Record
from .rules import MEASURES
from .table import (
    PANDAS_DTYPES,
    SCHEMA,
    atomic_dir,
    atomic_path,
    csv_text,
    frame_csv_text,
    jsonl_text,
    to_arrow,
    to_frame,
    write_text,
)

if TYPE_CHECKING:
    import pandas as pd

# The wide view's row key: a report's figures for one year, kind and tier side by side.
# horizon is part of it because a five-year average growth (multi_year) and last year's
# growth (annual) can share a year, and one would silently overwrite the other.
WIDE_KEY = ("doc", "region", "report_year", "year", "horizon", "kind", "tier")
_MEASURE_ORDER = ("level", "growth", "rate", "share", "count", "change")
assert set(_MEASURE_ORDER) == MEASURES
_KIND_ORDER = {"result": 0, "target": 1}
_HORIZON_ORDER = {"annual": 0, "multi_year": 1}
_TIER_ORDER = {None: 0, "baseline": 0, "stretch": 1}

_XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet
# A quote column as wide as its longest quote would push everything else off screen, and
# measuring every row of a big table costs more than it tells.
_XLSX_MAX_WIDTH = 60
_XLSX_WIDTH_SAMPLE = 2000


@dataclass(frozen=True)
class RunInfo:
    """What the XLSX metadata sheet records about the run."""

    rules_version: str
    inputs: Sequence[str] = ()
    created: str = field(
        default_factory=lambda: datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    )
    options: Sequence[tuple[str, str]] = ()


def write_outputs(
    records: Sequence[Record],
    out_dir: Path,
    name: str,
    formats: Sequence[str],
    info: RunInfo,
    *,
    wide: bool = False,
    partition: bool = False,
    indicator_order: Sequence[str] = (),
) -> list[Path]:
    """Write the long table (and the wide view) in every format; the paths written, in order."""
    written: list[Path] = []
    # Each view is built only if a format needs it, and once.
    views = [
        _View(
            name,
            functools.cache(lambda: to_frame(records)),
            functools.cache(lambda: to_arrow(records, info.rules_version)),
            lambda: csv_text(records),
            lambda: jsonl_text(records),
        )
    ]
    if wide:
        wide_df = functools.cache(lambda: wide_frame(records, indicator_order))
        views.append(
            _View(
                f"{name}_wide",
                wide_df,
                lambda: wide_arrow(wide_df(), info.rules_version),
                lambda: frame_csv_text(wide_df()),
                lambda: frame_jsonl_text(wide_df()),
            )
        )
    for view in views:
        for fmt in formats:
            path = out_dir / f"{view.base}.{fmt}"
            if fmt == "csv":
                # The BOM lets Excel open the Chinese text as UTF-8.
                write_text(path, "\ufeff" + view.csv())
            elif fmt == "parquet":
                if partition:
                    write_partitioned(view.arrow(), path)
                else:
                    with atomic_path(path) as tmp:
                        pq.write_table(view.arrow(), tmp)
            elif fmt == "jsonl":
                write_text(path, view.jsonl())
            elif fmt == "xlsx":
                write_xlsx(view.frame(), path, info)
            written.append(path)
    return written


@dataclass(frozen=True)
class _View:
    base: str
    frame: Callable[[], pd.DataFrame]
    arrow: Callable[[], pa.Table]
    csv: Callable[[], str]
    jsonl: Callable[[], str]


def write_stdout_csv(records: Sequence[Record], stream: IO[bytes]) -> None:
    """CSV without a BOM (a BOM would become part of the first column's name in a pipe)."""
    data = memoryview(csv_text(records).encode("utf-8"))
    try:
        # A buffered pipe may take only part of a large write when the reader has gone
        # (`| head`); the next write then reports the broken pipe instead of losing rows.
        while data:
            n = stream.write(data)
            if not n:
                raise OSError(errno.EPIPE, os.strerror(errno.EPIPE))
            data = data[n:]
        stream.flush()
    except OSError as err:
        _silence(stream)
        raise OutputError("-", f"cannot write to stdout: {err.strerror or err}") from None


def _silence(stream: IO[bytes]) -> None:
    # Python flushes stdout again at exit; pointed at /dev/null that cannot fail twice.
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, stream.fileno())
        os.close(fd)


# --------------------------------------------------------------------------- wide view


def wide_column(indicator: str, measure: str, scope: str | None) -> str:
    return f"{indicator}_{measure}" + (f"_{scope}" if scope else "")


def wide_frame(records: Sequence[Record], indicator_order: Sequence[str] = ()) -> pd.DataFrame:
    """The spreadsheet view: a row per WIDE_KEY, a column per indicator and measure holding
    ``value_std`` (the standard unit), in catalog order. Bounds, ranges and quotes stay in
    the long table."""
    import pandas as pd

    rank = {ind: i for i, ind in enumerate(indicator_order)}
    doc_rank: dict[str, int] = {}
    rows: dict[tuple[Any, ...], dict[str, float]] = {}
    columns: dict[str, tuple[int, str, int, str]] = {}
    for r in records:
        doc_rank.setdefault(r.doc, len(doc_rank))
        key = tuple(getattr(r, k) for k in WIDE_KEY)
        col = wide_column(r.indicator, r.measure, r.scope)
        columns.setdefault(
            col,
            (
                rank.get(r.indicator, len(rank)),
                r.indicator,
                _MEASURE_ORDER.index(r.measure),
                r.scope or "",
            ),
        )
        # The long table already holds one row per (doc, indicator, kind, year, horizon,
        # measure, tier, scope), so a cell is never written twice.
        rows.setdefault(key, {})[col] = r.value_std

    def row_order(key: tuple[Any, ...]) -> tuple[Any, ...]:
        doc, _region, _ry, year, horizon, kind, tier = key
        return (
            doc_rank[doc],
            _KIND_ORDER.get(kind, 9),
            _HORIZON_ORDER.get(horizon, 9),
            year or 0,
            _TIER_ORDER.get(tier, 9),
        )

    keys = sorted(rows, key=row_order)
    cols = sorted(columns, key=lambda c: columns[c])
    data: dict[str, list[Any]] = {k: [key[i] for key in keys] for i, k in enumerate(WIDE_KEY)}
    for c in cols:
        data[c] = [rows[key].get(c) for key in keys]
    df = pd.DataFrame(data, columns=[*WIDE_KEY, *cols])
    for k in WIDE_KEY:
        df[k] = df[k].astype(PANDAS_DTYPES[str(SCHEMA.field(k).type)])  # type: ignore[call-overload]
    for c in cols:
        df[c] = df[c].astype("float64")
    return df


def wide_arrow(df: pd.DataFrame, rules_version: str) -> pa.Table:
    fields = [SCHEMA.field(k).with_nullable(True) for k in WIDE_KEY]
    fields += [pa.field(c, pa.float64()) for c in df.columns[len(WIDE_KEY) :]]
    meta = {b"cyx_version": __version__.encode(), b"cyx_rules_version": rules_version.encode()}
    schema = pa.schema(fields, metadata=meta)
    return pa.Table.from_pandas(df, schema=schema, preserve_index=False).replace_schema_metadata(
        meta
    )


def frame_jsonl_text(df: pd.DataFrame) -> str:
    import json

    lines = []
    for row in df.itertuples(index=False, name=None):
        obj = {c: _json_value(v) for c, v in zip(df.columns, row, strict=True)}
        lines.append(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
    return "".join(lines)


def _json_value(v: Any) -> Any:
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


# --------------------------------------------------------------------------- Parquet dataset


def write_partitioned(table: pa.Table, folder: Path) -> None:
    """A Hive-partitioned dataset, ``folder/report_year=2017/part-0.parquet``, that DuckDB
    (``read_parquet('folder/**/*.parquet', hive_partitioning=true)``), Spark and pandas read
    as one table. Rows keep their order within each part; a report without a year goes to
    ``report_year=__HIVE_DEFAULT_PARTITION__``, which readers take as null."""
    with atomic_dir(folder, is_ours=_is_dataset) as tmp:
        if table.num_rows == 0:
            # An empty folder is not a dataset to most readers; one empty part keeps the schema.
            pq.write_table(table, tmp / "part-0.parquet")
            return
        years = table.column("report_year")
        values = sorted({v for v in years.to_pylist() if v is not None})
        parts: list[tuple[str, pa.Array]] = [
            (str(y), pc.equal(years, pa.scalar(y, pa.int16()))) for y in values
        ]
        if years.null_count:
            parts.append(("__HIVE_DEFAULT_PARTITION__", pc.is_null(years)))
        for label, mask in parts:
            part = table.filter(mask).drop_columns(["report_year"])
            sub = tmp / f"report_year={label}"
            sub.mkdir()
            pq.write_table(part, sub / "part-0.parquet")


def _is_dataset(folder: Path) -> bool:
    """Whether an existing folder is a dataset an earlier run wrote (so it may be replaced)."""
    for p in folder.iterdir():
        if p.is_dir() and p.name.startswith("report_year="):
            if any(not (q.is_file() and q.suffix == ".parquet") for q in p.iterdir()):
                return False
        elif not (p.is_file() and p.name.startswith("part-") and p.suffix == ".parquet"):
            return False
    return True


# --------------------------------------------------------------------------- XLSX


def write_xlsx(df: pd.DataFrame, path: Path, info: RunInfo) -> None:
    """A workbook with the table (frozen bold header, fitted widths) and a metadata sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if len(df) + 1 > _XLSX_MAX_ROWS:
        raise OutputError(
            str(path), f"{len(df)} rows do not fit in an Excel sheet; write csv or parquet"
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("records")
    ws.freeze_panes = "A2"
    rows = [[_cell(v) for v in row] for row in df.itertuples(index=False, name=None)]
    for j, col in enumerate(df.columns, start=1):
        width = max([_width(col), *(_width(r[j - 1]) for r in rows[:_XLSX_WIDTH_SAMPLE])])
        ws.column_dimensions[get_column_letter(j)].width = min(width + 2, _XLSX_MAX_WIDTH)
    bold = Font(bold=True)
    header = []
    for col in df.columns:
        c = WriteOnlyCell(ws, value=col)
        c.font = bold
        header.append(c)
    ws.append(header)
    for row in rows:
        ws.append(
            [_text_cell(ws, v) if isinstance(v, str) and v.startswith("=") else v for v in row]
        )

    meta = wb.create_sheet("metadata")
    meta.column_dimensions["A"].width = 16
    meta.column_dimensions["B"].width = 60
    key_cell = WriteOnlyCell(meta, value="key")
    key_cell.font = bold
    val_cell = WriteOnlyCell(meta, value="value")
    val_cell.font = bold
    meta.append([key_cell, val_cell])
    entries: list[tuple[str, Any]] = [
        ("tool", "cyx"),
        ("version", __version__),
        ("rules_version", info.rules_version),
        ("created", info.created),
        ("rows", len(df)),
        *info.options,
        *(("input", p) for p in info.inputs),
    ]
    for k, v in entries:
        meta.append([k, _text_cell(meta, v) if isinstance(v, str) else v])
    with atomic_path(path) as tmp:
        try:
            wb.save(tmp)
        except OSError as err:
            raise OutputError(str(path), f"cannot write: {err.strerror or err}") from None


def _cell(v: Any) -> Any:
    v = _json_value(v)
    if isinstance(v, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # Form feeds and other controls that reports may hold are not allowed in XLSX.
        return ILLEGAL_CHARACTERS_RE.sub(" ", v)
    return v


def _text_cell(ws: Any, v: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    # openpyxl would store a leading "=" as a formula; quotes and paths are text.
    c = WriteOnlyCell(ws, value=_cell(v))
    c.data_type = "s"
    return c


def _width(v: Any) -> int:
    if v is None:
        return 0
    s = str(v)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
