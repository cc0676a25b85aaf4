"""Reading a cyx records table back: the CSV, Parquet and JSON lines that ``cyx extract``
writes, with the column types of docs/OUTPUT.md, so that later steps (the scorecard) take
a table from any run, or one a user has kept for years."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TABLE_SUFFIXES", "is_table", "read_table"]

TABLE_SUFFIXES = (".csv", ".parquet", ".jsonl")
# Without these a table cannot be scored; the others are carried when present.
_NEEDED: tuple[str, ...] = ("doc", "region", "report_year", "indicator", "kind", "year")
_NEEDED += ("measure", "value", "unit", "value_std", "unit_std", "bound", "quote")


def is_table(path: Path) -> bool:
    return path.suffix.lower() in TABLE_SUFFIXES and path.is_file()


def read_table(path: Path) -> pd.DataFrame:
    """A cyx table as written; InputError naming the file if it is not one."""
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            df = pd.read_parquet(path)
        elif suffix == ".jsonl":
            df = pd.read_json(path, lines=True, dtype=False)
        else:
            df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
            df = _typed_csv(df)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"not a readable cyx table: {_first_line(e)}") from None
    missing = [c for c in _NEEDED if c not in df.columns]
    if missing:
        raise InputError(str(path), f"not a cyx table: no column {', '.join(missing)}")
    return _types(df)


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def _typed_csv(df: pd.DataFrame) -> pd.DataFrame:
    """CSV cells back to values: empty is null, TRUE/FALSE booleans, and the quote mark
    that kept a text cell from starting a formula taken off again."""
    out = df.replace("", None)
    for col in out.columns:
        out[col] = out[col].map(_unneutral, na_action="ignore")
    if "estimated" in out.columns:
        out["estimated"] = out["estimated"].map({"TRUE": True, "FALSE": False})
    return out


def _unneutral(text: str) -> str:
    """What ``table.csv_safe`` neutralised, as it was."""
    from .table import FORMULA_START

    return text[1:] if len(text) > 2 and text[0] == "'" and text[1] in FORMULA_START else text


def _types(df: pd.DataFrame) -> pd.DataFrame:
    """Each column as the records table types it (table.SCHEMA); unknown columns as text."""
    import pandas as pd

    from .table import PANDAS_DTYPES, SCHEMA

    out = df.copy()
    for col in out.columns:
        known = col in SCHEMA.names
        dtype = PANDAS_DTYPES[str(SCHEMA.field(col).type)] if known else "string"
        if dtype in ("float64", "Int16", "Int32"):
            out[col] = pd.to_numeric(out[col], errors="raise").astype(dtype)  # type: ignore[call-overload]
        elif dtype == "boolean":
            out[col] = out[col].astype("boolean")
        else:
            out[col] = out[col].astype("object").where(out[col].notna(), None).astype("string")
    return out
