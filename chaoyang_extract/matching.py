"""Matching: sentences of normalised text -> hits (an indicator, a number and its cues).

A hit knows what the text says (value, unit, bound, 力争, 预计, 年均, an explicit year)
but not yet whether it is a result or a target: ``records`` decides that from the
report's structure.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import regex

from .numbers import parse_number
from .rules import Alias, Indicator, MentionPatterns, Phrasing, RuleSet

# A pattern that runs longer than this on one sentence is abandoned (catastrophic
# backtracking in a user's rule must not hang a batch). Only patterns from a user's
# --rules run under it: the built-in ones are linear, and a timeout costs a clock check
# on every call, which doubles the time of the many short calls the engine makes.
PATTERN_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Hit:
    indicator: str
    measure: str
    value: float
    value_max: float | None
    unit: str
    bound: str
    stretch: bool
    estimated: bool
    multi_item: bool  # 年均/累计 in the figure's own phrase
    multi_context: bool  # a five-year cue earlier in the sentence
    past: bool  # "从X提高到Y": the phrase reports where a level came to
    year: int | None
    scope: str | None
    start: int
    end: int
    rule: str
    sentence_start: int
    # A figure on another basis (剔除…因素): kept only when its list gives no headline one.
    adjusted: bool = False


@dataclass
class Mention:
    start: int
    end: int
    members: tuple[str, ...]
    lead: str
    year: int | None = None
    combined: str | None = None


# A lead is lead words (全市, 2016年, 主要预期目标是 …): dozens of characters at most. One
# longer than this is not read (no name after it counts), which keeps a clause of
# thousands of characters from being copied and scanned once per name in it.
_MAX_LEAD = 500


class RuleTimeout(Exception):
    """Rules (ids, or alias labels) that ran over the timeout; they are skipped."""

    def __init__(self, rule: str, *more: str) -> None:
        super().__init__(rule, *more)
        self.rule = rule
        self.rules = (rule, *more)


def sentences(rs: RuleSet, text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, its break included; a lone break is none."""
    cuts = [0]
    cuts += [m.end() for m in rs.sentence_break_re.finditer(text)]
    spans = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b - a > 1]
    if cuts[-1] < len(text):
        spans.append((cuts[-1], len(text)))
    return iter(spans)


def match_text(
    rs: RuleSet, text: str, region: str | None, skip: frozenset[str] = frozenset()
) -> tuple[list[Hit], list[str]]:
    """All hits in ``text``; the second item names rules that timed out."""
    hits: list[Hit] = []
    timed_out: list[str] = []
    spans = list(sentences(rs, text))
    # Only sentences with a word that a name or a clause rule needs can give a hit.
    named = _marked(rs.name_gate, text, spans)
    claused = _marked(rs.clause_gate, text, spans)
    if named is None or claused is None:
        todo: Sequence[int] = range(len(spans))
    else:
        todo = sorted(named | claused)
    for i in todo:
        s, e = spans[i]
        if not rs.prefilter_re.search(text, s, e):
            continue
        names = named is None or i in named
        clauses = claused is None or i in claused
        # A user's rule that times out is skipped from then on, and the sentence is read
        # again without it: its other figures (the built-in rules') are not lost with it.
        while True:
            try:
                hits.extend(match_sentence(rs, text, s, e, region, skip, names, clauses))
                break
            except RuleTimeout as t:
                new = [r for r in t.rules if r not in skip]
                timed_out.extend(new)
                skip = skip | set(t.rules)
                if not new:
                    break  # cannot happen: a skipped rule is not run again
    return hits, timed_out


