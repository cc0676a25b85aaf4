"""Pages without headings: results and targets come from evidence at every scale (the
page's date, reported speech, paragraph and sentence cues, 预计), and a figure nothing
places is left out with a warning, never given a kind by default."""

from __future__ import annotations

from chaoyang_extract.extract import extract_document
from chaoyang_extract.rulebook import load_rules

RULES = load_rules()


def rows(text: str, doc: str = "page") -> set[tuple[str, str, int | None, str, float]]:
    res = extract_document(RULES, text, doc)
    return {(r.indicator, r.kind, r.year, r.measure, r.value) for r in res.records}


# A news write-up as portals publish it: headline, dateline, no report headings, the
# review and the plan in reported speech.
NEWS = """某市十五届人大三次会议开幕
来源：某某日报 2019-01-22 20:09
1月21日上午，某市第十五届人民代表大会第三次会议开幕。市长某某作政府工作报告。某某在报告中说，过去的一年，全市上下攻坚克难。全市实现地区生产总值2100亿元，增长7.1%；一般公共预算收入150亿元，增长6%。
报告提出，今年全市经济社会发展的主要预期目标是：地区生产总值增长6.5%左右，固定资产投资增长8%。
"""


def test_heading_less_news_page_has_results_and_targets() -> None:
    got = rows(NEWS)
    assert ("gdp", "result", 2018, "level", 2100) in got
    assert ("gdp", "result", 2018, "growth", 7.1) in got
    assert ("general_budget_revenue", "result", 2018, "growth", 6) in got
    assert ("gdp", "target", 2019, "growth", 6.5) in got
    assert ("fixed_asset_investment", "target", 2019, "growth", 8) in got
    kinds = {k for _, k, _, _, _ in got}
    assert kinds == {"result", "target"}


def test_a_later_sentence_turns_the_period() -> None:
    # One paragraph: an opening sentence, then the review in reported speech, then the plan.
    text = (
        "2018年2月5日，某县第十七届人民代表大会第二次会议开幕。县长说，2017年，全县预计完成"
        "地区生产总值120亿元，增长8%。他指出，今年全县地区生产总值增长7.5%。\n"
    )
    got = rows(text)
    assert ("gdp", "result", 2017, "level", 120) in got
    assert ("gdp", "target", 2018, "growth", 7.5) in got


def test_estimated_figures_are_results_without_any_heading() -> None:
    # A digest with no year in its text: 预计 makes results, the file name gives the year.
    text = "工业经济健康发育。预计规上工业增加值增长8.5%。\n服务业提质增效，预计实现社会消费品零售总额670亿元、增长12%。\n"
    res = extract_document(RULES, text, "liuan_2019")
    got = {(r.indicator, r.kind, r.year, r.measure, r.value, r.estimated) for r in res.records}
    assert ("retail_sales", "result", 2018, "level", 670, True) in got
    assert ("industrial_value_added", "result", 2018, "growth", 8.5, True) in got
    assert any("file name" in w for w in res.warnings)


def test_unplaced_figures_are_left_out_with_one_warning() -> None:
    text = "全市地区生产总值增长7%，固定资产投资增长10%。\n"
    res = extract_document(RULES, text, "x")
    assert res.records == []
    unplaced = [w for w in res.warnings if "left out" in w]
    assert len(unplaced) == 1
    assert unplaced[0].startswith("2 figure(s)")


def test_junk_after_a_plan_heading_keeps_targets_targets() -> None:
    text = (
        "2016年工作回顾2uD\n全市地区生产总值增长5%。\n"
        "2017年工作安排?\n全市地区生产总值增长6.5%左右。\n"
    )
    got = rows(text)
    assert ("gdp", "result", 2016, "growth", 5) in got
    assert ("gdp", "target", 2017, "growth", 6.5) in got
    assert not any(k == "result" and v == 6.5 for _, k, _, _, v in got)


def test_one_combined_income_figure_is_all_residents() -> None:
    text = "2018年工作回顾\n城乡居民人均可支配收入16491元，增长9.5%。\n城乡居民人均可支配收入均增长8%。\n"
    got = rows(text)
    assert ("disposable_income", "result", 2018, "level", 16491) in got
    assert ("disposable_income", "result", 2018, "growth", 9.5) in got
    assert ("urban_disposable_income", "result", 2018, "growth", 8) in got
    assert ("rural_disposable_income", "result", 2018, "growth", 8) in got
