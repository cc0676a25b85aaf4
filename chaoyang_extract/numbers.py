"""Numbers and units as reports write them: 780, 5.25, 两, 三十二, 1.5万亿元, 个百分点."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from .resources import rules_dir
from .rulebook import cache, read_special

_ARABIC = frozenset("0123456789.")
# No report figure comes near this (10^15 of anything); a longer digit run is an ID, a
# phone number or scraping debris, and float() would turn 400 nines into inf.
_MAX_ABS = 1e15


def parse_number(text: str) -> float | None:
    """The value of one numeral span: Arabic ("1,234.5") or Chinese ("三十二", "两", "一点五").

    Returns None for anything that is not a single number, so a rule's odd capture
    never becomes a made-up value.

    >>> parse_number("1,234.5"), parse_number("三十二"), parse_number("两"), parse_number("一点五")
    (1234.5, 32.0, 2.0, 1.5)
    >>> parse_number("1.2.3") is None, parse_number("9" * 400) is None, parse_number("") is None
    (True, True, True)
    """
    s = text.strip().replace(",", "")
    if not s:
        return None
    if set(s) <= _ARABIC:
        try:
            return _plausible(float(s))
        except ValueError:
            return None
    # Imported only here: it compiles its patterns on import (over a tenth of a second), and
    # most reports write every figure in Arabic digits.
    import cn2an

    try:
        # cn2an only on the captured span: on whole text it rewrites words (零售 -> 0售).
        value = cn2an.cn2an(s, "smart")
    except (ValueError, KeyError, TypeError, IndexError, OverflowError):
        return None
    return _plausible(float(value))


def _plausible(value: float) -> float | None:
    return value if math.isfinite(value) and abs(value) < _MAX_ABS else None


@dataclass(frozen=True)
class UnitInfo:
    unit_std: str
    factor: float


@functools.lru_cache(maxsize=1)
def _unit_table() -> tuple[dict[str, float], dict[str, UnitInfo]]:
    path = rules_dir() / "units.yaml"
    found = cache.cached("units", [str(path).encode(), path], lambda: _read_units(path))
    assert found is not None
    return found


def _read_units(path: Path) -> tuple[dict[str, float], dict[str, UnitInfo]]:
    data = read_special(path)
    scales = {str(k): float(v) for k, v in data["scales"].items()}
    base = {
        str(k): UnitInfo(str(v["std"]), float(v["factor"])) for k, v in data["base_units"].items()
    }
    return scales, base


def unit_info(unit: str) -> UnitInfo | None:
    """Standard unit and factor for a written unit ("亿元" -> CNY, 1e8); None if unknown.

    >>> unit_info("亿元")
    UnitInfo(unit_std='CNY', factor=100000000.0)
    >>> unit_info("万亿元").factor, unit_info("个百分点").unit_std, unit_info("双") is None
    (1000000000000.0, 'pp', True)
    """
    scales, base = _unit_table()
    if unit in base:
        return base[unit]
    # Longest scale prefix first so that 万亿元 is 万亿 + 元, not 万 + 亿元.
    for prefix in sorted(scales, key=len, reverse=True):
        if unit.startswith(prefix) and unit[len(prefix) :] in base:
            info = base[unit[len(prefix) :]]
            return UnitInfo(info.unit_std, info.factor * scales[prefix])
    return None


def standardize(value: float, unit: str) -> tuple[float, str]:
    """(value_std, unit_std); an unknown unit is kept as written with factor 1.

    >>> standardize(1.39, "万亿元"), standardize(3.5, "万人"), standardize(7.0, "双")
    ((1390000000000.0, 'CNY'), (35000.0, 'person'), (7.0, '双'))
    """
    info = unit_info(unit)
    if info is None:
        return value, unit
    return _round(value * info.factor), info.unit_std


def _round(x: float) -> float:
    # 1.39 * 1e12 is 1390000000000.0002 in binary; keep 12 significant digits.
    return float(f"{x:.12g}")
