"""Structure before matching: the report year, the reporting jurisdiction, and sections.

Whether a figure is a result (year Y-1) or a target (year Y) is mostly decided by where
it stands, so this module cuts the normalised text into contiguous sections and tells
each one's period. All wording lives in ``rules/structure.yaml``; this module only knows
the shape of a report: headings form an outline, a heading's words name a period, a
sub-heading may only refine its parent's period, and a paragraph that clearly says which
period it talks about may refine its part's period for itself and the paragraphs after it.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex
import yaml

from .errors import RuleError
from .resources import rules_dir
from .rules import line_anchored, required_words

__all__ = ["PERIODS", "Section", "Structure", "analyze"]

PERIODS = ("preamble", "review", "review_multi", "plan", "plan_multi", "other")

# Families: a sub-heading or paragraph may move only within its parent's family, because a
# review sub-heading that mentions drafting the next five-year plan still reviews.
_REVIEW = frozenset({"review", "review_multi"})
_PLAN = frozenset({"plan", "plan_multi"})
_ANY = _REVIEW | _PLAN
_NONE: frozenset[str] = frozenset()

_RULES_FILE = "structure.yaml"
_PLACEHOLDER = regex.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_YEAR_KEYS = frozenset({"Y", "Y1", "YFAR", "FYP_PAST", "FYP_FUTURE"})
_TITLE_END = regex.compile(r"[。；：！？]")
_SENTENCE_END = regex.compile(r"[。！？][”’」』）]*")


@dataclass(frozen=True)
class Section:
    start: int
    end: int
    path: str
    period: str


@dataclass(frozen=True)
class Structure:
    report_year: int | None
    region: str | None
    sections: tuple[Section, ...]
    warnings: tuple[str, ...]

    def at(self, pos: int) -> Section:
        """The section holding offset ``pos``; the end of the text belongs to the last one."""
        if not self.sections:
            raise IndexError("no sections")
        last = self.sections[-1]
        if pos < 0 or pos > last.end:
            raise IndexError(f"offset {pos} outside 0..{last.end}")
        i = bisect.bisect_right(self.sections, pos, key=lambda s: s.start) - 1
        return self.sections[max(i, 0)]


# --------------------------------------------------------------------------- rules


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


def _expand(pattern: str, values: Mapping[str, str], where: str, depth: int = 0) -> str:
    """Fill {NAME} placeholders; each becomes a non-capturing group so alternations stay put."""
    if depth > 8:
        raise RuleError(where, f"placeholders nest too deep in {pattern!r}")

    def repl(m: regex.Match[str]) -> str:
        name = m.group(1)
        if name not in values:
            raise RuleError(where, f"unknown placeholder {{{name}}} in {pattern!r}")
        return "(?:" + _expand(values[name], values, where, depth + 1) + ")"

    return str(_PLACEHOLDER.sub(repl, pattern))


def _compile(pattern: str, where: str, flags: int = 0) -> regex.Pattern[str]:
    try:
        return regex.compile(pattern, regex.V0 | flags)
    except regex.error as err:
        raise RuleError(where, f"bad pattern {pattern!r}: {err}") from err


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise RuleError(where, "expected a string or a list of strings")


def _alternation(patterns: Iterable[str]) -> str:
    # Longest first: at one position the alternation takes the first branch that matches.
    unique = sorted(set(patterns), key=lambda p: (-len(p), p))
    return "|".join(f"(?:{p})" for p in unique)


# Look-behinds (holding no groups but plain (?:…) ones), then the year group.
_STARTS_WITH_YEAR = regex.compile(r"(?:\(\?<[!=](?:[^()]|\(\?:[^()]*\))*\))*\(\?P<y>\{YEAR\}\)")


def _load_evidence(
    items: Any, placeholders: Mapping[str, str], where: str, with_offset: bool
) -> tuple[_Evidence, ...]:
    if not isinstance(items, list):
        raise RuleError(where, "expected a list of evidence rules")
    out: list[_Evidence] = []
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            raise RuleError(where, f"evidence rule without id: {item!r}")
        rid = str(item["id"])
        weight = float(item.get("weight", 1))
        offset = int(item.get("offset", 0)) if with_offset else 0
        months = frozenset(int(m) for m in item["months"]) if "months" in item else None
        # A rule whose end is rare (…市长) is found much faster scanning from the right,
        # and faster still matched backward from each place its end word stands.
        ends = tuple(_strings(item.get("ends_with"), f"{where} ({rid})"))
        if any(not w for w in ends):
            raise RuleError(where, f"evidence rule {rid}: ends_with holds an empty word")
        flags = regex.REVERSE if item.get("reverse") or ends else 0
        for p in _strings(item.get("patterns"), f"{where} ({rid})"):
            pattern = _compile(_expand(p, placeholders, where), where, flags)
            anchored = not flags and line_anchored(pattern.pattern)
            lead = None if anchored or flags else _STARTS_WITH_YEAR.match(p)
            after = p[lead.end() : lead.end() + 2] if lead else ""
            nian = after[:1] == "年" and after[1:2] not in ("?", "*", "{")
            words = required_words(pattern.pattern)
            out.append(
                _Evidence(
                    rid, weight, offset, pattern, anchored, months, bool(lead), nian, words, ends
                )
            )
    return tuple(out)


def _numbering(items: Any, fixed: Mapping[str, str], where: str) -> regex.Pattern[str]:
    # One alternation with a group per style: a line is tried once, not once per style.
    groups = []
    for item in items:
        style = str(item["id"])
        if not style.isidentifier() or style in ("unnumbered", "end"):
            raise RuleError(where, f"numbering id {style!r} must be a plain name")
        groups.append(f"(?P<{style}>{_expand(str(item['pattern']), fixed, where)})")
    return _compile("|".join(groups), where)


@functools.lru_cache(maxsize=1)
def _rules() -> _Rules:
    path = rules_dir() / _RULES_FILE
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise RuleError(where, "rule file not found") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise RuleError(where, f"YAML error: {err}", line) from err
    if not isinstance(data, dict):
        raise RuleError(where, "expected a mapping at the top level")
    try:
        years = data["years"]
        placeholders = {str(k): str(v) for k, v in data["placeholders"].items()}
        heads = data["headings"]
        fixed = {k: v for k, v in placeholders.items() if k not in _YEAR_KEYS}
        plans = tuple(
            _Plan(int(p["start"]), tuple(_strings(p["names"], where)))
            for p in data["five_year_plans"]
        )
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
            name_year=_compile(_expand(str(data["file_name_year"]), fixed, where), where),
            region_evidence=_load_evidence(data["region_evidence"], fixed, where, False),
            jurisdiction=_compile(_expand("{JUR}", fixed, where), where),
            year_token=_compile(_expand("{YEAR}|十[一二三四五六七]五", fixed, where), where),
            plans=plans,
            max_title=int(heads["max_title"]),
            max_unnumbered=int(heads["max_unnumbered"]),
            prefix=_compile(_expand(str(heads["prefix"]), fixed, where), where),
            # Matched backward from the line's end: a forward search for what ends a line
            # tries every character of it.
            suffix=_compile(
                _expand(str(heads.get("suffix") or "(?!)"), fixed, where), where, regex.REVERSE
            ),
            forbidden=_compile(_expand(str(heads["forbidden"]), fixed, where), where),
            numbering=_numbering(heads["numbering"], fixed, where),
            end_lines=_compile(
                "^(?:" + _alternation(_expand(p, fixed, where) for p in heads["end_lines"]) + ")$",
                where,
            ),
            restart_lines=_compile(
                "^(?:"
                + (
                    _alternation(_expand(p, fixed, where) for p in heads.get("restart_lines") or [])
                    or "(?!)"
                )
                + ")",
                where,
            ),
            raw=data,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        if isinstance(err, RuleError):
            raise
        raise RuleError(where, f"malformed rules: {err!r}") from err


@dataclass(frozen=True)
class _YearRules:
    """The patterns that depend on the report year (compiled once per year)."""

    heading: regex.Pattern[str]  # named groups: <family>__<strength>
    unnumbered: regex.Pattern[str]
    start: regex.Pattern[str]
    # (period, pattern, words of which a match holds one, or None when it promises none)
    anywhere: tuple[tuple[str, regex.Pattern[str], frozenset[str] | None], ...]
    fyp_any: regex.Pattern[str] | None  # five-year plan names when Y is unknown


_HEADING_GROUPS = (
    ("other", "strong"),
    ("review_multi", "strong"),
    ("plan_multi", "strong"),
    ("review", "strong"),
    ("plan", "strong"),
    ("review", "generic"),
    ("plan", "generic"),
)


def _cn_year(year: int, digits: Mapping[str, int]) -> list[str]:
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
    # Plan names are written with or without quotes; a never-matching branch keeps an empty
    # list valid.
    if not names:
        return "(?!)"
    return "“?(?:" + _alternation(names) + ")”?"


def _cue_list(raw: Mapping[str, Any], key: str, strength: str, where: str) -> list[str]:
    entry = raw.get(key) or {}
    if not isinstance(entry, dict):
        raise RuleError(where, f"heading_cues.{key} must be a mapping")
    return _strings(entry.get(strength), f"{where} heading_cues.{key}.{strength}")


def _usable(patterns: Iterable[str], values: Mapping[str, str], where: str) -> list[str]:
    """Expanded patterns, without those that need a report year we do not have."""
    out = []
    for p in patterns:
        names = set(_PLACEHOLDER.findall(p))
        needed = names & _YEAR_KEYS
        if needed and not needed <= values.keys():
            continue
        out.append(_expand(p, values, where))
    return out


@functools.lru_cache(maxsize=64)
def _year_rules(year: int | None) -> _YearRules:
    rules = _rules()
    where = rules.path
    raw = rules.raw
    values = _year_values(rules, year)
    cues = raw.get("heading_cues") or {}
    groups = []
    for family, strength in _HEADING_GROUPS:
        pats = _usable(_cue_list(cues, family, strength, where), values, where)
        if pats:
            groups.append(f"(?P<{family}__{strength}>{_alternation(pats)})")
    fyp_any = None
    if year is None:
        fyp_any = _compile(_plan_names([n for p in rules.plans for n in p.names]), where)
        groups.insert(1, f"(?P<fyp__strong>{fyp_any.pattern})")
    heading = _compile("|".join(groups) or "(?!)", where)

    heads = raw["headings"]
    unnumbered = _compile(
        _alternation(_usable(_strings(heads["unnumbered"], where), values, where)) or "(?!)",
        where,
    )

    para = raw.get("paragraph_cues") or {}
    lead = _expand(str(para.get("lead", "")), values, where)
    start_groups = []
    for period, pats in (para.get("start") or {}).items():
        usable = _usable(_strings(pats, where), values, where)
        if period not in _ANY:
            raise RuleError(where, f"paragraph_cues.start: unknown period {period!r}")
        if usable:
            start_groups.append(f"(?P<{period}>{_alternation(usable)})")
    start = _compile(f"{lead}(?:{'|'.join(start_groups) or '(?!)'})", where)
    anywhere = []
    for period, pats in (para.get("anywhere") or {}).items():
        if period not in _ANY:
            raise RuleError(where, f"paragraph_cues.anywhere: unknown period {period!r}")
        usable = _usable(_strings(pats, where), values, where)
        if usable:
            pattern = _compile(_alternation(usable), where)
            anywhere.append((str(period), pattern, required_words(pattern.pattern)))
    return _YearRules(heading, unnumbered, start, tuple(anywhere), fyp_any)


@functools.lru_cache(maxsize=1)
def _min_paragraph() -> int:
    para = _rules().raw.get("paragraph_cues") or {}
    return int(para.get("min_len", 0))


# --------------------------------------------------------------------------- year, region


def _parse_year(text: str, rules: _Rules) -> int | None:
    if text.isdigit():
        return int(text)
    digits = [rules.cn_digits.get(ch) for ch in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _parse_month(text: str, rules: _Rules) -> int | None:
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


def _lines_holding(offsets: Sequence[int], starts: Sequence[int]) -> list[int]:
    """The starts of the lines that hold any of ``offsets`` (ascending)."""
    found: list[int] = []
    for at in offsets:
        line = starts[bisect.bisect_right(starts, at) - 1]
        if not found or found[-1] != line:
            found.append(line)
    return found


def _plan_last_year(name: str, rules: _Rules) -> int | None:
    for plan in rules.plans:
        if any(regex.fullmatch(f"“?(?:{n})”?", name) for n in plan.names):
            return plan.start + 4
    return None


def line_starts(text: str) -> list[int]:
    """The offset of each line's first character in normalised text (LF line ends only)."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


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
    scan for it."""
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


# --------------------------------------------------------------------------- headings


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


# --------------------------------------------------------------------------- periods


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


def _family(period: str) -> frozenset[str]:
    if period in _REVIEW:
        return _REVIEW
    if period in _PLAN:
        return _PLAN
    if period == "preamble":
        return _ANY
    return _NONE


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
    """The one period whose cues stand in lo..hi; a text holding cues of two is left as is."""
    if not cues:
        return None
    found = {period for period, starts in cues if any(lo <= s < hi for s in starts)}
    return found.pop() if len(found) == 1 else None


def _sentences(
    text: str, start: int, end: int, whole: bool = False
) -> Iterable[tuple[int, str, bool]]:
    """(offset, stripped text, is first) of each sentence of the line text[start:end];
    ``whole``: the line as one."""
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


def _top_style(headings: Sequence[_Heading]) -> str | None:
    """The numbering of the report's parts: that of its first heading naming a period."""
    for h in headings:
        if h.style != "end" and (h.cues.strong or h.cues.generic):
            return h.style
    return None


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


