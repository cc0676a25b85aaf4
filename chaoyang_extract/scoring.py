"""Targets against results: did a place meet the target it set itself?

A report of year Y sets targets for Y; the report of Y+1 (or any later one that restates
it) gives Y's result. ``scorecard`` pairs them across a records table of several reports
and scores each target: one row per (place, year, indicator, measure, tier, scope).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["COLUMNS", "scorecard", "status_of"]

COLUMNS = (
    "region_code",
    "region",
    "year",
    "indicator",
    "measure",
    "tier",
    "scope",
    "target_value",
    "target_value_max",
    "target_bound",
    "target_unit",
    "result_value",
    "result_unit",
    "result_estimated",
    "result_revised_from",
    "gap",
    "status",
    "target_quote",
    "result_quote",
    "target_doc",
    "result_doc",
)

# Measures whose figures are percentages: their gap is a difference in percentage points,
# and "approx" allows the tolerance in points. Levels and counts get a ratio.
_PERCENT_MEASURES = frozenset({"growth", "rate", "share", "change"})
# Rounding in a float sum must not turn 7.0 against 7 into a miss.
_EPS = 1e-9


@dataclass(frozen=True)
class Target:
    """What status_of needs of a target: its bound and the standard values."""

    bound: str
    value: float
    value_max: float | None = None


def status_of(
    target: Target, result: float, *, lower_is_better: bool, tolerance: float, percent: bool
) -> str:
    """``met`` or ``missed``: a result against one target.

    ``ge`` (or ``eq`` where higher is better) is met at or above the target; ``le`` (or
    ``eq`` where lower is better) at or below; ``range`` inside the range or beyond it on
    the better side; ``approx`` within ``tolerance`` (points for percentages, percent of
    the target for levels and counts) or better.

    >>> status_of(Target("eq", 6.5), 6.8, lower_is_better=False, tolerance=0.5, percent=True)
    'met'
    >>> status_of(Target("le", 4.5), 4.6, lower_is_better=True, tolerance=0.5, percent=True)
    'missed'
    >>> status_of(Target("approx", 7), 6.6, lower_is_better=False, tolerance=0.5, percent=True)
    'met'
    >>> status_of(Target("range", 6, 6.5), 5.9, lower_is_better=False, tolerance=0.5, percent=True)
    'missed'
    """
    t, r = target.value, result
    if target.bound == "approx":
        slack = tolerance if percent else abs(t) * tolerance / 100
        ok = r <= t + slack if lower_is_better else r >= t - slack
    elif target.bound == "range":
        hi = target.value_max if target.value_max is not None else t
        ok = r <= hi if lower_is_better else r >= t
    elif target.bound == "le" or (target.bound == "eq" and lower_is_better):
        ok = r <= t
    else:
        ok = r >= t
    return "met" if ok else "missed"


def gap_of(target: Target, result: float, *, lower_is_better: bool, percent: bool) -> float:
    """The result against the target: points for percentages, a ratio for amounts. A range
    is measured from its near end on the better side's opposite (its floor where higher
    is better, its ceiling where lower is).

    >>> gap_of(Target("eq", 6.5), 6.8, lower_is_better=False, percent=True)
    0.3
    >>> gap_of(Target("eq", 800e8), 780e8, lower_is_better=False, percent=False)
    0.975
    """
    t = target.value
    if target.bound == "range" and lower_is_better and target.value_max is not None:
        t = target.value_max
    if percent:
        return round(result - t, 10)
    return round(result / t, 10) if t else math.nan


def scorecard(
    df: pd.DataFrame,
    tolerance: float = 0.5,
    *,
    lower_is_better: Mapping[str, bool] | None = None,
    indicator_order: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The scorecard of a records table (``extract_paths`` or a cyx table read back).

    Each annual target for year Y meets the year-Y result of the same place, indicator,
    measure and scope, compared in standard units (``value_std``/``unit_std``). Where
    several reports give that result, the latest report's wins and the value it revised
    goes in ``result_revised_from``. A place is its ``region_code``, else its ``region``;
    rows with neither are scored ``no_result``, since nothing ties them to a later report.
    ``lower_is_better`` defaults to the catalog's ``better`` (rules/indicators.yaml).
    """
    if lower_is_better is None or not indicator_order:
        from .rulebook import load_rules

        rs = load_rules()
        if lower_is_better is None:
            lower_is_better = {i: ind.better == "lower" for i, ind in rs.indicators.items()}
        indicator_order = indicator_order or tuple(rs.indicators)
    rows = _annual(df)
    results = _latest_results(rows[rows["kind"] == "result"])
    out = [
        _score(t, results, lower_is_better, tolerance)
        for t in _targets(rows[rows["kind"] == "target"])
    ]
    return _frame(out, indicator_order)


def _annual(df: pd.DataFrame) -> pd.DataFrame:
    rows = df
    if "horizon" in rows.columns:
        rows = rows[rows["horizon"].fillna("annual") == "annual"]
    rows = rows.copy()
    code = (
        rows["region_code"] if "region_code" in rows.columns else pd.Series(None, index=rows.index)
    )
    # A place is "code:211300" where the region resolved, else "name:朝阳市".
    by_code = "code:" + code.astype("string")
    by_name = "name:" + rows["region"].astype("string")
    rows["_place"] = by_code.where(code.notna(), by_name).astype("object")
    rows["_tier"] = rows["tier"].fillna("baseline") if "tier" in rows.columns else "baseline"
    rows["_scope"] = rows["scope"].fillna("") if "scope" in rows.columns else ""
    return rows


