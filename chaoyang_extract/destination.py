"""Where `cyx extract` writes: ``-o`` as a folder, one table file or stdout, a safe
``--name``, the tables an empty run keeps, and the --summary-json file.

Nothing here imports pandas or pyarrow, so a bad command line fails fast.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .outset import OutputSet

STDOUT = "-"
# `-o result.csv` writes that one file, in the format its extension names.
TABLE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".xlsx": "xlsx"}


@dataclass(frozen=True)
class Destination:
    folder: Path
    name: str | None  # None: the default name, chosen from the inputs
    format: str | None  # set when -o names one table file


def parse_output(out: str, name: str | None) -> Destination:
    """``-o`` and ``--name`` -> where the tables go; ValueError for a conflict."""
    fmt = TABLE_SUFFIXES.get(Path(out).suffix.lower())
    if fmt is None or out == STDOUT:
        return Destination(Path(out), name, None)
    if name is not None:
        raise ValueError(f"-o {out} names the table file; drop --name")
    path = Path(out)
    return Destination(path.parent, path.stem, fmt)


def name_problem(name: str) -> str | None:
    """Why ``--name`` would write outside ``-o`` or give a nameless file; None if it is fine."""
    if not name.strip():
        return "--name is empty"
    if "\0" in name:
        return "--name holds a NUL byte"
    seps = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    if any(s in name for s in seps) or name in (".", "..") or Path(name).is_absolute():
        return f"--name '{name}' is not a plain file name (no folders; use -o for the folder)"
    return None


def existing_tables(folder: Path, names: Sequence[str], formats: Sequence[str]) -> list[Path]:
    """The files (or dataset folders) of these names and formats that already exist."""
    paths = [folder / f"{n}.{f}" for n in names for f in formats]
    return [p for p in paths if p.exists()]


def write_summary(where: str, text: str) -> None:
    """``-`` is stdout. A FIFO, a device or a symlink (``/dev/stdout``, a link into a
    shared folder) is written through, never replaced by a regular file; a regular file
    or a new name is replaced whole (temporary file and rename)."""
    if where == STDOUT:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except (OSError, ValueError) as err:
            raise OutputError(STDOUT, f"cannot write to stdout: {err}") from None
        return
    path = Path(where)
    try:
        st = path.lstat()
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise OutputError(where, f"cannot write: {err.strerror or err}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        try:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        except OSError as err:
            raise OutputError(where, f"cannot write: {err.strerror or err}") from None
        return
    with OutputSet() as out:
        tmp = out.file(path)
        try:
            tmp.write_text(text, encoding="utf-8", newline="")
        except OSError as err:
            raise OutputError(where, f"cannot write: {err.strerror or err}") from None
        out.commit()
