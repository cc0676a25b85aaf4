"""cyx: indicator tables from Chinese government work reports.

``extract_text`` and ``extract_paths`` (see ``chaoyang_extract.api``) and ``scorecard``
(``chaoyang_extract.scoring``) are loaded on first use, so that ``cyx --help``, which imports this package, does not pay for pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "extract_paths", "extract_text", "scorecard"]

if TYPE_CHECKING:
    from .api import extract_paths, extract_text
    from .scoring import scorecard


def __getattr__(name: str) -> Any:
    if name in ("extract_text", "extract_paths"):
        from . import api

        return getattr(api, name)
    if name == "scorecard":
        from .scoring import scorecard

        return scorecard
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
