"""The built-in folder's files that are not rule files: lexicon, structure, normalize
and units, each read and checked against its shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import RuleError
from .schema import SPECIAL_FILES, check
from .source import load_yaml

__all__ = ["read_special"]


def read_special(path: Path) -> Any:
    """A lexicon, structure, normalize or units file, loaded and checked against its
    shape (by its file name); the first problem is raised as RuleError(FILE, …, LINE).

    Read once per process while the file stays the same (units.yaml has two readers);
    callers do not change what they get."""
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        return _read(path)
    found = _READ.get(key)
    if found is None:
        found = _READ[key] = _read(path)
    return found


_READ: dict[tuple[str, int, int], Any] = {}


def _read(path: Path) -> Any:
    data = load_yaml(path)
    spec = SPECIAL_FILES.get(path.name)
    if spec is None:
        raise RuleError(str(path), f"not a known rules file (one of {', '.join(SPECIAL_FILES)})")
    problems = check(data, spec, str(path))
    if problems:
        raise problems[0]
    return data
