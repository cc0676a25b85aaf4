"""Pass 3: hard-wrapped lines joined back into their paragraphs, blank lines dropped.

A copy cut at a fixed width is told from one with a paragraph a line by how its line
widths pile up; a line break is then kept or joined by how the line ends and the next
starts.
"""

from __future__ import annotations

import bisect
import functools
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .charsets import HSPACE_RUN
from .offsets import drop_runs

if TYPE_CHECKING:
    from .rules import Rules

__all__ = ["join_lines"]


def _width(line: str) -> int:
    """The line's length in GBK bytes.

    >>> _width("增长5%"), len("增长5%")
    (6, 4)
    """
    # Hard-wrapped copies were cut at a fixed number of GBK bytes (two per Han character,
    # one per ASCII character), which is exactly the GB18030 length for these texts...
    return len(line.encode("gb18030", "replace"))


# ...or at a fixed number of characters; whichever measure lines up better is used.
_MEASURES: tuple[Callable[[str], int], ...] = (_width, len)


def _tolerance(width: int) -> int:
    return max(4, width // 12)


def _ends_sentence(line: str, rules: Rules) -> bool:
    last = line[-1]
    if last in rules.sentence_final:
        return True
    return last in rules.closing_marks and len(line) > 1 and line[-2] in rules.sentence_final


@dataclass(frozen=True)
class _Wrap:
    """How a hard-wrapped document was cut: lines measuring ``low..high`` are full."""

    measure: Callable[[str], int]
    low: int
    high: int

    def full(self, line: str) -> bool:
        return self.low <= self.measure(line) <= self.high


def _wrap_width(lines: list[str], rules: Rules) -> _Wrap | None:
    """The width a hard-wrapped document was cut at, or None if it was not.

    Wrapped lines pile up just under one width and almost nothing is longer; a document
    with one paragraph per line has lines of every length, most far longer than any
    cluster of headings.
    """
    open_lines = [line for line in lines if len(line) >= 15 and not _ends_sentence(line, rules)]
    if len(open_lines) < 3:
        return None
    found: _Wrap | None = None
    found_count = 0
    for measure in _MEASURES:
        minimum = 30 if measure is _width else 15
        widths = sorted(w for w in map(measure, open_lines) if w >= minimum)
        best, best_count = 0, 0
        for width in sorted(set(widths)):
            low = bisect.bisect_left(widths, width - _tolerance(width))
            high = bisect.bisect_right(widths, width)
            if high - low >= best_count:
                best, best_count = width, high - low
        if best_count < 3 or best_count <= found_count:
            continue
        limit = best + _tolerance(best)
        # A width is at least the length and, but for rare characters, at most twice
        # it: most lines are settled without measuring them.
        longer = sum(
            1
            for line in lines
            if len(line) > limit or (2 * len(line) > limit and measure(line) > limit)
        )
        if longer * 3 <= best_count:
            found, found_count = _Wrap(measure, best - _tolerance(best), limit), best_count
    return found


def join_lines(lines: list[str], origin: array[int], original: str, rules: Rules) -> str:
    """The text of ``lines`` (the edited text split at "\n") with hard-wrapped lines joined
    and blank ones dropped; ``origin``, the edited text's map, is cut to match in place."""
    if len(lines) == 1:
        return lines[0]
    wrap = _wrap_width(lines, rules)

    def indented(line_start: int) -> bool:
        # Indentation was removed by the edit pass; look for it in the input between the
        # line break and the line's first character.
        return (
            HSPACE_RUN.search(original, origin[line_start - 1] + 1, origin[line_start]) is not None
        )

    indents = wrap is not None and _indents_paragraphs(lines, indented, rules)

    # [start, end) runs of the edited text to drop: joined line breaks and blank lines.
    drop: list[tuple[int, int]] = []
    # The result, as the lines (shared, not copied) and the breaks that stay.
    parts: list[str] = []
    previous = ""  # the last non-empty line
    previous_end = -1  # where it ends (its line break) in the edited text
    open_sentence = False  # the paragraph so far was joined mid-sentence
    start = 0
    for line in lines:
        end = start + len(line)
        if line:
            if previous_end < 0:
                if start:
                    drop.append((0, start))  # blank lines before the first line
            elif previous_end + 1 < start:
                drop.append((previous_end + 1, start))  # blank lines collapse to one
                parts.append("\n")
                open_sentence = False
            else:
                is_indented = functools.partial(indented, start)
                join = _join(previous, line, is_indented, open_sentence, wrap, indents, rules)
                if join is None:
                    parts.append("\n")
                else:
                    drop.append((previous_end, start))
                open_sentence = bool(join)
            parts.append(line)
            previous, previous_end = line, end
        start = end + 1
    length = start - 1  # of the edited text
    if previous_end < 0:
        del origin[:]
        return ""  # nothing but line breaks
    if previous_end < length:
        drop.append((previous_end, length))  # blank lines after the last one
    if drop:
        drop_runs(origin, drop)
    return "".join(parts)


def _indents_paragraphs(lines: list[str], indented: Callable[[int], bool], rules: Rules) -> bool:
    """Whether most lines that follow a finished sentence are indented."""
    after_sentence = indented_count = 0
    start = 0
    previous = ""
    for line in lines:
        if line and previous and _ends_sentence(previous, rules):
            after_sentence += 1
            indented_count += indented(start)
        if line:
            previous = line
        start += len(line) + 1
    return after_sentence >= 3 and 2 * indented_count >= after_sentence


def _join(
    line: str,
    following: str,
    indented: Callable[[], bool],
    open_sentence: bool,
    wrap: _Wrap | None,
    indents: bool,
    rules: Rules,
) -> bool | None:
    """How the break between two adjacent non-empty lines goes.

    None keeps the line break; True joins and says the sentence is still open (the next
    break may be one too); False joins a line that simply filled the wrap width.
    """
    last, first = line[-1], following[0]
    first_digit = "0" <= first <= "9"
    # A number cut in two ("下降3." / "9个百分点", "1.9：62." / "1：36") is always one.
    if first_digit and last in ".：:" and len(line) > 1 and "0" <= line[-2] <= "9":
        return True
    if _ends_sentence(line, rules):
        # In a wrapped document that indents its paragraphs, a full line ending a
        # sentence is followed by an unindented line only when the paragraph goes on.
        goes_on = (
            indents
            and wrap is not None
            and wrap.full(line)
            and not (rules.paragraph_start.match(following) or indented())
        )
        return False if goes_on else None
    if first in rules.no_line_start:
        # Not an open sentence: "】" or "。" closes what it continues.
        return False
    if rules.paragraph_start.match(following) or indented():
        return None
    if wrap is not None and wrap.full(line):
        return False
    if last in rules.clause_final:
        return None
    return True if _runs_on(line, following, open_sentence, rules) else None


def _runs_on(line: str, following: str, open_sentence: bool, rules: Rules) -> bool:
    """Whether a line that neither ends a sentence nor fills the wrap width, followed by
    one that starts no paragraph, stops mid-sentence: the sentence runs on.

    >>> from chaoyang_extract.normalize.rules import builtin_rules
    >>> rules = builtin_rules()
    >>> _runs_on("今年经济社会发展的", "主要预期目标", False, rules)  # 的 leaves it open
    True
    >>> _runs_on("二、2026年工作安排", "全年生产总值增长5%。", False, rules)
    False
    """
    last, first = line[-1], following[0]
    # Web copies break a sentence around bold or linked words ("…今年经济社会发展的" /
    # "主要预期目标" / "是：…", "以PM" / "2.5" / "浓度…"): a short fragment inside a
    # sentence that is already open does not close it.
    if open_sentence and len(line) <= rules.fragment_max_chars:
        return True
    # A quotation or bracket still open at the line end: the sentence is not over.
    if line.count("“") > line.count("”") or line.count("（") > line.count("）"):
        return True
    long_enough = len(line) >= rules.continuation_min_chars
    if long_enough and "0" <= last <= "9" and ("0" <= first <= "9" or first == "."):
        return True
    if long_enough and last in rules.continuation_end:
        return True
    if last in rules.dangling_end:
        return True
    # A line with a full stop inside is body text, not a heading; if it then stops
    # without punctuation, its last sentence runs on into the next line, unless that
    # line is a short complete one of its own (a caption "…。本报记者某某摄" before
    # "各位代表：").
    if rules.body_mark.search(line, 0, len(line) - 1):
        complete = _ends_sentence(following, rules) or following[-1] in rules.clause_final
        if len(following) >= rules.continuation_min_chars or not complete:
            return True
    return False