def _marked(
    gate: re.Pattern[str] | None, text: str, spans: Sequence[tuple[int, int]]
) -> set[int] | None:
    """Indexes of the sentences that hold a word ``gate`` finds (see rules.RuleSet);
    None, standing for all, without a gate.

    After a match the next search starts at the end of the last sentence it marked: a
    word that starts before that lies in a marked sentence or straddles a sentence's
    start, and a word that is not inside one sentence vouches for none. So a search
    runs once per marked sentence, not once per sentence.
    """
    if gate is None:
        return None
    ends = [e for _, e in spans]
    marked: set[int] = set()
    pos = 0
    while (m := gate.search(text, pos)) is not None:
        p, q = m.span()
        pos = p + 1
        i = bisect.bisect_right(ends, p)  # the first sentence that ends after p
        while i < len(spans) and spans[i][0] < q:
            marked.add(i)
            pos = spans[i][1]
            i += 1
    return marked


def _names(
    rs: RuleSet, text: str, s: int, e: int, skip: frozenset[str]
) -> list[tuple[int, int, Alias]]:
    """(start, end, alias) of each name in the sentence, as the full alternation of all
    aliases (``MentionPatterns.combined``) finds them."""
    mp = rs.mention_patterns(skip)
    try:
        if mp.probe is not None:
            if mp.untrusted:
                hit = mp.probe.search(text, s, e, timeout=PATTERN_TIMEOUT_S)
            else:
                hit = mp.probe.search(text, s, e)
            if hit is not None:
                # An alias that is a pattern matches here.
                merged = None if mp.untrusted else _merged(mp, text, s, e, hit)
                if merged is not None:
                    return merged
                if mp.untrusted:
                    ms = list(mp.combined.finditer(text, s, e, timeout=PATTERN_TIMEOUT_S))
                else:
                    ms = list(mp.combined.finditer(text, s, e))
                return [(m.start(), m.end(), mp.by_group[str(m.lastgroup)]) for m in ms]
    except TimeoutError:
        raise RuleTimeout(*_slow_aliases(mp, text, s, e)) from None
    if mp.words is None:
        return []
    return [(m.start(), m.end(), mp.by_word[m.group()]) for m in mp.words.finditer(text, s, e)]


def _merged(
    mp: MentionPatterns, text: str, s: int, e: int, hit: regex.Match[str]
) -> list[tuple[int, int, Alias]] | None:
    """What ``mp.combined.finditer(text, s, e)`` finds, from ``words`` and ``probe``
    (whose first match from ``s`` is ``hit``), which scan several times faster; None
    when this cannot tell (an empty match, whose successor finditer picks by its own
    rule), or without words.

    Like the alternation, take the earliest match; at one position, the alias that comes
    first in it. Each scan goes on from where the last name ended, as finditer does.
    """
    if mp.words is None or mp.probe is None:
        return None
    found: list[tuple[int, int, Alias]] = []
    pat: regex.Match[str] | None = hit
    word = mp.words.search(text, s, e)
    while pat is not None or word is not None:
        take: re.Match[str] | regex.Match[str]
        if word is None or (
            pat is not None
            and (
                pat.start() < word.start()
                or (
                    pat.start() == word.start()
                    and mp.rank[str(pat.lastgroup)] < mp.word_rank[word.group()]
                )
            )
        ):
            assert pat is not None
            take, alias = pat, mp.by_group[str(pat.lastgroup)]
        else:
            take, alias = word, mp.by_word[word.group()]
        pos = take.end()
        if pos == take.start():
            return None
        found.append((take.start(), pos, alias))
        if word is not None and word.start() < pos:
            word = mp.words.search(text, pos, e)
        # Searched again even when still ahead: \G reads where a search starts.
        pat = mp.probe.search(text, pos, e)
    return found


def _slow_aliases(mp: MentionPatterns, text: str, s: int, e: int) -> list[str]:
    """The user's aliases to blame for a timeout of the mention patterns on a sentence:
    the first that times out on its own, or else all of them."""
    if len(mp.untrusted) == 1:
        return list(mp.untrusted)  # no need to run it again to know
    for label, alias in mp.untrusted.items():
        try:
            regex.compile(alias.pattern).search(text, s, e, timeout=PATTERN_TIMEOUT_S)
        except TimeoutError:
            return [label]
    return list(mp.untrusted)


