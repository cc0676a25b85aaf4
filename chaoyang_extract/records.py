"""Records: hits placed in time (result or target, which year, annual or multi-year).

Where a hit stands in the report (the structure's section period) and the cues of its
sentence decide kind, year and horizon; then restated figures collapse into one row.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import regex

from .matching import Hit
from .numbers import standardize
from .rulebook import RuleSet
from .structure.plans import plan_ends

COLUMNS = (
    "doc", "region", "report_year", "indicator", "indicator_zh", "kind", "year", "horizon",
    "measure", "value", "value_max", "unit", "value_std", "unit_std", "bound", "tier",
    "estimated", "scope", "quote", "start", "end", "line", "section", "rule",
    "region_code", "province", "prefecture",
)  # fmt: skip


@dataclass(frozen=True)
class Record:
    doc: str
    region: str | None
    report_year: int | None
    indicator: str
    indicator_zh: str
    kind: str
    year: int | None
    horizon: str
    measure: str
    value: float
    value_max: float | None
    unit: str
    value_std: float
    unit_std: str
    bound: str
    tier: str | None
    estimated: bool
    scope: str | None
    quote: str
    start: int
    end: int
    line: int
    section: str
    rule: str
    # The region's administrative division (divisions.py), the same for a document's rows.
    # The code is a number (GB/T 2260 codes have no leading zero) so that CSV, JSON lines
    # and Parquet all load it with one type.
    region_code: int | None = None
    province: str | None = None
    prefecture: str | None = None


assert tuple(f.name for f in fields(Record)) == COLUMNS

_BY_YEAR_RE = regex.compile(r"(?:到|至|在)(20\d\d)年")
# The most precise statement of a figure wins: eq over approx over a bound.
# The furthest a report plans ahead: 2035 visions in a 2021 report, 2049 centennial goals
# are not figures a panel wants, and a later "year" is noise.
_MAX_PLAN_YEARS = 35
_LAST_PLAN_YEAR = 2100

_BOUND_RANK = {"eq": 0, "approx": 1, "range": 1, "ge": 2, "le": 2}


@dataclass(frozen=True)
class Placement:
    kind: str
    year: int | None
    horizon: str


class Sentence:
    """A hit's sentence and the cues ``place`` reads in it, each found once however many
    figures the sentence holds (a sentence of thousands of figures is one scan, not one
    a figure)."""

    def __init__(self, rs: RuleSet, text: str) -> None:
        self.text = text
        self._rs = rs
        self._breaks: list[int] | None = None
        self.result_cue = rs.result_cue_re.search(text) is not None
        self._target_re = rs.target_cue_re
        self._target = rs.target_cue_re.search(text)
        self.target_cue = self._target is not None
        self.by_year = _BY_YEAR_RE.search(text) is not None
        self._plan_ends: dict[tuple[str, int | None], int | None] = {}

    def target_cue_before(self, pos: int) -> bool:
        """Whether ``target_cue_re.search(text, 0, pos)`` finds a cue.

        The cues are words (no look-ahead), so a cut text holds no cue that the whole one
        lacks; one ending by ``pos`` is found, and only a shorter cue inside the first one
        needs a look.
        """
        m = self._target
        if m is None:
            return False
        if m.end() <= pos:
            return True
        return self._target_re.search(self.text, m.start(), pos) is not None

    def sets_goal(self, start: int, end: int) -> bool:
        """Whether the clause that ends with the figure at ``start:end`` (offsets in the
        sentence) sets a goal ("今年GDP增长预期目标为6%以上")."""
        if self._rs.goal_clause_re.pattern == "(?!)":
            return False
        if self._breaks is None:
            # Once a sentence: a sentence of thousands of figures asks for each of them.
            self._breaks = [m.end() for m in self._rs.clause_break_re.finditer(self.text)]
        # The name's own clause, up to the figure: a list of names sharing one figure
        # ("地区生产总值、固定资产投资…增长6.5%") must not make each of them read the list.
        i = bisect.bisect_right(self._breaks, start)
        stop = min(end, self._breaks[i]) if i < len(self._breaks) else end
        clause = self.text[self._breaks[i - 1] if i > 0 else 0 : stop]
        return self._rs.goal_clause_re.search(clause) is not None

    def plan_end(self, path: str, y: int | None) -> int | None:
        key = (path, y)
        if key not in self._plan_ends:
            self._plan_ends[key] = _plan_end(self.text, path, y)
        return self._plan_ends[key]


def place(
    hit: Hit,
    period: str,
    report_year: int | None,
    sent: Sentence,
    path: str,
    restated: bool = False,
) -> Placement | None:
    """Result or target, for which year, annual or multi-year; None to drop the hit.
    ``restated``: keep an earlier year's target that the report restates ("将2019年GDP增长
    目标设定为7%左右" in a 2020 report) as that year's target; else it gives no row."""
    y = report_year
    context_multi = hit.multi_context or period in ("review_multi", "plan_multi")
    if hit.year is not None and y is not None and hit.year < y and not hit.multi_item:
        rel = hit.start - hit.sentence_start, hit.end - hit.sentence_start
        if sent.sets_goal(*rel):
            # An earlier year's goal is no result of that year.
            return Placement("target", hit.year, "annual") if restated else None
    if hit.year is not None and y is not None:
        # An explicit year beats the section: "2016年达到1156.49亿元" in a five-year review.
        if hit.year == y - 1 and not hit.multi_item:
            return Placement("result", hit.year, "annual")
        if hit.year == y and not hit.multi_item:
            # A report never gives the results of its own year: outside the plan part
            # ("预计2011年…；2012年生产总值预期增长目标为10%" in a news page's review
            # paragraph) the year makes it a target (the 预计 is the other year's), unless
            # it tells a level reached (从…提高到…): then the year is not one it is about.
            if period.startswith("plan") or not hit.past:
                return Placement("target", y, "annual")
            return None
        if y < hit.year <= min(y + _MAX_PLAN_YEARS, _LAST_PLAN_YEAR):
            return Placement("target", hit.year, "multi_year")
        # Any other year (2013 in a 2017 report, 9999 from a garbled page) is not one
        # this report gives figures for.
        return None
    if period in ("preamble", "other"):
        # Outside any part that names a period, only the sentence can tell: 预计, a level
        # reached (从…增加到…) and last-year words make a result, target words a target;
        # else no row (never a guess).
        if hit.estimated or hit.past or sent.result_cue:
            period = "review"
        elif sent.target_cue:
            period = "plan"
        else:
            return None
    if hit.past and period.startswith("plan") and not sent.by_year:
        # "从4.16万亿元增加到5.67万亿元" tells where a level came to: last year's result.
        period = "review"
    if period == "plan" and (
        # "去年全市生产总值增长7%" restated in the plan part is still last year's result,
        (sent.result_cue and not sent.target_cue)
        # and so is a 预计 figure (only results are estimated) that no target word precedes.
        or (hit.estimated and not sent.target_cue_before(hit.start - hit.sentence_start))
    ):
        period = "review"
    if (
        period == "review"
        and not (hit.estimated or hit.past or hit.multi_item or context_multi)
        and sent.sets_goal(hit.start - hit.sentence_start, hit.end - hit.sentence_start)
    ):
        period = "plan"
    if period.startswith("review"):
        year = y - 1 if y is not None else None
        if hit.multi_item or (context_multi and hit.measure != "level"):
            return Placement("result", year, "multi_year")
        return Placement("result", year, "annual")
    if hit.multi_item or context_multi:
        return Placement("target", sent.plan_end(path, y), "multi_year")
    return Placement("target", y, "annual")