def _sections(text: str, rules: _Rules, yr: _YearRules) -> list[Section]:
    min_len = _min_paragraph()
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
    top = _top_style([h for _, _, h in found if h is not None and h is not _RESTART])

    styles: dict[str, int] = {}
    stack: list[_Node] = []
    root = _Node(-1, "", "preamble", _ANY, True, False)
    last_top: _Node | None = None
    cuts: list[tuple[int, str, str]] = []  # (start, path, period)
    current = "preamble"

    for start, end, h in found:
        if h is _RESTART:
            # A news write-up after headline bullets: its text belongs to no heading above.
            stack.clear()
            last_top = None
            root.period = current = "preamble"
            cuts.append((start, "", current))
            h = None
        if h is None:
            node = stack[-1] if stack else root
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
                    cuts.append((at, " > ".join(n.title for n in stack), period))
                    current = period
            continue
        depth = _depth(h, top, stack, styles)
        while stack and stack[-1].depth >= depth:
            stack.pop()
        if stack and _escapes(h, stack[-1]):
            # A numbered part title under an unnumbered one (headline bullets before the
            # full report): it starts the outline afresh instead of nesting.
            depth = styles[h.style] = 0
            stack.clear()
        node = _place(h, stack[-1] if stack else None, last_top)
        node.depth, node.title, node.style = depth, h.title, h.style
        node.marker = h.style == "unnumbered" and top != "unnumbered"
        stack.append(node)
        if depth == 0:
            last_top = node
        cuts.append((start, " > ".join(n.title for n in stack), node.period))
        current = node.period

    return _merge(cuts, len(text))


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


def _merge(cuts: Sequence[tuple[int, str, str]], length: int) -> list[Section]:
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


# --------------------------------------------------------------------------- API


def analyze(
    text: str, year: int | None = None, region: str | None = None, name: str | None = None
) -> Structure:
    """Report year, region and the contiguous sections of normalised report text.

    ``year`` and ``region`` override what the text says (the CLI's --year / --region).
    ``name`` (the document's file name) is the weakest evidence of the year: it is used
    only when the text names none.
    """
    rules = _rules()
    warnings: list[str] = []
    starts = line_starts(text)
    if year is None:
        year, found = _detect_year(text, rules, starts, _name_year(name, rules))
        warnings.extend(found)
    if region is None:
        region = _detect_region(text, rules, starts)
        if region is None:
            warnings.append("region not found")
    yr = _year_rules(year)
    # A page without headings is no problem in itself (paragraph and sentence cues place
    # its figures); what could not be placed is warned about by the caller.
    sections = _sections(text, rules, yr)
    return Structure(year, region, tuple(sections), tuple(warnings))