def _mentions(
    rs: RuleSet,
    text: str,
    s: int,
    e: int,
    region: str | None,
    skip: frozenset[str] = frozenset(),
) -> list[Mention]:
    found: list[Mention] = []
    # Names whose lead is too long to be lead words: no lead is read for them.
    overlong: set[int] = set()
    names = _names(rs, text, s, e, skip)
    if not names:
        return found
    # Breaks after the last name cut no lead: the scan stops there.
    breaks = _ClauseBreaks(rs.clause_break_re, text, s, names[-1][0])
    for start, end, alias in names:
        # The lead: what stands between the clause's start and the name.
        cut = breaks.cut_before(start)
        if start - cut > _MAX_LEAD:
            overlong.add(len(found))
            cut = start
        found.append(Mention(start, end, alias.members, text[cut:start], combined=alias.combined))
    valid: list[Mention] = []
    # The members of a subject list, by its place in ``valid``: joined once at the end,
    # since a list of thousands of names copied at each name is quadratic.
    lists: dict[int, list[str]] = {}
    # Where a search for a 「；」 after ``elsewhere`` found none: it goes on from there, so
    # that a long run of another place's names costs one scan, not one each.
    scope_clear_to: int | None = None
    # Once a sentence turns to another place ("2022年郑州全市生产总值…，规模以上工业增加值…"),
    # the names after it are that place's until one names the region again.
    elsewhere: int | None = None  # where the sentence turned to another place
    for k, men in enumerate(found):
        lead = men.lead
        if elsewhere is not None:
            # The break (lexicon.yaml's place_scope_break, a 「；」) is one character long,
            # so a search may resume where the last one stopped without missing a match.
            from_pos = elsewhere if scope_clear_to is None else max(elsewhere, scope_clear_to)
            if rs.place_scope_break_re.search(text, from_pos, men.start):
                elsewhere = None
                scope_clear_to = None
            else:
                scope_clear_to = men.start
        # A name right after a conjunction continues a subject list ("城镇登记失业率、居民消费价格指数").
        if valid and rs.conj_re.fullmatch(text, valid[-1].end, men.start):
            prev = valid[-1]
            lists.setdefault(len(valid) - 1, list(prev.members)).extend(men.members)
            prev.end = men.end
            prev.combined = None  # several subjects are no one all-resident figure
            continue
        if k in overlong:
            continue
        lm = rs.lead_re.fullmatch(lead)
        place = lm.captures("place") if lm else []
        own_name = False
        if region and (lm is None or not all(_same_place(p, region) for p in place)):
            # News copy names the region bare anywhere in the lead ("去年茂名城镇居民…",
            # "同时武汉将2023年GDP…").
            rest = _without_own_name(lead, region)
            bare = rs.lead_re.fullmatch(rest) if rest is not None else None
            if bare is not None:
                lm, place, own_name = bare, bare.captures("place"), True
        if lm is None:
            continue
        if rs.partial_re.search(text, max(s, men.start - len(lead) - 30), men.start - len(lead)):
            continue
        # A place before the name must be the reporting region itself; with the region
        # unknown, a named place is more likely a part (某市) than the whole.
        if place and not (region and all(_same_place(p, region) for p in place)):
            if region is not None:
                elsewhere = men.end
                scope_clear_to = None
            continue
        if place or own_name or rs.own_jurisdiction_re.search(lead):
            elsewhere = None
        elif elsewhere is not None:
            continue
        years = lm.captures("year") if "year" in lm.re.groupindex else []
        if years:
            men.year = int(years[-1])
        valid.append(men)
    for i, members in lists.items():
        valid[i].members = tuple(members)
    return valid


