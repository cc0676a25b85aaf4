"""The five-year plans a text names, from structure.yaml's one table of them.

>>> plan_ends("“十四五”时期主要目标任务，比“十三五”末")
[2025, 2020]
>>> plan_ends("“十五”计划和第十一个五年规划"), plan_ends("增长十五个百分点")
([2005, 2010], [])
"""

from __future__ import annotations

import functools

import regex

from ..rulebook import cache
from .rulefile import _rules

__all__ = ["plan_ends"]


@functools.lru_cache(maxsize=1)
def _plan_pattern() -> regex.Pattern[str]:
    # One group per plan, named by its place in the table; longer names first within it.
    groups = [
        f"(?P<p{i}>" + "|".join(f"(?:{n})" for n in sorted(p.names, key=len, reverse=True)) + ")"
        for i, p in enumerate(_rules().plans)
    ]
    return cache.compile("|".join(groups) or "(?!)")


def plan_ends(text: str) -> list[int]:
    """The last year of each five-year plan ``text`` names, in order."""
    plans = _rules().plans
    return [plans[int(str(m.lastgroup)[1:])].start + 4 for m in _plan_pattern().finditer(text)]