def _plan_end(sentence: str, path: str, y: int | None) -> int | None:
    """The last year of the plan a multi-year target belongs to: a year the sentence
    names, else a plan still to come that the section or the sentence names, else Y+4.

    >>> _plan_end("到2025年全市生产总值翻一番", "", 2021)
    2025
    >>> _plan_end("年均增长6%", "“十五五”时期主要目标任务", 2026)
    2030
    >>> _plan_end("“十四五”时期年均增长6%", "", 2026)  # the plan just ended is no target's
    2030
    """
    floor = y if y is not None else 0
    for m in _BY_YEAR_RE.finditer(sentence):
        if int(m.group(1)) >= floor:
            return int(m.group(1))
    # The section names the plan ("“十五五”时期主要目标任务"); a sentence may also mention
    # the plan just ended, so its plans count only when they are still to come.
    for source in (path, sentence):
        for end in plan_ends(source):
            if end >= floor:
                return end
    return y + 4 if y is not None else None


def build_records(
    rs: RuleSet,
    hits: Sequence[Hit],
    *,
    doc: str,
    region: str | None,
    report_year: int | None,
    text: str,
    original: str,
    to_original: Callable[[int, int], tuple[int, int]],
    section_at: Callable[[int], tuple[str, str]],
    line_at: Callable[[int], int],
    unplaced: list[Hit] | None = None,
    restated: bool = False,
) -> list[Record]:
    """Hits -> records, one per figure, in document order.

    Hits that nothing places as a result or a target are left out and, when ``unplaced``
    is given, collected there (a heading-less page with no period cues near a figure).
    """
    out: list[Record] = []
    ends = _SentenceEnds(rs, text)
    sentences: dict[tuple[int, int], Sentence] = {}
    # The members of a subject list share one quote: one copy, however long the list.
    quotes: dict[tuple[int, int], str] = {}
    head = (doc, region, report_year)
    for hit in hits:
        period, path = section_at(hit.start)
        span = (hit.sentence_start, ends.after(hit.end))
        sent = sentences.get(span)
        if sent is None:
            sent = sentences[span] = Sentence(rs, text[span[0] : span[1]])
        placed = place(hit, period, report_year, sent, path, restated)
        if placed is None:
            if (
                unplaced is not None
                and period in ("preamble", "other")
                and not (hit.year is not None or hit.multi_item or hit.multi_context)
            ):
                unplaced.append(hit)
            continue
        start, end = to_original(hit.start, hit.end)
        quote = quotes.get((start, end))
        if quote is None:
            quote = quotes[start, end] = original[start:end]
        out.append(_record(rs, head, hit, placed, quote, start, end, line_at(start), path))
    return dedupe(out)