class _ClauseBreaks:
    """Where each clause of a sentence starts, found once per sentence.

    ``cut_before(pos)`` is the end of the last clause break that
    ``pattern.finditer(text, s, pos)`` finds, or ``s``, for any ``pos`` up to ``e``: what a
    scan from the sentence's start to each name gave, without one scan a name (quadratic
    in a sentence of thousands of clauses).
    """

    def __init__(self, pattern: regex.Pattern[str], text: str, s: int, e: int) -> None:
        self.pattern = pattern
        self.text = text
        self.s = s
        ms = list(pattern.finditer(text, s, e))
        self.starts = [m.start() for m in ms]
        self.ends = [m.end() for m in ms]

    def cut_before(self, pos: int) -> int:
        # A scan that stops at ``pos`` finds the same matches as the whole sentence's scan
        # up to the first one that ends after ``pos`` (the patterns look behind, never
        # ahead); if that one starts before ``pos`` the short scan may find a shorter
        # match there, so that stretch is scanned as before.
        i = bisect.bisect_right(self.ends, pos)
        cut = self.ends[i - 1] if i else self.s
        if i < len(self.starts) and self.starts[i] < pos:
            for b in self.pattern.finditer(self.text, cut, pos):
                cut = b.end()
        return cut


def _without_own_name(lead: str, region: str) -> str | None:
    """The lead without the region's name written bare (重庆 for 重庆市, 黔西南 for
    黔西南布依族苗族自治州): its longest opening of two characters or more found there."""
    for n in range(len(region) - 1, 1, -1):
        i = lead.find(region[:n])
        if i >= 0:
            return lead[:i] + lead[i + n :]
    return None


def _same_place(place: str, region: str) -> bool:
    if place == region or place.startswith(region) or region.startswith(place):
        return True
    # An autonomous prefecture goes by its short name: 果洛州 is 果洛藏族自治州.
    return (
        place.endswith("州")
        and region.endswith("自治州")
        and len(place) > 2
        and region.startswith(place[:-1])
    )


def match_sentence(
    rs: RuleSet,
    text: str,
    s: int,
    e: int,
    region: str | None,
    skip: frozenset[str] = frozenset(),
    names: bool = True,
    clauses: bool = True,
) -> list[Hit]:
    """The hits of one sentence. ``names`` / ``clauses`` False: the caller knows that no
    name / no built-in clause rule can match in it."""
    mentions = _mentions(rs, text, s, e, region, skip) if names else []
    hits: list[Hit] = []
    clause_matches = None
    if not mentions:
        clause_matches = _clause_matches(rs, text, s, e, skip, clauses)
        if not clause_matches:
            return hits  # most sentences: no need to look for cues
    sent = text[s:e]
    est_m = rs.estimate_re.search(sent)
    est_at = s + est_m.start() if est_m else None
    multi_at = [s + m.start() for m in rs.multi_cue_re.finditer(sent)]
    # Grown in place: a list of thousands of linked subjects must not be copied per name.
    chain: list[str] = []
    chain_end: int | None = None
    first_name = mentions[0].start if mentions else e
    for i, men in enumerate(mentions):
        limit = mentions[i + 1].start if i + 1 < len(mentions) else e
        # Subjects that each have figures and are then given a shared 分别 list.
        linked = chain_end is not None and rs.subject_chain_re.fullmatch(text, chain_end, men.start)
        if linked:
            chain.extend(men.members)
        else:
            chain = list(men.members)
        # A five-year cue frames the figures of the names after it when it opens the
        # sentence or stands in this name's own lead or predicate; one inside another
        # indicator's figures ("同比增长4.5%，年均增长5.8%", "提前完成“十一五”目标") is that
        # indicator's alone.
        lead_start = men.start - len(men.lead)
        found, end = _predicate(
            rs,
            text,
            men,
            limit,
            s,
            est_at,
            _first_cue(multi_at, first_name, lead_start, limit),
            skip,
            chain,
        )
        hits.extend(found)
        chain_end = end if found else None
    if clause_matches is None:
        # After the predicates, so that timeouts are met in the order rules are tried.
        clause_matches = _clause_matches(rs, text, s, e, skip, clauses)
    first_multi = multi_at[0] if multi_at else None
    for rule, ms in clause_matches:
        # A match inside a figure this rule already gave is that figure. The matches come
        # in order, so the test keeps the furthest end of the rule's hits that start at
        # or before the match, instead of looking through every hit each time.
        own = sorted((h.start, h.end) for h in hits if h.rule == rule.id)
        k = 0
        reach = -1
        for m in ms:
            while k < len(own) and own[k][0] <= m.start():
                reach = max(reach, own[k][1])
                k += 1
            if m.start() < reach:
                continue
            new = _clause_hits(rs, rule, m, s, est_at, first_multi)
            hits.extend(new)
            for h in new:  # they start at the match: at or before every later one
                reach = max(reach, h.end)
    return hits


