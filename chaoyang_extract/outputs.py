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
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .errors import OutputError
from .outset import OutputSet, sweep
from .records import Record
from .rulebook.schema import MEASURE_ORDER
from .table import (
    PANDAS_DTYPES,
    SCHEMA,
    csv_text,
    frame_csv_text,
    jsonl_text,
    schema_metadata,
    to_arrow,
    to_frame,
)

if TYPE_CHECKING:
    import pandas as pd

# The wide view's row key: a report's figures for one year, kind and tier side by side.
# horizon is part of it because a five-year average growth (multi_year) and last year's
# growth (annual) can share a year, and one would silently overwrite the other.
WIDE_KEY = ("doc", "region", "report_year", "year", "horizon", "kind", "tier")

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
    options: Sequence[tuple[str, str]] = ()
    # Each document read: its input, doc, format, and the title and date it gives itself.
    documents: Sequence[Mapping[str, str | None]] = ()


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
    """Write the long table (and the wide view) in every format; the paths written, in order.

    The files replace the old ones together, or none does (``outset``): a reader never
    finds a CSV of one run beside an XLSX of another.
    """
    # Each view is built only if a format needs it, and once.
    views = [
        _View(
            name,
            functools.cache(lambda: to_frame(records)),
            functools.cache(lambda: to_arrow(records, info.rules_version, info.documents)),
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
    # Temporaries a killed run left behind; those of a run still writing stay.
    sweep(out_dir)
    written: list[Path] = []
    with OutputSet() as out:
        for view in views:
            for fmt in formats:
                path = out_dir / f"{view.base}.{fmt}"
                if fmt == "parquet" and partition:
                    write_partitioned(view.arrow(), out.folder(path, _is_dataset))
                else:
                    _write_one(view, fmt, path, out.file(path), info)
                written.append(path)
        out.commit()
    return written


def _write_one(view: _View, fmt: str, path: Path, tmp: Path, info: RunInfo) -> None:
    try:
        if fmt == "csv":
            # The BOM lets Excel open the Chinese text as UTF-8.
            tmp.write_text("\ufeff" + view.csv(), encoding="utf-8", newline="")
        elif fmt == "parquet":
            pq.write_table(view.arrow(), tmp)
        elif fmt == "jsonl":
            tmp.write_text(view.jsonl(), encoding="utf-8", newline="")
        elif fmt == "xlsx":
            write_xlsx(view.frame(), tmp, info, label=path)
    except OSError as err:
        raise OutputError(str(path), f"cannot write: {err.strerror or err}") from None


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
                MEASURE_ORDER.index(r.measure),
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
    meta = schema_metadata(pa.schema(fields), rules_version)
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
    """A dataset in the (empty) ``folder``: ``2017/part-0.parquet`` per report year and
    ``undated/part-0.parquet`` for reports whose year is unknown.

    Every part keeps its ``report_year`` column (int16), so each file stands alone and
    readers agree on the type: ``pd.read_parquet(folder)``, DuckDB
    (``read_parquet('folder/*/*.parquet')``), Spark and Arrow read one table with integer
    years and nulls. Folders named ``report_year=2017`` would make them infer the column
    from the names instead: pandas then gets a category, and a null partition fails
    ("Cannot yet unify dictionaries with nulls"). Rows keep their order within each part.
    ``_cyx_manifest.json`` lists the files written, so that a rerun replaces the folder
    only if it holds nothing else (readers skip names starting with ``_``).
    """
    # Imported here: some 50 ms of CPU that the default run, which writes no dataset,
    # would pay at start-up.
    import pyarrow.compute as pc

    parts: list[tuple[str, pa.Table]] = []
    if table.num_rows == 0:
        # An empty folder is not a dataset to most readers; one empty part keeps the schema.
        parts.append(("", table))
    else:
        years = table.column("report_year")
        for y in sorted({v for v in years.to_pylist() if v is not None}):
            parts.append((str(y), table.filter(pc.equal(years, pa.scalar(y, pa.int16())))))
        if years.null_count:
            parts.append((UNDATED, table.filter(pc.is_null(years))))
    files: list[str] = []
    for label, part in parts:
        sub = folder / label if label else folder
        sub.mkdir(exist_ok=True)
        pq.write_table(part, sub / "part-0.parquet")
        files.append(f"{label}/part-0.parquet" if label else "part-0.parquet")
    manifest = {"tool": "cyx", "version": __version__, "files": _file_sizes(folder, files)}
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


UNDATED = "undated"
MANIFEST = "_cyx_manifest.json"


def _file_sizes(folder: Path, files: Sequence[str]) -> dict[str, int]:
    return {f: (folder / f).stat().st_size for f in files}


def _is_dataset(folder: Path) -> bool:
    """Whether an existing folder holds only what an earlier run wrote, so it may go.

    Its manifest must list exactly the files in it, at their sizes: a file a user added
    (``2016/mydata.parquet``) or changed keeps the folder. A folder from before manifests
    counts only if every file is a ``part-0.parquet`` that cyx's metadata marks as its own.
    """
    found = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if not p.is_dir() or p.is_symlink()
    )
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    except FileNotFoundError:
        return bool(found) and all(_is_legacy_part(folder, f) for f in found)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if not isinstance(listed, dict) or sorted([*listed, MANIFEST]) != found:
        return False
    try:
        return all((folder / f).stat().st_size == size for f, size in listed.items())
    except OSError:
        return False


def _is_legacy_part(folder: Path, rel: str) -> bool:
    # The layout of cyx before manifests: part-0.parquet or report_year=Y/part-0.parquet.
    *sub, leaf = rel.split("/")
    if leaf != "part-0.parquet" or len(sub) > 1 or (sub and not sub[0].startswith("report_year=")):
        return False
    path = folder / rel
    try:
        meta = {} if path.is_symlink() else (pq.read_schema(path).metadata or {})
    except (OSError, pa.ArrowException):
        return False
    return b"cyx_version" in meta


# --------------------------------------------------------------------------- XLSX


def write_xlsx(
    df: pd.DataFrame,
    path: Path,
    info: RunInfo,
    *,
    label: Path | None = None,
    sheet: str = "records",
) -> None:
    """A workbook with the table (frozen bold header, fitted widths) and a metadata sheet,
    byte-identical for identical input (the run's date is in --summary-json instead).
    ``label`` names the file in errors when ``path`` is a temporary."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if len(df) + 1 > _XLSX_MAX_ROWS:
        raise OutputError(
            str(label or path),
            f"{len(df)} rows do not fit in an Excel sheet; write csv or parquet",
        )
    wb = Workbook(write_only=True)
    wb.properties.created = _FIXED_TIME
    ws = wb.create_sheet(sheet)
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
        ("rows", len(df)),
        *info.options,
        *(("input", p) for p in info.inputs),
        *(("document", json.dumps(dict(d), ensure_ascii=False)) for d in info.documents),
    ]
    for k, v in entries:
        meta.append([k, _text_cell(meta, v) if isinstance(v, str) else v])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_fixed_zip(buf.getvalue()))


# The workbook's created/modified times and the zip entries' times, which openpyxl sets to
# the clock; a fixed time makes reruns byte-identical (1980 is the zip format's epoch).
_FIXED_TIME = datetime.datetime(1980, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _fixed_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "docProps/core.xml":
                body = _CORE_TIMES.sub(rb"\g<1>1980-01-01T00:00:00Z\g<3>", body)
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, body)
    return out.getvalue()


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
