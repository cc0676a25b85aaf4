"""Aliases that are patterns, shown as the names they match (for `cyx indicators`).

``规(?:模以上|上)工业(?:实现|完成)增加值`` reads as "规模以上工业实现增加值 / 规上工业实现增加值
/ …": a few of the strings it matches, then the context it needs ("before 增长", "after
人均可支配收入…"). A pattern this cannot read (the regex module's own syntax) is shown as
written.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

# The standard library's own parser of patterns (re._parser since Python 3.11).
sre_parse: Any = importlib.import_module(
    "re._parser" if sys.version_info >= (3, 11) else "sre_parse"
)

_SHOWN = 3  # strings shown per pattern
_MORE = "…"


def readable(pattern: str) -> str:
    """A plain word as itself; a pattern as a few of its strings and its context."""
    if re.escape(pattern) == pattern:
        return pattern
    try:
        tree = sre_parse.parse(pattern)
    except (re.error, OverflowError, RecursionError):
        return pattern
    context: list[str] = []
    strings = _expand(list(tree), context)
    shown = " / ".join(strings[:_SHOWN]) + (f" / {_MORE}" if len(strings) > _SHOWN else "")
    return f"{shown} ({'; '.join(context)})" if context else shown


def _expand(items: list[tuple[Any, Any]], context: list[str]) -> list[str]:
    """The strings a parsed sequence matches (capped); lookarounds go to ``context``."""
    out = [""]
    for op, av in items:
        name = str(op)
        options: list[str]
        if name == "LITERAL":
            options = [chr(av)]
        elif name == "SUBPATTERN":
            options = _expand(list(av[-1]), context)
        elif name == "BRANCH":
            options = [s for branch in av[1] for s in _expand(list(branch), context)]
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            least, most, sub = av
            one = _expand(list(sub), context)
            if least == 0 and most == 1:
                options = ["", *one]
            else:
                options = [s * max(least, 1) + (_MORE if most != least else "") for s in one]
        elif name == "ASSERT":
            direction, sub = av
            alts = _expand(list(sub), [])
            shown = "/".join(alts[:_SHOWN]) if len("".join(alts[:_SHOWN])) <= 12 else alts[0]
            context.append(f"{'after' if direction < 0 else 'before'} {shown}")
            options = [""]
        elif name == "IN" and len(av) == 1 and str(av[0][0]) == "CATEGORY":
            options = ["9" if "DIGIT" in str(av[0][1]) else _MORE]
        elif name == "IN" and all(str(op) == "LITERAL" for op, _ in av):
            options = [chr(c) for _, c in av]  # 增(?:长|速) is parsed as 增[长速]
        elif name in ("ASSERT_NOT", "AT"):
            options = [""]
        else:  # a character class, any character, a back-reference
            options = [_MORE]
        out = [a + b for a in out for b in options][: _SHOWN + 1]
    return [_tidy(s) for s in out]


def _tidy(s: str) -> str:
    while _MORE * 2 in s:
        s = s.replace(_MORE * 2, _MORE)
    return s