def _first_cue(cues: Sequence[int], first_name: int, lead_start: int, limit: int) -> int | None:
    """The first of the (sorted) five-year cues that frame a name's figures: one before the
    sentence's first name, or in this name's own lead or predicate [lead_start, limit)."""
    if cues and cues[0] < first_name:
        return cues[0]
    i = bisect.bisect_left(cues, lead_start)
    return cues[i] if i < len(cues) and cues[i] < limit else None


def _clause_matches(
    rs: RuleSet, text: str, s: int, e: int, skip: frozenset[str], builtin: bool = True
) -> list[tuple[Phrasing, list[regex.Match[str]]]]:
    """Each clause rule with its matches in the sentence, in rule order; rules without
    any are left out. ``builtin`` False: no built-in one can match here."""
    out: list[tuple[Phrasing, list[regex.Match[str]]]] = []
    for rule in rs.clauses:
        if rule.id in skip:
            continue
        if rule.builtin:
            if not builtin:
                continue
            # Nearly every sentence has no match: one search says so more cheaply than
            # setting up an iterator (the regex module looks for a rule's fixed words).
            if rule.compiled.search(text, s, e) is None:
                continue
            ms = list(rule.compiled.finditer(text, s, e))
        else:
            try:
                ms = list(rule.compiled.finditer(text, s, e, timeout=PATTERN_TIMEOUT_S))
            except TimeoutError:
                raise RuleTimeout(rule.id) from None
        if ms:
            out.append((rule, ms))
    return out


@dataclass
class _Values:
    nums: list[float]
    units: list[str]
    is_range: bool


def _values(rs: RuleSet, span: str, unit_suffix: str = "") -> _Values | None:
    if unit_suffix:
        # A clause rule captured "5.25万" before 贫困人口: the scale is what follows the
        # number, and the rule supplies the base unit.
        m0 = rs.values_re.match(span)
        n0 = parse_number(m0.group("num")) if m0 else None
        if m0 is None or n0 is None:
            return None
        rest = span[m0.end("num") :]
        unit = rest if rest.endswith(unit_suffix) else rest + unit_suffix
        return _Values([n0], [unit], False)
    nums: list[float] = []
    units: list[str | None] = []
    seps: list[str] = []
    for m in rs.values_re.finditer(span):
        n = parse_number(m.group("num"))
        if n is None:
            return None
        nums.append(n)
        units.append(m.group("unit"))
        if m.group("sep"):
            seps.append(m.group("sep"))
    if not nums:
        return None
    last = units[-1]
    if last is None:
        last = ""
    last += unit_suffix
    filled = [(u + unit_suffix) if u else last for u in units]
    range_seps = set(rs.lexicon["range_separators"])
    is_range = len(nums) == 2 and bool(seps) and seps[0] in range_seps
    return _Values(nums, filled, is_range)


def _bound(rs: RuleSet, pre: str | None, post: str | None, negative: bool, is_range: bool) -> str:
    if is_range:
        return "range"
    b = "eq"
    if pre:
        b = rs.pre_bounds.get(pre, "eq")
    if post:
        b = rs.post_bounds.get(post, b)
    if negative and b in ("ge", "le"):
        # 下降3.4%以上 is a value of -3.4 or lower.
        b = "le" if b == "ge" else "ge"
    return b


