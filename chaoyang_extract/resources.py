"""Where the data files that ship with the package live."""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path


@functools.cache
def rules_dir() -> Path:
    """The rules folder: inside the installed package, else the checkout's top-level rules/.

    The wheel maps the top-level ``rules/`` to ``chaoyang_extract/rules`` (see
    pyproject.toml), while a source checkout or an editable install keeps it beside the
    package, so both places are tried in that order.
    """
    try:
        packaged = importlib.resources.files("chaoyang_extract") / "rules"
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - unusual loaders
        packaged = None
    # Only a real directory will do: callers open files by path and list the folder.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"