def _record(
    rs: RuleSet,
    head: tuple[str, str | None, int | None],
    hit: Hit,
    placed: Placement,
    quote: str,
    start: int,
    end: int,
    line: int,
    section: str,
) -> Record:
    """The row of a placed hit; ``head`` is the document's (doc, region, report_year)."""
    ind = rs.indicators[hit.indicator]
    value_std, unit_std = standardize(hit.value, hit.unit)
    doc, region, report_year = head
    return Record(
        doc=doc,
        region=region,
        report_year=report_year,
        indicator=ind.id,
        indicator_zh=ind.zh,
        kind=placed.kind,
        year=placed.year,
        horizon=placed.horizon,
        measure=hit.measure,
        value=hit.value,
        value_max=hit.value_max,
        unit=hit.unit,
        value_std=value_std,
        unit_std=unit_std,
        bound=hit.bound,
        tier=("stretch" if hit.stretch else "baseline") if placed.kind == "target" else None,
        estimated=hit.estimated and placed.kind == "result",
        scope=_scope(rs, hit.scope),
        quote=quote,
        start=start,
        end=end,
        line=line,
        section=section,
        rule=hit.rule,
    )


def _scope(rs: RuleSet, written: str | None) -> str | None:
    # 省定贫困村 is a 省级 one: the column holds one name per level.
    if not written:
        return None
    names: dict[str, str] = rs.lexicon.get("scope_names") or {}
    return names.get(written, written)


class _SentenceEnds:
    """Where the sentence break after a position starts (or the text's end).

    Figures of one sentence share its break: a search from a figure finds the same one
    as a search from any earlier position that found it, so the last answer is reused
    rather than scanning to a far break once per figure.
    """

    def __init__(self, rs: RuleSet, text: str) -> None:
        self._re = rs.sentence_break_re
        self._text = text
        self._from = 1  # the last search ran over [_from, _at): empty before the first
        self._at = 0

    def after(self, pos: int) -> int:
        if not (self._from <= pos <= self._at):
            m = self._re.search(self._text, pos)
            self._from, self._at = pos, m.start() if m else len(self._text)
        return self._at


def dedupe(records: Sequence[Record]) -> list[Record]:
    """One row per (indicator, kind, year, horizon, measure, tier, scope): the most precise, then the first."""
    best: dict[tuple[object, ...], Record] = {}
    # Stable sorts keep the text's order of a list's members (urban before rural).
    for r in sorted(records, key=lambda r: r.start):
        key = (r.doc, r.indicator, r.kind, r.year, r.horizon, r.measure, r.tier, r.scope)
        cur = best.get(key)
        if cur is None or _BOUND_RANK[r.bound] < _BOUND_RANK[cur.bound]:
            best[key] = r
    order = {id(r): i for i, r in enumerate(records)}
    return sorted(best.values(), key=lambda r: (r.start, r.end, order[id(r)]))