def _predicate(
    rs: RuleSet,
    text: str,
    men: Mention,
    limit: int,
    sent_start: int,
    est_at: int | None,
    first_multi: int | None,
    skip: frozenset[str],
    chain: Sequence[str] = (),
) -> tuple[list[Hit], int]:
    """The hits of one mention's predicate and where the predicate ends."""
    hits: list[Hit] = []
    pos = men.end
    cumulative = bool(rs.cumulative_lead_re.search(men.lead))
    prev_measure: str | None = None
    prev_sign = 1
    first = True
    # Where the next word that each rule requires stands (rules.required_words), found
    # from an earlier item on; past ``limit`` when there is none. While it stands ahead,
    # the rule may match; once there is none, it cannot, and is not tried again.
    word_at = [-1] * len(rs.predicates)
    while pos < limit:
        m = None
        rule: Phrasing | None = None
        for k, (r, gate) in enumerate(rs.predicate_gates):
            if skip and r.id in skip:
                continue
            if gate is not None:
                at = word_at[k]
                if at < pos:
                    w = gate.search(text, pos, limit)
                    at = word_at[k] = w.start() if w is not None else limit + 1
                if at > limit:
                    continue
            if r.builtin:
                m = r.compiled.match(text, pos, limit)
            else:
                try:
                    m = r.compiled.match(text, pos, limit, timeout=PATTERN_TIMEOUT_S)
                except TimeoutError:
                    raise RuleTimeout(r.id) from None
            if m is not None and m.end() > pos:
                rule = r
                break
            m = None
        if m is None or rule is None:
            break
        item_start = m.start("sep") + 1 if m.group("sep") else m.start()
        qstart = men.start if first else item_start
        first = False
        pos = m.end()
        years = [int(y) for y in m.captures("year")] if "year" in m.re.groupindex else []
        year = years[-1] if years else men.year
        item_text = m.group(0)
        own = text[men.end : m.end()] if qstart == men.start else item_text
        multi_item = cumulative or bool(rs.multi_filler_re.search(own))
        multi_context = first_multi is not None and first_multi < m.start()
        estimated = est_at is not None and est_at < m.end()
        groups = m.groupdict()  # built once: each call makes a new dict
        stretch_word = groups.get("stretch")
        past = groups.get("fromval") is not None
        if rule.means == "skip":
            # A partial figure inside the list ("扣除房地产开发投资后增长8.5%"): read past it
            # so that the figures after it still belong to the indicator.
            continue
        means = rule.means
        if means == "adjusted":
            means = "growth" if groups.get("dir") else "amount"
        # What every hit of this item shares; each hit fills in its figure. (A function,
        # not dataclasses.replace of a template Hit: that cost more than the matching.)
        make_hit = functools.partial(
            Hit,
            estimated=estimated,
            multi_item=multi_item,
            multi_context=multi_context,
            year=year,
            scope=None,
            start=qstart,
            end=m.end(),
            rule=rule.id,
            sentence_start=sent_start,
            adjusted=rule.means == "adjusted",
        )
        if means == "flat":
            hits.extend(
                make_hit(
                    indicator=flat_id,
                    measure="growth",
                    value=0.0,
                    value_max=None,
                    unit="%",
                    bound="eq",
                    stretch=False,
                    past=False,
                )
                for flat_id in men.members
                if "growth" in rs.indicators[flat_id].measures
            )
            prev_measure, prev_sign = "growth", 1
            continue
        vals = _values(rs, m.group("values"))
        if vals is None:
            continue
        sign = 1
        if means == "growth":
            sign = rs.directions.get(m.group("dir"), 1)
        elif stretch_word and prev_measure == "growth":
            sign = prev_sign
        continues_growth = bool(stretch_word) and prev_measure == "growth"
        negative = sign < 0
        bound = _bound(rs, groups.get("pre"), groups.get("post"), negative, vals.is_range)
        members = men.members
        if (
            men.combined is not None
            and (len(vals.nums) == 1 or vals.is_range)
            and not rs.each_re.search(text, men.end, m.end())
        ):
            # One figure for 城乡居民 with no 分别/均 is one all-resident figure.
            members = (men.combined,)
        elif (
            len(chain) > len(members)
            and len(vals.nums) == len(chain)
            and rs.respectively_re.search(item_text)
        ):
            members = tuple(chain)
        measure_for = {
            ind_id: _measure(rs, rs.indicators[ind_id], means, vals.units[-1], continues_growth)
            for ind_id in members
        }
        if len(vals.nums) == len(members) and not vals.is_range:
            pairs = list(zip(members, vals.nums, vals.units, strict=True))
            vmax: list[float | None] = [None] * len(pairs)
        elif len(vals.nums) == 1 or vals.is_range:
            pairs = [(ind, vals.nums[0], vals.units[-1]) for ind in members]
            vmax = [vals.nums[1] * sign if vals.is_range else None for _ in members]
        else:
            pairs = []
            vmax = []
        emitted = False
        for (ind_id, num, unit), vm in zip(pairs, vmax, strict=True):
            measure = measure_for.get(ind_id)
            if measure is None:
                continue
            value = num * sign
            hits.append(
                make_hit(
                    indicator=ind_id,
                    measure=measure,
                    value=value,
                    value_max=vm,
                    unit=unit,
                    bound=bound,
                    # 力争 reaches for more of what was just given; a level after a
                    # growth ("增长25%，力争突破1100亿元") is that level's only target.
                    stretch=bool(stretch_word) and prev_measure == measure,
                    past=past,
                )
            )
            emitted = True
            prev_measure = measure
            prev_sign = sign
        if not emitted and means == "growth":
            prev_measure, prev_sign = "growth", sign
    end = hits[-1].end if hits else pos
    # The headline figure wins over one on another basis; alone, the adjusted one is the
    # figure (spec/GUIDE.md, settled cases).
    headline = {(h.indicator, h.measure) for h in hits if not h.adjusted}
    hits = [h for h in hits if not (h.adjusted and (h.indicator, h.measure) in headline)]
    return hits, end


