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
    shape (by its file name); the first problem is raised as RuleError(FILE, …, LINE)."""
    data = load_yaml(path)
    spec = SPECIAL_FILES.get(path.name)
    if spec is None:
        raise RuleError(str(path), f"not a known rules file (one of {', '.join(SPECIAL_FILES)})")
    problems = check(data, spec, str(path))
    if problems:
        raise problems[0]
    return data