def _targets(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """One target a key: the report of the target's own year first (a later report may
    restate it), else the earliest report."""
    rows = rows.assign(_own=(rows["report_year"] != rows["year"]).astype(int))
    rows = rows.sort_values(["_own", "report_year"], kind="stable")
    key = ["_place", "year", "indicator", "measure", "_tier", "_scope"]
    firsts = rows.drop_duplicates(key, keep="first") if len(rows) else rows
    return [dict(r) for _, r in firsts.iterrows()]


def _latest_results(
    rows: pd.DataFrame,
) -> dict[tuple[Any, ...], tuple[dict[str, Any], float | None]]:
    """The result a key from the latest report, with the differing value it revised."""
    out: dict[tuple[Any, ...], tuple[dict[str, Any], float | None]] = {}
    placed = rows[rows["_place"].notna()].sort_values("report_year", kind="stable")
    for _, r in placed.iterrows():
        key = (r["_place"], r["year"], r["indicator"], r["measure"], r["_scope"])
        before = out.get(key)
        revised = None
        if before is not None:
            prev = before[0]
            revised = prev["value"] if not _same(prev["value_std"], r["value_std"]) else before[1]
        out[key] = (dict(r), revised)
    return out


def _same(a: Any, b: Any) -> bool:
    return bool(abs(float(a) - float(b)) <= _EPS * max(1.0, abs(float(a))))


def _score(
    t: dict[str, Any],
    results: Mapping[tuple[Any, ...], tuple[dict[str, Any], float | None]],
    lower_is_better: Mapping[str, bool],
    tolerance: float,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "region_code": t.get("region_code"),
        "region": t.get("region"),
        "year": t["year"],
        "indicator": t["indicator"],
        "measure": t["measure"],
        "tier": t["_tier"],
        "scope": t.get("scope"),
        "target_value": t["value"],
        "target_value_max": t.get("value_max"),
        "target_bound": t["bound"],
        "target_unit": t["unit"],
        "target_quote": t["quote"],
        "target_doc": t["doc"],
        "status": "no_result",
    }
    key = (t["_place"], t["year"], t["indicator"], t["measure"], t["_scope"])
    found = results.get(key) if _present(t["_place"]) else None
    if found is None or found[0]["unit_std"] != t["unit_std"]:
        return row
    r, revised = found
    lower = bool(lower_is_better.get(str(t["indicator"]), False))
    percent = t["measure"] in _PERCENT_MEASURES
    vmax = t.get("value_max")
    scale = float(t["value_std"]) / float(t["value"]) if t["value"] else 1.0
    target = Target(
        str(t["bound"]),
        float(t["value_std"]),
        float(vmax) * scale if vmax is not None and _present(vmax) else None,
    )
    result = float(r["value_std"])
    row.update(
        result_value=r["value"],
        result_unit=r["unit"],
        result_estimated=r.get("estimated"),
        result_revised_from=revised,
        result_quote=r["quote"],
        result_doc=r["doc"],
        region_code=row["region_code"] if _present(row["region_code"]) else r.get("region_code"),
        gap=gap_of(target, result, lower_is_better=lower, percent=percent),
        status=status_of(
            target, result, lower_is_better=lower, tolerance=tolerance, percent=percent
        ),
    )
    return row


def _present(v: Any) -> bool:
    return (
        v is not None
        and v is not pd.NA
        and not (isinstance(v, float) and math.isnan(v))
        and v != ""
    )


_TYPES: dict[str, Any] = {
    "region_code": "Int32",
    "region": "string",
    "year": "Int16",
    "indicator": "string",
    "measure": "string",
    "tier": "string",
    "scope": "string",
    "target_value": "float64",
    "target_value_max": "float64",
    "target_bound": "string",
    "target_unit": "string",
    "result_value": "float64",
    "result_unit": "string",
    "result_estimated": "boolean",
    "result_revised_from": "float64",
    "gap": "float64",
    "status": "string",
    "target_quote": "string",
    "result_quote": "string",
    "target_doc": "string",
    "result_doc": "string",
}


def _frame(rows: list[dict[str, Any]], indicator_order: tuple[str, ...]) -> pd.DataFrame:
    card = pd.DataFrame(rows, columns=list(COLUMNS))
    for col, dtype in _TYPES.items():
        card[col] = card[col].astype("object").where(card[col].notna(), None).astype(dtype)
    rank = {ind: i for i, ind in enumerate(indicator_order)}
    order = card.assign(
        _place=card["region_code"].astype("string").fillna(card["region"]).fillna(""),
        _ind=card["indicator"].map(lambda i: rank.get(i, len(rank))),
        _tier=(card["tier"] == "stretch").astype(int),
    ).sort_values(
        ["_place", "year", "_ind", "indicator", "measure", "_tier", "scope"], kind="stable"
    )
    return card.loc[order.index].reset_index(drop=True)
