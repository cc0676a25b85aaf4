"""The report year and the reporting jurisdiction, weighed from evidence rules; and the
fast ways of trying those rules, which find exactly what a plain scan finds."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence

import regex

from .rulefile import _Evidence, _Rules


def line_starts(text: str) -> list[int]:
    """The offset of each line's first character in normalised text (LF line ends only).

    >>> line_starts("一、回顾\\n全市增长5%。\\n")
    [0, 5, 13]
    """
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _lines_holding(offsets: Sequence[int], starts: Sequence[int]) -> list[int]:
    """The starts of the lines that hold any of ``offsets`` (ascending).

    >>> _lines_holding([1, 3, 7, 12], [0, 5, 10])
    [0, 5, 10]
    >>> _lines_holding([6, 8], [0, 5, 10])
    [5]
    """
    found: list[int] = []
    for at in offsets:
        line = starts[bisect.bisect_right(starts, at) - 1]
        if not found or found[-1] != line:
            found.append(line)
    return found


def _matches(ev: _Evidence, text: str, starts: Sequence[int]) -> Sequence[regex.Match[str]]:
    """The matches of ``ev.pattern.finditer(text)``; ``starts`` holds every place where
    one can start, if the rule is tried by line or at years."""
    if ev.words is not None and not any(w in text for w in ev.words):
        return []
    if ev.ends_with:
        return _matches_ending(ev, text)
    if not (ev.by_line or ev.at_year):
        return list(ev.pattern.finditer(text))
    found: list[regex.Match[str]] = []
    end = 0
    for start in starts:
        if start < end:
            continue  # finditer goes on from the end of the last match
        m = ev.pattern.match(text, start)
        if m is not None:
            if m.end() == start:
                # finditer's rule for what follows an empty match is not worth copying.
                return list(ev.pattern.finditer(text))
            found.append(m)
            end = m.end()
    return found


def _matches_ending(ev: _Evidence, text: str) -> list[regex.Match[str]]:
    """The matches of a backward rule whose every match ends with one of ``ev.ends_with``:
    those of scanning the whole text from the right, found from each such end."""
    found: list[regex.Match[str]] = []
    reach = len(text) + 1
    for end in reversed(_word_ends(ev.ends_with, text)):
        if end > reach:
            continue  # a scan from the right goes on from the start of the last match
        m = ev.pattern.match(text, 0, end)
        if m is not None:
            found.append(m)
            reach = m.start()
    return found  # right to left, as a scan from the right finds them


@functools.lru_cache(maxsize=4)
def _word_ends(words: tuple[str, ...], text: str) -> tuple[int, ...]:
    """Where each of ``words`` ends in ``text``, in order. (Cached: a rule's patterns share
    their words.) str.find on Chinese text costs about as much per call as a loop over a
    few dozen hits, so words that share their last character (市长, 县长) are found by one
    scan for it.

    >>> _word_ends(("市长", "县长", "人大"), "市长县长人大县")
    (2, 4, 6)
    """
    by_last: dict[str, dict[int, list[str]]] = {}
    for w in words:
        by_last.setdefault(w[-1], {}).setdefault(len(w), []).append(w)
    ends: list[int] = []
    for last, by_len in by_last.items():
        if len(by_len) == 1 and len(next(iter(by_len.values()))) == 1:
            word = next(iter(by_len.values()))[0]
            at = text.find(word)
            while at != -1:
                ends.append(at + len(word))
                at = text.find(word, at + 1)
            continue
        groups = [(n, tuple(ws)) for n, ws in by_len.items()]
        at = text.find(last)
        while at != -1:
            for n, ws in groups:
                # (A negative start would count from the text's end.)
                if at + 1 >= n and text.startswith(ws, at + 1 - n):
                    ends.append(at + 1)
                    break
            at = text.find(last, at + 1)
    ends.sort()
    return tuple(ends)


def _parse_year(text: str, rules: _Rules) -> int | None:
    """A year written in digits or in Chinese digits; None if it holds something else.

    >>> from .rulefile import _rules
    >>> _parse_year("2026", _rules()), _parse_year("二〇二六", _rules())
    (2026, 2026)
    """
    if text.isdigit():
        return int(text)
    digits = [rules.cn_digits.get(ch) for ch in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _parse_month(text: str, rules: _Rules) -> int | None:
    """A month written in digits or in Chinese numerals.

    >>> from .rulefile import _rules
    >>> [_parse_month(m, _rules()) for m in ("1", "十", "十二", "二十")]
    [1, 10, 12, 20]
    """
    if text.isdigit():
        return int(text)
    total = 0
    for ch in text:
        d = rules.cn_numerals.get(ch)
        if d is None:
            return None
        # A ten multiplies what stands before it (or one): 十二 is 12, 十 is 10.
        total = (total or 1) * 10 if d == 10 else total + d
    return total


def _plan_last_year(name: str, rules: _Rules) -> int | None:
    """The last year of the five-year plan named ``name`` (quoted or not).

    >>> from .rulefile import _rules
    >>> _plan_last_year("“十四五”", _rules()), _plan_last_year("十四五规划", _rules())
    (2025, None)
    """
    for plan in rules.plans:
        if any(regex.fullmatch(f"“?(?:{n})”?", name) for n in plan.names):
            return plan.start + 4
    return None


def _detect_year(
    text: str, rules: _Rules, starts: Sequence[int] | None = None, name_year: int | None = None
) -> tuple[int | None, list[str]]:
    """The report year the evidence weighs for; None when there is none or a tie.

    ``name_year`` (from the file name) decides only when the text names no year, or
    between years the text weighs equally; it never outweighs the text.
    """
    if starts is None:
        starts = line_starts(text)
    tokens = [m.span() for m in rules.year_token.finditer(text)]
    year_at = [a for a, _ in tokens]
    nian_at = [a for a, b in tokens if text.startswith("年", b)]
    year_lines = _lines_holding(year_at, starts)
    votes: dict[int, float] = {}
    for ev in rules.year_evidence:
        places = (nian_at if ev.year_nian else year_at) if ev.at_year else year_lines
        for m in _matches(ev, text, places):
            named = m.groupdict()
            plan = named.get("plan")
            y = _plan_last_year(plan, rules) if plan else _parse_year(named["y"], rules)
            if y is None:
                continue
            y += ev.offset
            month = m.groupdict().get("m")
            number = _parse_month(month, rules) if month is not None else None
            if ev.months is not None and number not in ev.months:
                continue
            if number in rules.late_months:
                y += 1
            if rules.year_min <= y <= rules.year_max:
                votes[y] = votes.get(y, 0.0) + ev.weight
    if not votes:
        if name_year is not None:
            return name_year, [f"report year {name_year} from the file name only"]
        return None, ["report year not found"]
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], -kv[0]))
    best, weight = ranked[0]
    tied = sorted(y for y, w in ranked if w == weight)
    if len(tied) > 1:
        if name_year in tied:
            return name_year, [
                f"report year {name_year} from the file name: the text weighs "
                f"{', '.join(map(str, tied))} equally"
            ]
        return None, [
            f"report year not decided: the text weighs {', '.join(map(str, tied))} equally"
        ]
    warnings = []
    if len(ranked) > 1 and ranked[1][1] >= weight * rules.conflict_ratio:
        warnings.append(
            f"report year uncertain: {best} (weight {weight:g}) over "
            f"{ranked[1][0]} (weight {ranked[1][1]:g})"
        )
    return best, warnings


def _name_year(name: str | None, rules: _Rules) -> int | None:
    m = rules.name_year.search(name) if name else None
    if m is None:
        return None
    y = int(m.group("y"))
    return y if rules.year_min <= y <= rules.year_max else None


def _detect_region(text: str, rules: _Rules, starts: Sequence[int] | None = None) -> str | None:
    if starts is None:
        starts = line_starts(text)
    votes: dict[str, float] = {}
    first: dict[str, int] = {}
    for ev in rules.region_evidence:
        for m in _matches(ev, text, starts):
            parts = rules.jurisdiction.findall(m.group("r"))
            if not parts:
                continue
            name = parts[-1]
            votes[name] = votes.get(name, 0.0) + ev.weight
            first[name] = min(first.get(name, m.start()), m.start())
    if not votes:
        return None
    return min(votes, key=lambda n: (-votes[n], first[n]))
