"""Which lines are headings: their numbering style, their title, and the periods their
words name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from .rulefile import _Rules
from .year_rules import _YearRules

_TITLE_END = regex.compile(r"[。；：！？]")


@dataclass(frozen=True)
class _Cues:
    """The periods a heading's words name, in the order they are first named."""

    strong: tuple[str, ...]
    generic: tuple[str, ...]
    other: bool


def _classify(title: str, yr: _YearRules) -> _Cues:
    strong: list[str] = []
    generic: list[str] = []
    other = False
    for m in yr.heading.finditer(title):
        key = m.lastgroup or ""
        family, _, strength = key.partition("__")
        if family == "other":
            other = True
        elif family == "fyp":
            strong.append("fyp")
        elif strength == "strong":
            strong.append(family)
        else:
            generic.append(family)
    if "fyp" in strong:
        # Without a report year a five-year plan is a review or a plan by the other words.
        guess = "review_multi" if "review" in generic and "plan" not in generic else "plan_multi"
        strong = [guess if s == "fyp" else s for s in strong]
    return _Cues(tuple(dict.fromkeys(strong)), tuple(dict.fromkeys(generic)), other)


@dataclass(frozen=True)
class _Heading:
    style: str  # a numbering id, "unnumbered" or "end"
    title: str
    cues: _Cues


_RESTART = _Heading("restart", "", _Cues((), (), False))


def _line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text``, without its line end.

    >>> _line_spans("ab\\n\\ncde")
    [(0, 2), (3, 3), (4, 7)]
    """
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _find_heading(s: str, rules: _Rules, yr: _YearRules) -> tuple[str, str] | None:
    """The (style, title) of the heading that the stripped line ``s`` is, if it is one."""
    if not s:
        return None
    if rules.prefix.match(s):
        s = rules.prefix.sub("", s, count=1).strip()
    cut = rules.suffix.match(s)
    if cut is not None:
        s = s[: cut.start()].strip()
    m = rules.numbering.match(s)
    if m is not None:
        cut = _TITLE_END.search(s)
        title = s[: cut.start()] if cut else s
        return (str(m.lastgroup), title) if len(title) <= rules.max_title else None
    if len(s) > rules.max_unnumbered:
        return None
    if rules.end_lines.match(s):
        return "end", s
    if not rules.forbidden.search(s) and yr.unnumbered.search(s):
        return "unnumbered", s
    return None


def _line_headings(
    text: str, rules: _Rules, yr: _YearRules
) -> list[tuple[int, int, _Heading | None]]:
    """(start, end, heading) of each line of ``text``: the heading it is, _RESTART where a
    news write-up restarts, None for a paragraph."""
    found: list[tuple[int, int, _Heading | None]] = []
    for start, end in _line_spans(text):
        line = text[start:end].strip()
        if rules.restart_lines.match(line):
            found.append((start, end, _RESTART))
            continue
        hit = _find_heading(line, rules, yr)
        if hit is None:
            found.append((start, end, None))
        else:
            style, title = hit
            found.append((start, end, _Heading(style, title, _classify(title, yr))))
    return found


def _top_style(headings: Sequence[_Heading]) -> str | None:
    """The numbering of the report's parts: that of its first heading naming a period."""
    for h in headings:
        if h.style != "end" and (h.cues.strong or h.cues.generic):
            return h.style
    return None
