"""Clause rules: patterns that find a figure anywhere in a sentence and name its indicator
themselves ("3.6万贫困人口实现脱贫")."""

from __future__ import annotations

import regex

from ..rulebook import Phrasing, RuleSet
from .hits import PATTERN_TIMEOUT_S, Hit, RuleTimeout
from .values import bound_of, read_values, unit_ok


def clause_matches(
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


def add_clause_hits(
    rs: RuleSet,
    matches: list[tuple[Phrasing, list[regex.Match[str]]]],
    hits: list[Hit],
    sent_start: int,
    est_at: int | None,
    first_multi: int | None,
) -> None:
    """Add to ``hits`` the figures of the clause rules' matches that are not already
    there."""
    for rule, ms in matches:
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
            new = _clause_hits(rs, rule, m, sent_start, est_at, first_multi)
            hits.extend(new)
            for h in new:  # they start at the match: at or before every later one
                reach = max(reach, h.end)


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
    vals = read_values(rs, m.group("values"), rule.unit_suffix)
    if vals is None or len(vals.nums) != 1:
        return []
    unit = vals.units[0]
    if not unit_ok(ind.units, unit):
        return []
    measure = ind.amount or "count"
    groups = m.groupdict()
    bound = bound_of(rs, groups.get("pre"), groups.get("post"), False, False)
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
