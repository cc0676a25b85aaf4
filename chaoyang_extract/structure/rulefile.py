"""``rules/structure.yaml``, read through the rulebook (which checks its shape) and compiled
once per process into the frozen ``_Rules``: the patterns that do not depend on the
report year. Problems are RuleError(FILE, …, LINE) at the key that holds them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from ..errors import RuleError
from ..resources import rules_dir
from ..rulebook import cache, read_special
from ..rulebook.placeholders import expand
from ..rulebook.regextools import line_anchored, required_words
from ..rulebook.source import line_of
from .periods import _ANY

_RULES_FILE = "structure.yaml"
# Placeholders the code fills per report year (see _year_values).
_YEAR_KEYS = frozenset({"Y", "Y1", "YFAR", "FYP_PAST", "FYP_FUTURE"})

# The heading cue lists that are read, in the order their groups are tried.
_HEADING_GROUPS = (
    ("other", "strong"),
    ("review_multi", "strong"),
    ("plan_multi", "strong"),
    ("review", "strong"),
    ("plan", "strong"),
    ("review", "generic"),
    ("plan", "generic"),
)


@dataclass(frozen=True)
class _Evidence:
    rule_id: str
    weight: float
    offset: int
    pattern: regex.Pattern[str]
    # The pattern can match only at a line's start (rules.line_anchored): trying it there
    # is faster than letting the regex module scan every character.
    by_line: bool = False
    # A dated match counts only in these months (a news page dated in summer is a repost).
    months: frozenset[int] | None = None
    # The pattern starts with its year ("(?P<y>{YEAR})年…", look-behinds aside): trying it
    # where a year is written is faster than letting the regex module scan every character.
    at_year: bool = False
    # ... and 年 follows the year: only years written as years are tried (most are).
    year_nian: bool = False
    # Words of which every match holds one (None: the pattern promises none): a text
    # without any is not scanned.
    words: frozenset[str] | None = None
    # Words one of which ends every match (rule data: `ends_with`): the rule is matched
    # backward from where each of them ends, instead of scanning the text from the right.
    ends_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Plan:
    start: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Rules:
    path: str
    year_min: int
    year_max: int
    cn_digits: Mapping[str, int]
    cn_numerals: Mapping[str, int]
    late_months: frozenset[int]
    conflict_ratio: float
    placeholders: Mapping[str, str]
    year_evidence: tuple[_Evidence, ...]
    name_year: regex.Pattern[str]
    region_evidence: tuple[_Evidence, ...]
    jurisdiction: regex.Pattern[str]
    # What every year rule captures (a year or a plan's name): a line without one is not
    # tried by the rules that start at a line's beginning.
    year_token: regex.Pattern[str]
    plans: tuple[_Plan, ...]
    max_title: int
    max_unnumbered: int
    prefix: regex.Pattern[str]
    suffix: regex.Pattern[str]
    forbidden: regex.Pattern[str]
    numbering: regex.Pattern[str]  # one named group per numbering style
    end_lines: regex.Pattern[str]
    restart_lines: regex.Pattern[str]
    raw: Mapping[str, Any]


# --------------------------------------------------------------------------- helpers


def _compile(pattern: str, path: str, line: int | None, flags: int = 0) -> regex.Pattern[str]:
    try:
        return cache.compile(pattern, regex.V0 | flags)
    except regex.error as err:
        raise RuleError(path, f"bad pattern {pattern!r}: {err}", line) from err


def _compile_joined(
    pattern: str, parts: Iterable[tuple[str, int]], path: str, flags: int = 0
) -> regex.Pattern[str]:
    """``pattern``, joined from ``parts`` (an expanded pattern and the line it is written
    on). Only when it does not compile are the parts compiled one by one, to blame the
    first bad one at its line."""
    try:
        return cache.compile(pattern, regex.V0 | flags)
    except regex.error as err:
        for part, line in parts:
            _compile(part, path, line, flags)
        raise RuleError(path, f"bad pattern {pattern!r}: {err}") from err


def _strings(value: Any, path: str, line: int, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise RuleError(path, f"{what}: expected a text or a list of texts", line)


def _alternation(patterns: Iterable[str]) -> str:
    """One pattern for any of ``patterns``, longest first: at one position the alternation
    takes the first branch that matches.

    >>> _alternation(["ab", "abc", "ab", "x"])
    '(?:abc)|(?:ab)|(?:x)'
    """
    unique = sorted(set(patterns), key=lambda p: (-len(p), p))
    return "|".join(f"(?:{p})" for p in unique)


def _pattern(
    raw: Mapping[str, Any],
    key: str,
    values: Mapping[str, str],
    path: str,
    flags: int = 0,
    default: str | None = None,
) -> regex.Pattern[str]:
    """The pattern written at ``raw[key]`` (``default`` when it is optional and not
    written or empty), its placeholders filled."""
    line = line_of(raw, key)
    written = raw[key] if default is None else raw.get(key) or default
    return _compile(expand(str(written), values, path, line), path, line, flags)


def _lines_pattern(
    raw: Mapping[str, Any], key: str, values: Mapping[str, str], path: str, end: str
) -> regex.Pattern[str]:
    """Any of the patterns listed at ``raw[key]`` from a line's start (to its end, with
    ``end`` "$"); none listed: a pattern that never matches."""
    line = line_of(raw, key)
    patterns = _strings(raw.get(key), path, line, key)
    body = _alternation(expand(p, values, path, line) for p in patterns) or "(?!)"
    return _compile(f"^(?:{body}){end}", path, line)


# --------------------------------------------------------------------------- evidence

# Look-behinds (holding no groups but plain (?:…) ones), then the year group.
_STARTS_WITH_YEAR = regex.compile(r"(?:\(\?<[!=](?:[^()]|\(\?:[^()]*\))*\))*\(\?P<y>\{YEAR\}\)")


def _load_evidence(
    items: Sequence[Any], values: Mapping[str, str], path: str, with_offset: bool
) -> tuple[_Evidence, ...]:
    """The evidence rules listed (year rules ``with_offset``: the report year is the
    captured year plus the rule's offset)."""
    return tuple(ev for item in items for ev in _evidence(item, values, path, with_offset))


def _evidence(
    item: Mapping[str, Any], values: Mapping[str, str], path: str, with_offset: bool
) -> list[_Evidence]:
    """One evidence rule of the file: an _Evidence for each of its patterns."""
    rid = str(item["id"])
    weight = float(item.get("weight", 1))
    offset = int(item.get("offset", 0)) if with_offset else 0
    months = frozenset(int(m) for m in item["months"]) if "months" in item else None
    # A rule whose end is rare (…市长) is found much faster scanning from the right,
    # and faster still matched backward from each place its end word stands.
    at = line_of(item, "ends_with")
    ends = tuple(_strings(item.get("ends_with"), path, at, f"evidence rule {rid}: ends_with"))
    if any(not w for w in ends):
        raise RuleError(path, f"evidence rule {rid}: ends_with holds an empty word", at)
    flags = regex.REVERSE if item.get("reverse") or ends else 0
    at = line_of(item, "patterns")
    out = []
    for p in _strings(item.get("patterns"), path, at, f"evidence rule {rid}: patterns"):
        pattern = _compile(expand(p, values, path, at), path, at, flags)
        anchored = not flags and line_anchored(pattern.pattern)
        lead = None if anchored or flags else _STARTS_WITH_YEAR.match(p)
        after = p[lead.end() : lead.end() + 2] if lead else ""
        nian = after[:1] == "年" and after[1:2] not in ("?", "*", "{")
        words = required_words(pattern.pattern)
        out.append(
            _Evidence(rid, weight, offset, pattern, anchored, months, bool(lead), nian, words, ends)
        )
    return out


# --------------------------------------------------------------------------- headings


def _numbering(items: Sequence[Any], values: Mapping[str, str], path: str) -> regex.Pattern[str]:
    # One alternation with a group per style: a line is tried once, not once per style.
    groups = []
    parts = []
    for item in items:
        style = str(item["id"])
        if not style.isidentifier() or style in ("unnumbered", "end"):
            raise RuleError(
                path, f"numbering id {style!r} must be a plain name", line_of(item, "id")
            )
        line = line_of(item, "pattern")
        part = expand(str(item["pattern"]), values, path, line)
        groups.append(f"(?P<{style}>{part})")
        parts.append((part, line))
    return _compile_joined("|".join(groups), parts, path)


def _check_periods(data: Mapping[str, Any], path: str) -> None:
    """Cue lists under a name that is no period, or that the code never reads, are typos."""
    cues = data["heading_cues"]
    read = {family for family, _ in _HEADING_GROUPS}
    for family, entry in cues.items():
        if family not in read:
            raise RuleError(path, f"heading_cues: unknown period {family!r}", line_of(cues, family))
        for strength in entry:
            if (family, strength) not in _HEADING_GROUPS:
                raise RuleError(
                    path,
                    f"heading_cues.{family}.{strength}: {family} is named by strong cues only",
                    line_of(entry, strength),
                )
    para = data["paragraph_cues"]
    for key in ("start", "anywhere"):
        by_period = para.get(key) or {}
        for period in by_period:
            if period not in _ANY:
                raise RuleError(
                    path,
                    f"paragraph_cues.{key}: unknown period {period!r}",
                    line_of(by_period, period),
                )


# --------------------------------------------------------------------------- the file


@functools.lru_cache(maxsize=1)
def _rules() -> _Rules:
    """structure.yaml, checked and compiled (once per process, and kept across runs)."""
    path = rules_dir() / _RULES_FILE
    found = cache.cached("structure", [str(path).encode(), path], lambda: _build(path))
    assert found is not None
    return found


def _build(path: Path) -> _Rules:
    where = str(path)
    data = read_special(path)
    _check_periods(data, where)
    years = data["years"]
    heads = data["headings"]
    placeholders = {str(k): str(v) for k, v in data["placeholders"].items()}
    fixed = {k: v for k, v in placeholders.items() if k not in _YEAR_KEYS}
    at = line_of(data, "placeholders")
    return _Rules(
        path=where,
        year_min=int(years["min"]),
        year_max=int(years["max"]),
        cn_digits={str(k): int(v) for k, v in years["cn_digits"].items()},
        cn_numerals={str(k): int(v) for k, v in years["cn_numerals"].items()},
        late_months=frozenset(int(m) for m in years.get("late_months", [])),
        conflict_ratio=float(years.get("conflict_ratio", 0.5)),
        placeholders=fixed,
        year_evidence=_load_evidence(data["year_evidence"], fixed, where, True),
        name_year=_pattern(data, "file_name_year", fixed, where),
        region_evidence=_load_evidence(data["region_evidence"], fixed, where, False),
        jurisdiction=_compile(expand("{JUR}", fixed, where, at), where, at),
        year_token=_compile(expand("{YEAR}|十[一二三四五六七]五", fixed, where, at), where, at),
        plans=tuple(_plans(data["five_year_plans"], where)),
        max_title=int(heads["max_title"]),
        max_unnumbered=int(heads["max_unnumbered"]),
        prefix=_pattern(heads, "prefix", fixed, where),
        # Matched backward from the line's end: a forward search for what ends a line
        # tries every character of it.
        suffix=_pattern(heads, "suffix", fixed, where, regex.REVERSE, "(?!)"),
        forbidden=_pattern(heads, "forbidden", fixed, where),
        numbering=_numbering(heads["numbering"], fixed, where),
        end_lines=_lines_pattern(heads, "end_lines", fixed, where, "$"),
        restart_lines=_lines_pattern(heads, "restart_lines", fixed, where, ""),
        raw=data,
    )


def _plans(items: Sequence[Any], path: str) -> Iterable[_Plan]:
    for p in items:
        names = _strings(p["names"], path, line_of(p, "names"), "five_year_plans: names")
        yield _Plan(int(p["start"]), tuple(names))


@functools.lru_cache(maxsize=1)
def _min_paragraph() -> int:
    """Paragraphs shorter than this are left as they are (titles, bylines)."""
    para = _rules().raw.get("paragraph_cues") or {}
    return int(para.get("min_len", 0))