def _measure(
    rs: RuleSet, ind: Indicator, means: str, unit: str, continues_growth: bool
) -> str | None:
    """What an item's figure measures for one indicator; None when it is not the indicator's.

    A percentage after a growth verb is a growth; a bare one is what the catalog says
    (失业率 -> rate, 居民消费价格涨幅 -> growth) or, after 力争, the growth it continues;
    an amount with a unit the indicator takes is its level or count.
    """
    measure: str | None
    if unit in rs.percent_units:
        if unit != "%":
            measure = None  # 个百分点 after a growth indicator is a change in its rate
        elif means == "growth":
            measure = "growth"
        else:
            measure = ind.percent or ("growth" if continues_growth else None)
    elif means == "growth":
        measure = None  # 增加4374亿元: a change in the level, not a figure of the indicator
    else:
        measure = ind.amount if _unit_ok(rs, ind.units, unit) else None
    return measure if measure in ind.measures else None


def _unit_ok(rs: RuleSet, allowed: frozenset[str], unit: str) -> bool:
    if not allowed:
        return True
    return any(unit.endswith(u) for u in allowed)


def _clause_hits(
    rs: RuleSet,
    rule: Phrasing,
    m: regex.Match[str],
    sent_start: int,
    est_at: int | None,
    first_multi: int | None,
) -> list[Hit]:
    assert rule.indicator is not None
    ind = rs.indicators[rule.indicator]
    vals = _values(rs, m.group("values"), rule.unit_suffix)
    if vals is None or len(vals.nums) != 1:
        return []
    unit = vals.units[0]
    if not _unit_ok(rs, ind.units, unit):
        return []
    measure = ind.amount or "count"
    groups = m.groupdict()
    bound = _bound(rs, groups.get("pre"), groups.get("post"), False, False)
    scope = groups.get("scope") or None
    multi_context = first_multi is not None and first_multi < m.start()
    estimated = est_at is not None and est_at < m.end()
    return [
        Hit(
            indicator=ind.id,
            measure=measure,
            value=vals.nums[0],
            value_max=None,
            unit=unit,
            bound=bound,
            stretch=False,
            estimated=estimated,
            multi_item=False,
            multi_context=multi_context,
            past=False,
            year=None,
            scope=scope,
            start=m.start(),
            end=m.end(),
            rule=rule.id,
            sentence_start=sent_start,
        )
    ]
