"""The numbers of a match: its values with their units, their bound, and units an
indicator takes."""

from __future__ import annotations

from dataclasses import dataclass

from ..numbers import parse_number
from ..rulebook import RuleSet


@dataclass
class Values:
    nums: list[float]
    units: list[str]
    is_range: bool


def read_values(rs: RuleSet, span: str, unit_suffix: str = "") -> Values | None:
    if unit_suffix:
        # A clause rule captured "5.25万" before 贫困人口: the scale is what follows the
        # number, and the rule supplies the base unit.
        m0 = rs.values_re.match(span)
        n0 = parse_number(m0.group("num")) if m0 else None
        if m0 is None or n0 is None:
            return None
        rest = span[m0.end("num") :]
        unit = rest if rest.endswith(unit_suffix) else rest + unit_suffix
        return Values([n0], [unit], False)
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
    return Values(nums, filled, is_range)


def bound_of(rs: RuleSet, pre: str | None, post: str | None, negative: bool, is_range: bool) -> str:
    """The bound of a figure from the words around it (lexicon.yaml's pre_bounds and
    post_bounds); a negative change turns "at least" round.

    >>> from chaoyang_extract.rulebook import load_rules
    >>> rs = load_rules()
    >>> bound_of(rs, "超过", None, False, False), bound_of(rs, None, "以内", False, False)
    ('ge', 'le')
    >>> bound_of(rs, None, "以上", True, False), bound_of(rs, None, "左右", False, True)
    ('le', 'range')
    """
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


def unit_ok(allowed: frozenset[str], unit: str) -> bool:
    """Whether a figure's unit is one an indicator takes (none listed: any).

    >>> unit_ok(frozenset({"元"}), "亿元"), unit_ok(frozenset({"元"}), "万人"), unit_ok(frozenset(), "吨")
    (True, False, True)
    """
    if not allowed:
        return True
    return any(unit.endswith(u) for u in allowed)
