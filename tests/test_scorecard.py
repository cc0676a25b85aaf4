"""The scorecard on constructed pairs: each bound, both tiers, lower-is-better indicators,
revised results, units, and a table that cannot be paired; then the command on tables
and reports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from chaoyang_extract import extract_text, scorecard
from chaoyang_extract.cli import main
from chaoyang_extract.scoring import COLUMNS


def _row(kind: str, year: int, report_year: int, value: float, **kw: Any) -> dict[str, Any]:
    unit = kw.pop("unit", "%")
    scale = {"%": 1.0, "亿元": 1e8, "万亿元": 1e12, "万人": 1e4}[unit]
    row = {
        "doc": f"r{report_year}",
        "region": "甲市",
        "region_code": 111100,
        "report_year": report_year,
        "indicator": "gdp",
        "kind": kind,
        "year": year,
        "horizon": "annual",
        "measure": "growth",
        "value": value,
        "value_max": None,
        "unit": unit,
        "value_std": value * scale,
        "unit_std": {"%": "%", "亿元": "CNY", "万亿元": "CNY", "万人": "person"}[unit],
        "bound": "eq",
        "tier": "baseline" if kind == "target" else None,
        "estimated": False,
        "scope": None,
        "quote": f"{kind}{value}",
    }
    row.update(kw)
    return row


def _card(*rows: dict[str, Any], tolerance: float = 0.5) -> pd.DataFrame:
    return scorecard(pd.DataFrame(rows), tolerance)


def _status(target: dict[str, Any], result: float, **kw: Any) -> str:
    card = _card(target, _row("result", 2017, 2018, result, **kw))
    assert len(card) == 1
    return str(card["status"][0])


@pytest.mark.parametrize(
    ("bound", "target", "value_max", "result", "expected"),
    [
        ("eq", 6.5, None, 6.5, "met"),
        ("eq", 6.5, None, 6.4, "missed"),
        ("ge", 7, None, 7.2, "met"),
        ("ge", 7, None, 6.9, "missed"),
        ("le", 8, None, 8.5, "missed"),  # an upper bound on a higher-is-better figure
        ("approx", 7, None, 6.5, "met"),  # within the 0.5-point tolerance
        ("approx", 7, None, 6.4, "missed"),
        ("approx", 7, None, 9.0, "met"),  # beyond it on the better side
        ("range", 6, 6.5, 6.2, "met"),
        ("range", 6, 6.5, 7.1, "met"),  # above a range is better
        ("range", 6, 6.5, 5.9, "missed"),
    ],
)
def test_bounds_where_higher_is_better(
    bound: str, target: float, value_max: float | None, result: float, expected: str
) -> None:
    t = _row("target", 2017, 2017, target, bound=bound, value_max=value_max)
    assert _status(t, result) == expected


@pytest.mark.parametrize(
    ("indicator", "measure", "bound", "target", "value_max", "result", "expected"),
    [
        ("registered_unemployment_rate", "rate", "le", 4.5, None, 3.8, "met"),
        ("registered_unemployment_rate", "rate", "le", 4.5, None, 4.6, "missed"),
        ("registered_unemployment_rate", "rate", "eq", 4.5, None, 4.6, "missed"),
        ("cpi", "growth", "approx", 3, None, 3.4, "met"),
        ("cpi", "growth", "approx", 3, None, 3.6, "missed"),
        ("cpi", "growth", "range", 2, 3, 1.5, "met"),  # below a range is better
        ("energy_intensity", "growth", "eq", -3, None, -3.5, "met"),  # fell further
        ("energy_intensity", "growth", "eq", -3, None, -2.0, "missed"),
    ],
)
def test_bounds_where_lower_is_better(
    indicator: str,
    measure: str,
    bound: str,
    target: float,
    value_max: float | None,
    result: float,
    expected: str,
) -> None:
    kw = {"indicator": indicator, "measure": measure}
    t = _row("target", 2017, 2017, target, bound=bound, value_max=value_max, **kw)
    assert _status(t, result, **kw) == expected


def test_tolerance_is_an_option() -> None:
    t = _row("target", 2017, 2017, 7, bound="approx")
    r = _row("result", 2017, 2018, 6.4)
    assert _card(t, r)["status"][0] == "missed"
    assert _card(t, r, tolerance=1.0)["status"][0] == "met"


def test_a_stretch_target_is_scored_on_its_own_row() -> None:
    base = _row("target", 2017, 2017, 6.5)
    stretch = _row("target", 2017, 2017, 7, bound="ge", tier="stretch")
    card = _card(base, stretch, _row("result", 2017, 2018, 6.8))
    assert card[["tier", "status"]].values.tolist() == [
        ["baseline", "met"],
        ["stretch", "missed"],
    ]
    assert card["gap"].round(6).tolist() == [0.3, -0.2]


def test_the_latest_report_gives_the_result_and_the_revision_is_kept() -> None:
    t = _row("target", 2017, 2017, 6.5)
    estimate = _row("result", 2017, 2018, 6.6, estimated=True)
    final = _row("result", 2017, 2019, 6.3)
    card = _card(final, t, estimate)  # table order does not matter
    row = card.iloc[0]
    assert (row["result_value"], row["result_revised_from"], row["result_doc"]) == (
        6.3,
        6.6,
        "r2019",
    )
    assert not row["result_estimated"] and row["status"] == "missed"
    same = _card(t, estimate, _row("result", 2017, 2019, 6.6))
    assert pd.isna(same["result_revised_from"][0]) and same["result_doc"][0] == "r2019"


def test_a_target_restated_later_yields_to_the_report_that_set_it() -> None:
    own = _row("target", 2017, 2017, 6.5, quote="增长6.5%")
    restated = _row("target", 2017, 2018, 7.0, quote="年初确定的7%目标")
    card = _card(restated, own, _row("result", 2017, 2018, 6.8))
    assert card["target_quote"].tolist() == ["增长6.5%"]
    only = _card(restated, _row("result", 2017, 2018, 6.8))
    assert only[["target_doc", "status"]].values.tolist() == [["r2018", "missed"]]


def test_levels_compare_in_standard_units_and_gap_is_a_ratio() -> None:
    kw = {"measure": "level"}
    t = _row("target", 2017, 2017, 800, unit="亿元", bound="ge", **kw)
    r = _row("result", 2017, 2018, 0.082, unit="万亿元", **kw)
    row = _card(t, r).iloc[0]
    assert row["status"] == "met" and row["gap"] == pytest.approx(1.025)
    assert (row["target_unit"], row["result_unit"]) == ("亿元", "万亿元")


def test_no_result_when_missing_other_place_other_measure_or_unit() -> None:
    t = _row("target", 2017, 2017, 6.5)
    other_place = _row("result", 2017, 2018, 7, region_code=222200, region="乙市")
    other_measure = _row("result", 2017, 2018, 800, measure="level", unit="亿元")
    other_year = _row("result", 2016, 2017, 7)
    card = _card(t, other_place, other_measure, other_year)
    assert card["status"].tolist() == ["no_result"]
    assert card["result_value"].isna().all() and card["gap"].isna().all()


def test_places_without_a_code_pair_by_name_and_unknown_places_never_pair() -> None:
    t = _row("target", 2017, 2017, 6.5, region_code=None)
    r = _row("result", 2017, 2018, 6.8, region_code=None)
    assert _card(t, r)["status"].tolist() == ["met"]
    t2 = _row("target", 2017, 2017, 6.5, region_code=None, region=None)
    r2 = _row("result", 2017, 2018, 6.8, region_code=None, region=None)
    assert _card(t2, r2)["status"].tolist() == ["no_result"]


def test_multi_year_rows_and_results_alone_make_no_row() -> None:
    plan = _row("target", 2020, 2016, 7, horizon="multi_year")
    assert _card(plan, _row("result", 2020, 2021, 6)).empty
    assert list(_card(_row("result", 2017, 2018, 6)).columns) == list(COLUMNS)


def test_columns_and_types_are_the_contract() -> None:
    card = _card(_row("target", 2017, 2017, 6.5), _row("result", 2017, 2018, 6.8))
    assert tuple(card.columns) == COLUMNS
    assert str(card["year"].dtype) == "Int16" and str(card["gap"].dtype) == "float64"
    assert str(card["result_estimated"].dtype) == "boolean"


def _reports(tmp_path: Path) -> list[Path]:
    texts = {
        "jia_2017.txt": "甲市2017年政府工作报告\n今年主要预期目标是：地区生产总值增长7%左右，"
        "城镇登记失业率控制在4.5%以内。",
        "jia_2018.txt": "甲市2018年政府工作报告\n预计全年地区生产总值增长6.8%，"
        "城镇登记失业率3.9%。",
    }
    out = []
    for name, text in texts.items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def test_command_scores_reports_and_tables_alike(tmp_path: Path) -> None:
    reports = _reports(tmp_path)
    run = CliRunner().invoke(
        main, ["scorecard", *map(str, reports), "-o", str(tmp_path / "a"), "--region", "甲市"]
    )
    assert run.exit_code == 0, run.output
    assert "2 target(s): 2 met, 0 missed, 0 no_result" in run.stderr
    for fmt in ("csv", "parquet", "jsonl"):
        table = tmp_path / f"t.{fmt}"
        ext = CliRunner().invoke(
            main,
            ["extract", *map(str, reports), "-o", str(tmp_path), "--name", "t", "--format", fmt,
             "--region", "甲市", "-q"],
        )  # fmt: skip
        assert ext.exit_code == 0, ext.output
        run = CliRunner().invoke(main, ["scorecard", str(table), "-o", str(tmp_path / fmt), "-q"])
        assert run.exit_code == 0, run.output
        got = read_back(tmp_path / fmt / "scorecard.csv")
        want = read_back(tmp_path / "a" / "scorecard.csv")
        assert got == want
    assert (tmp_path / "a" / "scorecard.xlsx").stat().st_size > 0
    parquet = pd.read_parquet(tmp_path / "a" / "scorecard.parquet")
    assert tuple(parquet.columns) == COLUMNS


def read_back(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8-sig").splitlines()]


def test_a_bad_table_is_one_line_and_the_others_are_scored(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    reports = _reports(tmp_path)
    run = CliRunner().invoke(
        main, ["scorecard", str(bad), *map(str, reports), "-o", str(tmp_path / "o"), "-q",
               "--region", "甲市"],
    )  # fmt: skip
    assert run.exit_code == 3
    assert f"cyx: {bad}: not a cyx table: no column doc" in run.stderr
    assert "Traceback" not in run.output
    assert len(read_table_csv(tmp_path / "o" / "scorecard.csv")) == 2


def read_table_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig")


def test_extract_text_rows_score_through_the_api() -> None:
    t = extract_text("今年主要预期目标是：地区生产总值增长7%。", "a", year=2017, region="甲市")
    r = extract_text("预计全年地区生产总值增长7.1%。", "b", year=2018, region="甲市")
    card = scorecard(pd.concat([t, r], ignore_index=True))
    assert card[["year", "indicator", "status"]].values.tolist() == [[2017, "gdp", "met"]]


MULTIYEAR = Path(__file__).parent / "corpus" / "multiyear"
# The page is cut in the middle of 左右 ("生産總值增長8%左"): the annotator read approx,
# cyx reads the figure as written (eq). Its status is no_result either way.
CUT_BOUND = {("610000", "2017", "gdp", "growth", "baseline")}


def test_scorecard_of_the_multiyear_corpus_matches_its_gold(tmp_path: Path) -> None:
    """Real reports of three places over three years (tests/corpus/multiyear): every
    required gold row is given with its values, status and documents; no other row is."""
    import csv

    run = CliRunner().invoke(main, ["scorecard", str(MULTIYEAR), "-o", str(tmp_path), "-q"])
    assert run.exit_code == 0, run.output
    got = pd.read_parquet(tmp_path / "scorecard.parquet")
    with (MULTIYEAR / "scorecard_gold.csv").open(encoding="utf-8") as f:
        gold = list(csv.DictReader(f))

    def key(code: Any, year: Any, ind: Any, measure: Any, tier: Any) -> tuple[str, ...]:
        return (str(code), str(year), str(ind), str(measure), str(tier))

    rows = {
        key(*r[["region_code", "year", "indicator", "measure", "tier"]]): r
        for _, r in got.iterrows()
    }
    for g in gold:
        k = key(g["region_code"], g["year"], g["indicator"], g["measure"], g["tier"])
        if g["optional"] and k not in rows:
            continue
        assert k in rows, f"missing {k}"
        r = rows.pop(k)
        assert r["status"] == g["status"], k
        assert r["target_value"] == float(g["target_value"]), k
        if k not in CUT_BOUND:
            assert r["target_bound"] == g["target_bound"], k
        if g["target_value_max"]:
            assert r["target_value_max"] == float(g["target_value_max"]), k
        if g["result_value"]:
            assert (
                r["result_value"] == float(g["result_value"]) and r["result_doc"] == g["result_doc"]
            ), k
        else:
            assert pd.isna(r["result_value"]), k
        assert r["target_doc"] == g["target_doc"], k
    assert not rows, f"rows not in the gold: {sorted(rows)}"


def test_a_restated_target_is_kept_only_when_asked_for() -> None:
    """ "将2019年…增长目标设定为7%左右" in a 2020 report is 2019's target, not 2019's result:
    a table of the report's own figures leaves it out; the scorecard asks for it."""
    from chaoyang_extract.extract import extract_document
    from chaoyang_extract.rulebook import load_rules

    rs = load_rules()
    text = "在2019年1月18日深圳市政府工作报告中，将2019年深圳市GDP增长目标设定为7%左右。"
    plain = extract_document(rs, text, "sz", year=2020, region="深圳市")
    assert plain.records == []
    kept = extract_document(rs, text, "sz", year=2020, region="深圳市", restated_targets=True)
    assert [(r.kind, r.year, r.value, r.bound) for r in kept.records] == [
        ("target", 2019, 7.0, "approx")
    ]


def test_plot_writes_charts_and_a_page(tmp_path: Path) -> None:
    run = CliRunner().invoke(
        main, ["scorecard", str(MULTIYEAR), "-o", str(tmp_path), "--plot", "-q"]
    )
    assert run.exit_code == 0, run.output
    charts = tmp_path / "charts"
    assert (charts / "met_share.png").stat().st_size > 1000
    assert (charts / "440300_gdp_growth.svg").exists() and (
        charts / "440300_gdp_growth.png"
    ).exists()
    page = (tmp_path / "scorecard.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 2
    # XML namespaces name http addresses; nothing is fetched from one.
    assert not re.search(r"""(?:src|href)=["']?https?:""", page)
    bad = CliRunner().invoke(
        main, ["scorecard", str(MULTIYEAR), "-o", str(tmp_path), "--plot", "--font", "/no/such.ttf"]
    )
    assert bad.exit_code == 2 and "--font" in bad.output and "Traceback" not in bad.output
