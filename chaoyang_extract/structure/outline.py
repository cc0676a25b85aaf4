"""The outline the headings form: how deep each heading stands, and the period it puts
its text in (a sub-heading may only refine its parent's period)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .headings import _Cues, _Heading
from .periods import _ANY, _NONE, _PLAN, _REVIEW, _family


@dataclass
class _Node:
    """One open heading of the outline and the period its text is in."""

    depth: int
    title: str
    period: str  # in force now; in a sticky scope, paragraphs move it
    allowed: frozenset[str]  # periods a paragraph cue may move to
    sticky: bool  # a moved period holds for the paragraphs after it
    marker: bool  # an unnumbered sub-heading in a numbered report; it holds no sub-headings
    style: str = ""


def _resolve(cues: _Cues, allowed: frozenset[str], use_generic: bool) -> _Node | None:
    """The period a heading's words name (as a node without place), or None."""
    strong = [p for p in cues.strong if p in allowed]
    named = strong or ([p for p in cues.generic if p in allowed] if use_generic else [])
    if not named:
        return None
    families: frozenset[str] = _NONE
    for p in named:
        families = families | _family(p)
    # A part that names two periods is split by its paragraphs, and a paragraph's period
    # holds until the next says otherwise (the five-year plan first, then this year's).
    # So does a five-year review: once a paragraph turns to last year ("2016年，全县…"),
    # the thematic paragraphs after it go on about last year until a five-year cue.
    sticky = len(named) > 1 or named == ["review_multi"]
    # The annual review wins over a five-year review named beside it; plans stay mixed.
    if "review" in named:
        named = [p for p in named if p != "review_multi"]
    return _Node(0, "", named[0], families & allowed, sticky, False)


def _depth(h: _Heading, top: str | None, stack: Sequence[_Node], styles: dict[str, int]) -> int:
    if h.style == "end":
        return 0
    if h.style == "unnumbered":
        return 0 if top == "unnumbered" else _parent_depth(stack) + 1
    if h.style not in styles:
        # A numbering is as deep as where it first appears; under unnumbered parts it is
        # never a part itself, even when it shows up before the first part.
        styles[h.style] = max(_parent_depth(stack) + 1, 1 if top == "unnumbered" else 0)
    return styles[h.style]


def _place(h: _Heading, parent: _Node | None, last_top: _Node | None) -> _Node:
    """The node of heading ``h`` (depth and title filled in by the caller)."""
    if h.style == "end":
        return _Node(0, "", "other", _NONE, False, False)
    if parent is None:
        if h.cues.other:
            return _Node(0, "", "other", _NONE, False, False)
        got = _resolve(h.cues, _ANY, True)
        if got is not None:
            return got
        if last_top is None:
            # Reports open with the review; an untitled first part is that review.
            return _Node(0, "", "review", _REVIEW, False, False)
        return _Node(0, "", last_top.period, _family(last_top.period), False, False)
    if h.cues.other and parent.period not in _REVIEW:
        # Government self-building under a plan is other; under a review it still reviews.
        return _Node(0, "", "other", _NONE, False, False)
    open_parent = parent.sticky or parent.period == "preamble"
    got = _resolve(h.cues, parent.allowed, open_parent)
    if got is not None:
        return got
    return _Node(0, "", parent.period, parent.allowed, False, False)


def _escapes(h: _Heading, parent: _Node) -> bool:
    if parent.style != "unnumbered" or parent.marker or h.style in ("unnumbered", "end"):
        return False
    # Only a part title does: a strong cue of another family together with a word that names
    # a kind of part, "{last year} + review" or "{this year} + plan".
    for family in (_REVIEW, _PLAN):
        if family & parent.allowed:
            continue
        if any(p in family for p in h.cues.strong) and any(p in family for p in h.cues.generic):
            return True
    return False


def _parent_depth(stack: Sequence[_Node]) -> int:
    for node in reversed(stack):
        if not node.marker:
            return node.depth
    return -1
