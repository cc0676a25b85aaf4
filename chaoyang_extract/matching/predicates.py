"""A name's predicate: the items after an indicator's name, each read by the first
predicate rule that matches it and handed to the handler of that rule's meaning."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import regex

from ..rulebook import Phrasing, RuleSet
from .hits import PATTERN_TIMEOUT_S, Hit, Mention, RuleTimeout
from .meanings import MEANING_HANDLERS, HitMaker, Predicate, headline_first


def read_predicate(
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
    p = Predicate(rs, text, men, chain, sent_start, est_at, first_multi)
    pos = men.end
    first = True
    # Where the next word that each rule requires stands (rules.required_words), found
    # from an earlier item on; past ``limit`` when there is none. While it stands ahead,
    # the rule may match; once there is none, it cannot, and is not tried again.
    word_at = [-1] * len(rs.predicates)
    while pos < limit:
        item = _next_item(rs, text, pos, limit, skip, word_at)
        if item is None:
            break
        m, rule = item
        make_hit = _item_hit(p, m, rule, first)
        first = False
        pos = m.end()
        # The groups are built once (each groupdict call makes a new dict).
        MEANING_HANDLERS[rule.means](p, m, m.groupdict(), make_hit)
    hits = p.hits
    end = hits[-1].end if hits else pos
    return headline_first(p), end


def _next_item(
    rs: RuleSet, text: str, pos: int, limit: int, skip: frozenset[str], word_at: list[int]
) -> tuple[regex.Match[str], Phrasing] | None:
    """The item at ``pos``, as the first predicate rule (in load order) that matches a
    non-empty stretch there reads it, with that rule; None when none does."""
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
            return m, r
    return None


def _item_hit(p: Predicate, m: regex.Match[str], rule: Phrasing, first: bool) -> HitMaker:
    """What every hit of the item shares; each hit fills in its figure. (A function, not
    dataclasses.replace of a template Hit: that cost more than the matching.)"""
    men = p.men
    # The first item's figures span from the name (the name is part of their phrase); a
    # later one's from the item itself, after its separator.
    item_start = m.start("sep") + 1 if m.group("sep") else m.start()
    qstart = men.start if first else item_start
    years = [int(y) for y in m.captures("year")] if "year" in m.re.groupindex else []
    end = m.end()
    own = p.text[men.end : end] if qstart == men.start else m.group(0)
    return functools.partial(
        Hit,
        estimated=p.est_at is not None and p.est_at < end,
        multi_item=p.cumulative or bool(p.rs.multi_filler_re.search(own)),
        multi_context=p.first_multi is not None and p.first_multi < m.start(),
        year=years[-1] if years else men.year,
        scope=None,
        start=qstart,
        end=end,
        rule=rule.id,
        sentence_start=p.sent_start,
    )
