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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    return text[1:] if len(text) > 2 and text[0] == "'" and text[1] in _FORMULA_START else text


_TYPES = {
    "report_year": "Int16",
    "year": "Int16",
    "value": "float64",
    "value_max": "float64",
    "value_std": "float64",
    "estimated": "boolean",
}


def _types(df: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        dtype = _TYPES.get(col, "string")
        if dtype == "float64":
            out[col] = pd.to_numeric(out[col], errors="raise").astype("float64")
        elif dtype == "Int16":
            out[col] = pd.to_numeric(out[col], errors="raise").astype("Int16")
        elif dtype == "boolean":
            out[col] = out[col].astype("boolean")
        elif col in ("start", "end", "line", "region_code"):
            out[col] = pd.to_numeric(out[col], errors="raise").astype("Int32")
        else:
            out[col] = out[col].astype("object").where(out[col].notna(), None).astype("string")
    return out
