"""What a predicate rule's match means (its `means`): one handler per meaning.

A handler is given the predicate being read (``Predicate``), the item's match with its
named groups, and ``make_hit``: a Hit holding what every hit of the item shares, which
the handler completes with each figure. It adds the item's hits and keeps the measure and
sign of the last figure, which a 力争 item after it continues. A new meaning is a handler
here plus its entry in rulebook.schema.MEANINGS (and docs/RULES.md); a test holds
``MEANING_HANDLERS`` to that table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import regex

from ..rulebook import Indicator, RuleSet
from .hits import Hit, Mention
from .values import Values, bound_of, read_values, unit_ok

HitMaker: TypeAlias = "functools.partial[Hit]"


class Predicate:
    """One mention's predicate as it is read item by item: what its items need, the hits
    so far, and the measure and sign of the last figure."""

    __slots__ = (
        "rs",
        "text",
        "men",
        "chain",
        "sent_start",
        "est_at",
        "first_multi",
        "cumulative",
        "hits",
        "prev_measure",
        "prev_sign",
        "adjusted",
    )

    def __init__(
        self,
        rs: RuleSet,
        text: str,
        men: Mention,
        chain: Sequence[str],
        sent_start: int,
        est_at: int | None,
        first_multi: int | None,
    ) -> None:
        self.rs = rs
        self.text = text
        self.men = men
        self.chain = chain  # subjects linked before this one, for a shared 分别 list
        self.sent_start = sent_start
        self.est_at = est_at  # where 预计 stands, if it does
        self.first_multi = first_multi  # where the five-year cue that frames them stands
        self.cumulative = bool(rs.cumulative_lead_re.search(men.lead))
        self.hits: list[Hit] = []
        self.prev_measure: str | None = None
        self.prev_sign = 1
        self.adjusted = False  # whether an item read a figure on another basis


# A match's named groups, as ``groupdict()`` gives them once per item.
Groups: TypeAlias = dict[str, Any]
Handler: TypeAlias = Callable[[Predicate, regex.Match[str], Groups, HitMaker], None]


def _amount(p: Predicate, m: regex.Match[str], groups: Groups, make_hit: HitMaker) -> None:
    """The indicator's own figures: a level or count by the unit, a bare percentage by
    what the catalog says it measures."""
    _figures(p, m, groups, make_hit, "amount")


def _growth(p: Predicate, m: regex.Match[str], groups: Groups, make_hit: HitMaker) -> None:
    """A change, signed by the direction word: only a percentage is the indicator's."""
    _figures(p, m, groups, make_hit, "growth")


def _flat(p: Predicate, m: regex.Match[str], groups: Groups, make_hit: HitMaker) -> None:
    """与上年持平: a growth of 0 for each member that has a growth."""
    indicators = p.rs.indicators
    p.hits.extend(
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
        for flat_id in p.men.members
        if "growth" in indicators[flat_id].measures
    )
    p.prev_measure, p.prev_sign = "growth", 1


def _skip(p: Predicate, m: regex.Match[str], groups: Groups, make_hit: HitMaker) -> None:
    """A partial figure inside the list ("扣除房地产开发投资后增长8.5%"): read past it so
    that the figures after it still belong to the indicator."""


def _adjusted(p: Predicate, m: regex.Match[str], groups: Groups, make_hit: HitMaker) -> None:
    """A figure on another basis (剔除…因素): a growth after a direction word, else an
    amount, which a headline figure of the list wins over (``headline_first``)."""
    means = "growth" if groups.get("dir") else "amount"
    p.adjusted = True
    _figures(p, m, groups, functools.partial(make_hit, adjusted=True), means)


MEANING_HANDLERS: dict[str, Handler] = {
    "amount": _amount,
    "growth": _growth,
    "flat": _flat,
    "skip": _skip,
    "adjusted": _adjusted,
}


def headline_first(p: Predicate) -> list[Hit]:
    """The predicate's hits without the adjusted ones that a headline figure of the same
    indicator and measure stands for."""
    hits = p.hits
    if not p.adjusted:
        return hits
    # The headline figure wins over one on another basis; alone, the adjusted one is the
    # figure (spec/GUIDE.md, settled cases).
    headline = {(h.indicator, h.measure) for h in hits if not h.adjusted}
    return [h for h in hits if not (h.adjusted and (h.indicator, h.measure) in headline)]


def _figures(
    p: Predicate, m: regex.Match[str], groups: Groups, make_hit: HitMaker, means: str
) -> None:
    """The figures of an item that gives numbers, as an amount or as a growth."""
    rs = p.rs
    vals = read_values(rs, m.group("values"))
    if vals is None:
        return
    stretch_word = groups.get("stretch")
    prev = p.prev_measure
    sign = 1
    if means == "growth":
        sign = rs.directions.get(m.group("dir"), 1)
    elif stretch_word and prev == "growth":
        sign = p.prev_sign
    continues_growth = bool(stretch_word) and prev == "growth"
    bound = bound_of(rs, groups.get("pre"), groups.get("post"), sign < 0, vals.is_range)
    members = _members(p, m, vals)
    measure_for = {
        ind_id: _measure(rs, rs.indicators[ind_id], means, vals.units[-1], continues_growth)
        for ind_id in members
    }
    pairs, vmax = _pairs(members, vals, sign)
    past = groups.get("fromval") is not None
    emitted = False
    for (ind_id, num, unit), vm in zip(pairs, vmax, strict=True):
        measure = measure_for.get(ind_id)
        if measure is None:
            continue
        p.hits.append(
            make_hit(
                indicator=ind_id,
                measure=measure,
                value=num * sign,
                value_max=vm,
                unit=unit,
                bound=bound,
                # 力争 reaches for more of what was just given; a level after a
                # growth ("增长25%，力争突破1100亿元") is that level's only target.
                stretch=bool(stretch_word) and prev == measure,
                past=past,
            )
        )
        emitted = True
        prev = measure
    if emitted:
        p.prev_measure, p.prev_sign = prev, sign
    elif means == "growth":
        p.prev_measure, p.prev_sign = "growth", sign


def _pairs(
    members: Sequence[str], vals: Values, sign: int
) -> tuple[list[tuple[str, float, str]], list[float | None]]:
    """(indicator, number, unit) of each figure with its upper end: one figure per
    subject, or one (or one range) for all; none for any other count."""
    if len(vals.nums) == len(members) and not vals.is_range:
        pairs = list(zip(members, vals.nums, vals.units, strict=True))
        vmax: list[float | None] = [None] * len(pairs)
    elif len(vals.nums) == 1 or vals.is_range:
        pairs = [(ind, vals.nums[0], vals.units[-1]) for ind in members]
        vmax = [vals.nums[1] * sign if vals.is_range else None for _ in members]
    else:
        pairs = []
        vmax = []
    return pairs, vmax


def _members(p: Predicate, m: regex.Match[str], vals: Values) -> Sequence[str]:
    """Whose figures the item gives: the mention's members, its group's all-resident
    indicator, or the linked subjects before it."""
    men = p.men
    if (
        men.combined is not None
        and (len(vals.nums) == 1 or vals.is_range)
        and not p.rs.each_re.search(p.text, men.end, m.end())
    ):
        # One figure for 城乡居民 with no 分别/均 is one all-resident figure.
        return (men.combined,)
    if (
        len(p.chain) > len(men.members)
        and len(vals.nums) == len(p.chain)
        and p.rs.respectively_re.search(m.group(0))
    ):
        return tuple(p.chain)
    return men.members


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
        measure = ind.amount if unit_ok(ind.units, unit) else None
    return measure if measure in ind.measures else None
