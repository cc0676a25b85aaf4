"""The contiguous sections of a report and each one's period: the outline of its
headings, refined by paragraphs and sentences that clearly say which period they talk
about."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex

from .headings import _RESTART, _Heading, _line_headings, _top_style
from .outline import _depth, _escapes, _Node, _place
from .periods import _ANY
from .result import Section
from .rulefile import _min_paragraph, _Rules
from .year_rules import _YearRules

_SENTENCE_END = regex.compile(r"[。！？][”’」』）]*")


def _cue_starts(
    text: str, start: int, end: int, allowed: frozenset[str], yr: _YearRules
) -> list[tuple[str, list[int]]]:
    """Where each allowed period's anywhere-cues start in one line (one scan a period)."""
    line = text[start:end]
    found = [
        (period, [m.start() for m in pattern.finditer(text, start, end)])
        for period, pattern, words in yr.anywhere
        # Most lines hold none of the words a cue needs: checking is cheaper than scanning.
        if period in allowed and (words is None or any(w in line for w in words))
    ]
    return [(period, starts) for period, starts in found if starts]


def _one_period(cues: Sequence[tuple[str, list[int]]], lo: int, hi: int) -> str | None:
    """The one period whose cues stand in lo..hi; a text holding cues of two is left as is.

    >>> cues = [("review", [3, 40]), ("plan", [20])]
    >>> _one_period(cues, 0, 10), _one_period(cues, 0, 30), _one_period(cues, 10, 30)
    ('review', None, 'plan')
    """
    if not cues:
        return None
    found = {period for period, starts in cues if any(lo <= s < hi for s in starts)}
    return found.pop() if len(found) == 1 else None


def _sentences(
    text: str, start: int, end: int, whole: bool = False
) -> Iterable[tuple[int, str, bool]]:
    """(offset, stripped text, is first) of each sentence of the line text[start:end];
    ``whole``: the line as one.

    >>> list(_sentences("去年增长5%。今年增长6%", 0, 13))
    [(0, '去年增长5%。', True), (7, '今年增长6%', False)]
    >>> list(_sentences(" 去年增长5%。今年", 0, 10, whole=True))
    [(1, '去年增长5%。今年', True)]
    """
    if whole:
        line = text[start:end]
        stripped = line.strip()
        if stripped:
            yield start + len(line) - len(line.lstrip()), stripped, True
        return
    first = True
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        piece = text[pos : m.end()]
        stripped = piece.strip()
        if stripped:
            yield pos + (len(piece) - len(piece.lstrip())), stripped, first
            first = False
        pos = m.end()
    piece = text[pos:end]
    if piece.strip():
        yield pos + (len(piece) - len(piece.lstrip())), piece.strip(), first


@dataclass
class _Walk:
    """The outline as the lines are read in order: the open headings, the period in force
    and the cuts made so far, each (start, path, period)."""

    text: str
    yr: _YearRules
    top: str | None  # the numbering of the report's parts
    min_len: int  # paragraphs shorter than this are left as they are
    styles: dict[str, int] = field(default_factory=dict)  # numbering -> depth
    stack: list[_Node] = field(default_factory=list)
    root: _Node = field(default_factory=lambda: _Node(-1, "", "preamble", _ANY, True, False))
    last_top: _Node | None = None
    cuts: list[tuple[int, str, str]] = field(default_factory=list)
    current: str = "preamble"

    def restart(self, start: int) -> None:
        # A news write-up after headline bullets: its text belongs to no heading above.
        self.stack.clear()
        self.last_top = None
        self.root.period = self.current = "preamble"
        self.cuts.append((start, "", self.current))

    def heading(self, start: int, h: _Heading) -> None:
        stack = self.stack
        depth = _depth(h, self.top, stack, self.styles)
        while stack and stack[-1].depth >= depth:
            stack.pop()
        if stack and _escapes(h, stack[-1]):
            # A numbered part title under an unnumbered one (headline bullets before the
            # full report): it starts the outline afresh instead of nesting.
            depth = self.styles[h.style] = 0
            stack.clear()
        node = _place(h, stack[-1] if stack else None, self.last_top)
        node.depth, node.title, node.style = depth, h.title, h.style
        node.marker = h.style == "unnumbered" and self.top != "unnumbered"
        stack.append(node)
        if depth == 0:
            self.last_top = node
        self.cuts.append((start, " > ".join(n.title for n in stack), node.period))
        self.current = node.period

    def paragraph(self, start: int, end: int) -> None:
        text, yr, stack, min_len = self.text, self.yr, self.stack, self.min_len
        node = stack[-1] if stack else self.root
        period = node.period
        allowed = node.allowed
        if not allowed:
            parts: Iterable[tuple[int, str, bool]] = ()
        elif node.sticky:
            # Where paragraphs move the period themselves, so do sentences: news
            # write-ups pack several in a paragraph, and a later one that names a
            # period ("王喜良说，过去的一年…") turns it there.
            parts = _sentences(text, start, end)
        else:
            # Under a heading that names one period, the paragraph decides.
            parts = _sentences(text, start, end, whole=True)
        cues: list[tuple[str, list[int]]] | None = None
        current = self.current
        for at, sentence, first in parts:
            moved = None
            if len(sentence) >= min_len:
                m = yr.start.match(sentence)
                if m is not None and m.lastgroup in allowed:
                    moved = str(m.lastgroup)
                else:
                    if cues is None:
                        cues = _cue_starts(text, start, end, allowed, yr)
                    # The first sentence speaks for its whole paragraph.
                    moved = _one_period(cues, at, end if first else at + len(sentence))
            if moved is not None:
                period = moved
                if node.sticky:
                    node.period = moved
            if period != current:
                self.cuts.append((at, " > ".join(n.title for n in stack), period))
                current = period
        self.current = current


def _sections(text: str, rules: _Rules, yr: _YearRules) -> list[Section]:
    found = _line_headings(text, rules, yr)
    top = _top_style([h for _, _, h in found if h is not None and h is not _RESTART])
    walk = _Walk(text, yr, top, _min_paragraph())
    for start, end, h in found:
        if h is _RESTART:
            walk.restart(start)
            walk.paragraph(start, end)
        elif h is None:
            walk.paragraph(start, end)
        else:
            walk.heading(start, h)
    return _merge(walk.cuts, len(text))


def _merge(cuts: Sequence[tuple[int, str, str]], length: int) -> list[Section]:
    """Sections from the cuts: a cut where the last one stands replaces it, one that
    changes neither path nor period is no cut.

    >>> _merge([(0, "一、回顾", "review"), (5, "一、回顾", "review"), (9, "二、安排", "plan")], 12)
    ... # doctest: +NORMALIZE_WHITESPACE
    [Section(start=0, end=9, path='一、回顾', period='review'),
     Section(start=9, end=12, path='二、安排', period='plan')]
    """
    points: list[tuple[int, str, str]] = [(0, "", "preamble")]
    for start, path, period in cuts:
        if start >= length:
            # A heading cut on the text's last, empty line would make an empty section.
            continue
        if start == points[-1][0]:
            points[-1] = (start, path, period)
        elif (path, period) != points[-1][1:]:
            points.append((start, path, period))
    out = []
    for i, (start, path, period) in enumerate(points):
        end = points[i + 1][0] if i + 1 < len(points) else length
        out.append(Section(start, end, path, period))
    return out
