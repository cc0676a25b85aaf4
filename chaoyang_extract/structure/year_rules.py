"""The patterns that depend on the report year: heading and paragraph cues with {Y},
{Y1}, {YFAR} and the five-year plans filled in (compiled once per year)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from ..rulebook import cache
from ..rulebook.placeholders import expand, names
from ..rulebook.regextools import required_words
from ..rulebook.source import line_of
from .rulefile import (
    _HEADING_GROUPS,
    _YEAR_KEYS,
    _alternation,
    _compile,
    _compile_joined,
    _Rules,
    _rules,
    _strings,
)

# (period, pattern, words of which a match holds one, or None when it promises none)
_Anywhere = tuple[tuple[str, regex.Pattern[str], frozenset[str] | None], ...]


@dataclass(frozen=True)
class _YearRules:
    """The patterns that depend on the report year (compiled once per year)."""

    heading: regex.Pattern[str]  # named groups: <family>__<strength>
    unnumbered: regex.Pattern[str]
    start: regex.Pattern[str]
    anywhere: _Anywhere
    fyp_any: regex.Pattern[str] | None  # five-year plan names when Y is unknown


def _cn_year(year: int, digits: Mapping[str, int]) -> list[str]:
    """``year`` in Chinese digits, as a pattern.

    >>> _cn_year(2026, {"〇": 0, "○": 0, "二": 2, "六": 6})
    ['[二][〇○][二][六]']
    """
    by_value: dict[int, list[str]] = {}
    for ch, v in digits.items():
        by_value.setdefault(v, []).append(regex.escape(ch))
    return ["".join("[" + "".join(by_value[int(d)]) + "]" for d in str(year))]


def _year_values(rules: _Rules, year: int | None) -> dict[str, str]:
    values = dict(rules.placeholders)
    if year is None:
        return values

    def forms(y: int) -> str:
        return "|".join([str(y), *_cn_year(y, rules.cn_digits)])

    values["Y"] = forms(year)
    values["Y1"] = forms(year - 1)
    values["YFAR"] = "|".join(str(y) for y in range(year + 2, year + 16))
    past = [n for p in rules.plans if p.start + 4 < year for n in p.names]
    future = [n for p in rules.plans if p.start + 4 >= year for n in p.names]
    values["FYP_PAST"] = _plan_names(past)
    values["FYP_FUTURE"] = _plan_names(future)
    return values


def _plan_names(names: Sequence[str]) -> str:
    """Plan names are written with or without quotes; a never-matching branch keeps an
    empty list valid.

    >>> _plan_names(["十四五", "第十四个五年规划"])
    '“?(?:(?:第十四个五年规划)|(?:十四五))”?'
    >>> _plan_names([])
    '(?!)'
    """
    if not names:
        return "(?!)"
    return "“?(?:" + _alternation(names) + ")”?"


def _usable(patterns: Iterable[str], values: Mapping[str, str], path: str, line: int) -> list[str]:
    """Expanded patterns, without those that need a report year we do not have."""
    out = []
    for p in patterns:
        needed = names(p) & _YEAR_KEYS
        if needed and not needed <= values.keys():
            continue
        out.append(expand(p, values, path, line))
    return out


def _cues(
    para: Mapping[str, Any], key: str, values: Mapping[str, str], path: str
) -> Iterable[tuple[str, str, int]]:
    """(period, alternation, line) of each period's usable paragraph cues at ``para[key]``."""
    by_period = para.get(key) or {}
    for period, pats in by_period.items():
        line = line_of(by_period, period)
        what = f"paragraph_cues.{key}.{period}"
        usable = _usable(_strings(pats, path, line, what), values, path, line)
        if usable:
            yield str(period), _alternation(usable), line


@functools.lru_cache(maxsize=64)
def _year_rules(year: int | None) -> _YearRules:
    """The cue patterns for reports of ``year`` (None: the year is unknown, and the
    patterns that need it are left out); kept across runs."""
    path = Path(_rules().path)
    key: list[Path | bytes] = [str(path).encode(), path, f"year={year}".encode()]
    found = cache.cached("structure-year", key, lambda: _build_year_rules(year))
    assert found is not None
    return found


def _build_year_rules(year: int | None) -> _YearRules:
    rules = _rules()
    where = rules.path
    values = _year_values(rules, year)
    heading, fyp_any = _heading(rules, values, year)
    heads = rules.raw["headings"]
    line = line_of(heads, "unnumbered")
    shapes = _strings(heads["unnumbered"], where, line, "headings.unnumbered")
    unnumbered = _compile(_alternation(_usable(shapes, values, where, line)) or "(?!)", where, line)
    start, anywhere = _paragraph(rules, values)
    return _YearRules(heading, unnumbered, start, anywhere, fyp_any)


def _heading(
    rules: _Rules, values: Mapping[str, str], year: int | None
) -> tuple[regex.Pattern[str], regex.Pattern[str] | None]:
    """The heading cues as one pattern, a named group per family and strength; and
    without a report year, the names of every five-year plan."""
    where = rules.path
    cues = rules.raw["heading_cues"]
    groups = []
    parts = []
    for family, strength in _HEADING_GROUPS:
        entry = cues.get(family) or {}
        line = line_of(entry, strength)
        pats = _usable(entry.get(strength) or [], values, where, line)
        if pats:
            group = _alternation(pats)
            groups.append(f"(?P<{family}__{strength}>{group})")
            parts.append((group, line))
    fyp_any = None
    if year is None:
        plans = [n for p in rules.plans for n in p.names]
        fyp_any = _compile(_plan_names(plans), where, line_of(rules.raw, "five_year_plans"))
        groups.insert(1, f"(?P<fyp__strong>{fyp_any.pattern})")
    return _compile_joined("|".join(groups) or "(?!)", parts, where), fyp_any


def _paragraph(rules: _Rules, values: Mapping[str, str]) -> tuple[regex.Pattern[str], _Anywhere]:
    """The paragraph start cues as one pattern (a named group per period, after the lead),
    and the cues that may stand anywhere, a pattern per period."""
    where = rules.path
    para = rules.raw["paragraph_cues"]
    line = line_of(para, "lead")
    lead = expand(str(para.get("lead", "")), values, where, line)
    parts = [(lead, line)]
    groups = []
    for period, group, at in _cues(para, "start", values, where):
        groups.append(f"(?P<{period}>{group})")
        parts.append((group, at))
    start = _compile_joined(f"{lead}(?:{'|'.join(groups) or '(?!)'})", parts, where)
    anywhere = []
    for period, group, at in _cues(para, "anywhere", values, where):
        pattern = _compile(group, where, at)
        anywhere.append((period, pattern, required_words(pattern.pattern)))
    return start, tuple(anywhere)
