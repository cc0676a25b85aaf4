"""Mentions: the names of a sentence with their leads, joined into subject lists, and kept
only when their lead says the figures are the reporting region's own."""

from __future__ import annotations

import bisect

import regex

from ..rulebook import Alias, RuleSet
from .hits import Mention
from .names import find_names

# A lead is lead words (全市, 2016年, 主要预期目标是 …): dozens of characters at most. One
# longer than this is not read (no name after it counts), which keeps a clause of
# thousands of characters from being copied and scanned once per name in it.
_MAX_LEAD = 500


def find_mentions(
    rs: RuleSet,
    text: str,
    s: int,
    e: int,
    region: str | None,
    skip: frozenset[str] = frozenset(),
) -> list[Mention]:
    names = find_names(rs, text, s, e, skip)
    if not names:
        return []
    found, overlong = _with_leads(rs, text, s, names)
    return _valid(rs, text, s, region, found, overlong)


def _with_leads(
    rs: RuleSet, text: str, s: int, names: list[tuple[int, int, Alias]]
) -> tuple[list[Mention], set[int]]:
    """Each name as a mention with its lead, and the indexes of the names whose lead is
    too long to be lead words: no lead is read for them."""
    found: list[Mention] = []
    overlong: set[int] = set()
    # Breaks after the last name cut no lead: the scan stops there.
    breaks = ClauseBreaks(rs.clause_break_re, text, s, names[-1][0])
    for start, end, alias in names:
        # The lead: what stands between the clause's start and the name.
        cut = breaks.cut_before(start)
        if start - cut > _MAX_LEAD:
            overlong.add(len(found))
            cut = start
        found.append(Mention(start, end, alias.members, text[cut:start], combined=alias.combined))
    return found, overlong


def _valid(
    rs: RuleSet,
    text: str,
    s: int,
    region: str | None,
    found: list[Mention],
    overlong: set[int],
) -> list[Mention]:
    """The mentions whose figures are the region's, a subject list joined into its first."""
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
            elsewhere, scope_clear_to = _scope_to(rs, text, elsewhere, scope_clear_to, men.start)
        # A name right after a conjunction continues a subject list ("城镇登记失业率、居民消费价格指数").
        if valid and rs.conj_re.fullmatch(text, valid[-1].end, men.start):
            prev = valid[-1]
            lists.setdefault(len(valid) - 1, list(prev.members)).extend(men.members)
            prev.end = men.end
            prev.combined = None  # several subjects are no one all-resident figure
            continue
        if k in overlong:
            continue
        lm, place, own_name = _read_lead(rs, lead, region)
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


def _scope_to(
    rs: RuleSet, text: str, elsewhere: int, clear_to: int | None, pos: int
) -> tuple[int | None, int | None]:
    """``elsewhere`` and where the search for its end stopped, once the sentence has come
    to ``pos``; None and None when a break ended it before."""
    # The break (lexicon.yaml's place_scope_break, a 「；」) is one character long, so a
    # search may resume where the last one stopped without missing a match.
    from_pos = elsewhere if clear_to is None else max(elsewhere, clear_to)
    if rs.place_scope_break_re.search(text, from_pos, pos):
        return None, None
    return elsewhere, pos


def _read_lead(
    rs: RuleSet, lead: str, region: str | None
) -> tuple[regex.Match[str] | None, list[str], bool]:
    """The lead read as lead words (None when it is not), the places it names, and
    whether it named the region bare."""
    lm = rs.lead_re.fullmatch(lead)
    place: list[str] = lm.captures("place") if lm else []
    if region and (lm is None or not all(_same_place(p, region) for p in place)):
        # News copy names the region bare anywhere in the lead ("去年茂名城镇居民…",
        # "同时武汉将2023年GDP…").
        rest = _without_own_name(lead, region)
        bare = rs.lead_re.fullmatch(rest) if rest is not None else None
        if bare is not None:
            return bare, bare.captures("place"), True
    return lm, place, False


class ClauseBreaks:
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
