"""The periods a stretch of report text can be about, and their families."""

from __future__ import annotations

__all__ = ["PERIODS"]

PERIODS = ("preamble", "review", "review_multi", "plan", "plan_multi", "other")

# Families: a sub-heading or paragraph may move only within its parent's family, because a
# review sub-heading that mentions drafting the next five-year plan still reviews.
_REVIEW = frozenset({"review", "review_multi"})
_PLAN = frozenset({"plan", "plan_multi"})
_ANY = _REVIEW | _PLAN
_NONE: frozenset[str] = frozenset()


def _family(period: str) -> frozenset[str]:
    """The periods a part in ``period`` may move to (the preamble: any but other).

    >>> sorted(_family("plan_multi"))
    ['plan', 'plan_multi']
    >>> _family("other")
    frozenset()
    """
    if period in _REVIEW:
        return _REVIEW
    if period in _PLAN:
        return _PLAN
    if period == "preamble":
        return _ANY
    return _NONE
