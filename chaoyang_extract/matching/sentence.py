"""Sentences of a text -> hits: which sentences can give one, and each sentence's names,
their predicates and the clause rules' figures."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from ..rulebook import RuleSet
from .clauses import add_clause_hits, clause_matches
from .hits import Hit, Mention, RuleTimeout
from .mentions import find_mentions
from .predicates import read_predicate


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
    mentions = find_mentions(rs, text, s, e, region, skip) if names else []
    matches = None
    if not mentions:
        matches = clause_matches(rs, text, s, e, skip, clauses)
        if not matches:
            return []  # most sentences: no need to look for cues
    sent = text[s:e]
    est_m = rs.estimate_re.search(sent)
    est_at = s + est_m.start() if est_m else None
    multi_at = [s + m.start() for m in rs.multi_cue_re.finditer(sent)]
    hits = _predicate_hits(rs, text, s, e, mentions, est_at, multi_at, skip)
    if matches is None:
        # After the predicates, so that timeouts are met in the order rules are tried.
        matches = clause_matches(rs, text, s, e, skip, clauses)
    add_clause_hits(rs, matches, hits, s, est_at, multi_at[0] if multi_at else None)
    return hits


def _predicate_hits(
    rs: RuleSet,
    text: str,
    s: int,
    e: int,
    mentions: list[Mention],
    est_at: int | None,
    multi_at: list[int],
    skip: frozenset[str],
) -> list[Hit]:
    """The hits of the predicates of a sentence's mentions, each read up to the next."""
    hits: list[Hit] = []
    # Grown in place: a list of thousands of linked subjects must not be copied per name.
    chain: list[str] = []
    chain_end: int | None = None
    first_name = mentions[0].start if mentions else e
    prev: tuple[tuple[str, ...], list[Hit], int] | None = None
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
        found, end = read_predicate(
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
        if (
            found
            and prev is not None
            and prev[0] == men.members
            and rs.own_share_re.match(text, lead_start)
            and not rs.own_share_re.match(text, prev[2])
        ):
            # "公共财政收入9424亿元，其中地方一般公共预算收入3773亿元": a total that holds the
            # region's own share of the same indicator; the share is the figure.
            measures = {h.measure for h in found}
            gone = {id(h) for h in prev[1] if h.measure in measures}
            hits = [h for h in hits if id(h) not in gone]
        hits.extend(found)
        prev = (men.members, found, lead_start)
        chain_end = end if found else None
    return hits


def _first_cue(cues: Sequence[int], first_name: int, lead_start: int, limit: int) -> int | None:
    """The first of the (sorted) five-year cues that frame a name's figures: one before the
    sentence's first name, or in this name's own lead or predicate [lead_start, limit)."""
    if cues and cues[0] < first_name:
        return cues[0]
    i = bisect.bisect_left(cues, lead_start)
    return cues[i] if i < len(cues) and cues[i] < limit else None
