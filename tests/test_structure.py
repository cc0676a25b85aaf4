"""Tests for chaoyang_extract.structure: report year, region and period sections.

The input of ``analyze`` is normalised text. These tests simulate normalisation crudely
(OpenCC t2s, no spaces, Chinese punctuation) so that they do not depend on normalize.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chaoyang_extract import resources, structure
from chaoyang_extract.normalize import normalize
from chaoyang_extract.reading import read_document
from chaoyang_extract.structure import (
    PERIODS,
    Section,
    Structure,
    analyze,
    evidence,
    headings,
    rulefile,
    year_rules,
)

# --------------------------------------------------------------------------- helpers

try:
    import opencc

    _T2S = opencc.OpenCC("t2s")

    def _t2s(s: str) -> str:
        return str(_T2S.convert(s))

except ImportError:  # pragma: no cover - OpenCC is a project dependency

    def _t2s(s: str) -> str:
        return s


_PUNCT = str.maketrans(
    {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？", "━": "—"}
)


def norm(s: str) -> str:
    """A crude stand-in for normalize.py: what the structure package may assume about its input."""
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _t2s(s)
    s = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in s)
    for ch in (" ", "\u3000", "\t", "\xa0"):
        s = s.replace(ch, "")
    return s.translate(_PUNCT)


def periods_of(st_: Structure, text: str, needle: str) -> list[str]:
    out = []
    i = text.find(needle)
    while i >= 0:
        out.append(st_.at(i).period)
        i = text.find(needle, i + 1)
    assert out, f"{needle!r} not in text"
    return out


def period_at(st_: Structure, text: str, needle: str) -> str:
    i = text.find(needle)
    assert i >= 0, f"{needle!r} not in text"
    return st_.at(i).period


def check_invariants(st_: Structure, text: str) -> None:
    secs = st_.sections
    assert secs, "at least one section"
    assert secs[0].start == 0
    assert secs[-1].end == len(text)
    for a, b in zip(secs, secs[1:], strict=False):
        assert a.end == b.start
        assert (a.path, a.period) != (b.path, b.period), "neighbours are merged"
    for s in secs:
        assert s.period in PERIODS
        assert s.start < s.end or len(text) == 0
        assert st_.at(s.start) is s
        assert st_.at(s.end - 1 if s.end > s.start else s.start) is s


# --------------------------------------------------------------------------- dev corpus


def _corpus_dir() -> Path | None:
    here = Path(__file__).resolve()
    candidates = [
        os.environ.get("CYX_CORPUS", ""),
        str(here.parents[1].parent / "shared" / "corpus"),
        str(here.parents[2] / "shared" / "corpus"),
        "/work/shared/corpus",
    ]
    for c in candidates:
        if c and (Path(c) / "dev").is_dir():
            return Path(c)
    return None


CORPUS = _corpus_dir()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="shared corpus not found")

DEV_EXPECTED = {
    "dev/beijing_2026": (2026, "北京市"),
    "dev/chaoyang_2017": (2017, "朝阳市"),
    "dev/gansu_2026": (2026, "甘肃省"),
    "dev/guangdong_2026": (2026, "广东省"),
    "dev/henan_2026": (2026, "河南省"),
    "dev/jilin_2026": (2026, "吉林省"),
    "dev/liaoning_2026": (2026, "辽宁省"),
    "dev/shanghai_2026": (2026, "上海市"),
    "dev/sichuan_2026": (2026, "四川省"),
    "dev-city/ankang_2018": (2018, "安康市"),
    "dev-city/hanzhong_2017": (2017, "汉中市"),
    "dev-city/huanggang_2018": (2018, "黄冈市"),
    "dev-city/maanshan_2016": (2016, "马鞍山市"),
    "dev-city/shangluo_2018": (2018, "商洛市"),
    "dev-city/wulian_2013": (2013, "五莲县"),
}


def _load(name: str) -> str:
    assert CORPUS is not None
    return norm((CORPUS / f"{name}.txt").read_text(encoding="utf-8"))


def _gold(name: str) -> Iterator[dict[str, object]]:
    assert CORPUS is not None
    folder, stem = name.split("/")
    path = CORPUS / folder / "gold" / f"{stem}.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


@needs_corpus
@pytest.mark.parametrize("name", sorted(DEV_EXPECTED))
def test_dev_year_region(name: str) -> None:
    text = _load(name)
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == DEV_EXPECTED[name]
    assert not any("year" in w for w in st_.warnings)
    check_invariants(st_, text)


@needs_corpus
@pytest.mark.parametrize("name", sorted(DEV_EXPECTED))
def test_dev_gold_quotes_in_right_period(name: str) -> None:
    text = _load(name)
    st_ = analyze(text)
    for rec in _gold(name):
        quote = norm(str(rec["quote"]))
        found = periods_of(st_, text, quote)
        # A quote may also occur elsewhere (a five-year target with the same wording);
        # one occurrence must stand where its kind belongs.
        want = {"review", "review_multi"} if rec["kind"] == "result" else {"plan"}
        assert want & set(found), (quote, rec["kind"], found)


@needs_corpus
def test_dev_chaoyang_paths() -> None:
    text = _load("dev/chaoyang_2017")
    st_ = analyze(text)
    sec = st_.at(text.index("五、竭尽所能惠民生") + 10)
    assert sec.path == "2016年工作回顾 > 五、竭尽所能惠民生"
    assert sec.period == "review"
    assert period_at(st_, text, "主要预期目标是") == "plan"
    assert period_at(st_, text, "六、加强政府自身建设") == "other"
    assert st_.at(0).period == "preamble"


@needs_corpus
def test_dev_mixed_part_is_split_by_paragraphs() -> None:
    text = _load("dev/liaoning_2026")
    st_ = analyze(text)
    assert period_at(st_, text, "二、“十五五”时期目标任务和2026年工作安排") == "plan_multi"
    assert period_at(st_, text, "今年是“十五五”开局之年") == "plan"
    assert period_at(st_, text, "（一）统筹促消费和扩投资") == "plan"
    assert period_at(st_, text, "三、全面加强政府自身建设") == "other"


@needs_corpus
def test_dev_five_year_parts() -> None:
    gansu = _load("dev/gansu_2026")
    st_ = analyze(gansu)
    assert period_at(st_, gansu, "“十四五”时期工作回顾") == "review_multi"
    assert period_at(st_, gansu, "刚刚过去的2025年") == "review"
    assert period_at(st_, gansu, "“十五五”时期的主要目标任务") == "plan_multi"
    assert period_at(st_, gansu, "2026年重点工作") == "plan"
    shanghai = _load("dev/shanghai_2026")
    st_ = analyze(shanghai)
    assert period_at(st_, shanghai, "二、关于《上海市国民经济") == "plan_multi"
    assert period_at(st_, shanghai, "四、深入推进政府治理创新") == "other"


@needs_corpus
def test_dev_news_writeups() -> None:
    text = _load("dev-city/huanggang_2018")
    st_ = analyze(text)
    assert period_at(st_, text, "2017年，预计全市实现") == "review"
    assert period_at(st_, text, "对2018年发展并未提出过高的预期目标") == "plan"
    assert period_at(st_, text, "荆楚网首页") == "preamble"
    text = _load("dev-city/wulian_2013")
    st_ = analyze(text)
    # A lead paragraph naming both years stays in the preamble.
    assert period_at(st_, text, "回顾了2012年的政府工作") == "preamble"
    assert period_at(st_, text, "经初步预计") == "review"
    assert period_at(st_, text, "2013年的主要预期目标是") == "plan"


# --------------------------------------------------------------------------- constructed

COUNTY_2005 = """二〇〇五年临朐县人民政府工作报告
——2005年1月18日在临朐县第十五届人民代表大会第三次会议上
县长 王某某
各位代表：
现在，我代表县人民政府向大会报告工作，请予审议。
一、二〇〇四年工作回顾
2004年，全县实现生产总值86.5亿元，增长15.2%；地方财政收入3.1亿元，增长18%。
（一）农业和农村经济稳步发展。粮食总产量达到45万吨。
（二）工业经济快速增长。规模以上工业增加值增长25%。
二、2005年工作安排
2005年全县经济社会发展的主要预期目标是：生产总值增长13%，地方财政收入增长15%。
（一）加快工业化进程。全年规模以上工业增加值增长20%。
（二）加强政府自身建设。
三、加强政府自身建设
转变政府职能，建设服务型政府。
"""


def test_county_2005_numbered() -> None:
    text = norm(COUNTY_2005)
    st_ = analyze(text)
    assert st_.report_year == 2005
    assert st_.region == "临朐县"
    assert st_.warnings == ()
    check_invariants(st_, text)
    assert period_at(st_, text, "生产总值86.5亿元") == "review"
    assert period_at(st_, text, "规模以上工业增加值增长25%") == "review"
    path = st_.at(text.index("增长25%")).path
    assert path == "一、二〇〇四年工作回顾 > （二）工业经济快速增长"
    assert period_at(st_, text, "生产总值增长13%") == "plan"
    assert period_at(st_, text, "全年规模以上工业增加值增长20%") == "plan"
    assert period_at(st_, text, "（二）加强政府自身建设") == "other"
    assert period_at(st_, text, "转变政府职能") == "other"


CITY_2013 = """各位代表：
现在，我代表铜陵市人民政府，向大会报告工作，请予审议。
一、过去五年工作回顾
过去五年，全市生产总值年均增长15%，2012年达到620亿元。
2012年，全市生产总值增长12%，财政收入增长10%。
五年来，我们坚持发展第一要务。
二、今后五年的主要目标任务
今后五年，全市生产总值年均增长10%以上，到2017年突破1000亿元。
三、2013年工作安排
今年经济社会发展的主要预期目标是：生产总值增长11%左右。
（一）着力扩大有效投资。全社会固定资产投资增长20%。
四、加强政府自身建设
"""


def test_city_2013_five_year_review_and_plan() -> None:
    text = norm(CITY_2013)
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2013, "铜陵市")
    check_invariants(st_, text)
    assert period_at(st_, text, "2012年达到620亿元") == "review_multi"
    # A paragraph about the past year inside a five-year review is that year's review.
    assert period_at(st_, text, "全市生产总值增长12%") == "review"
    assert period_at(st_, text, "五年来，我们") == "review_multi"
    assert period_at(st_, text, "到2017年突破1000亿元") == "plan_multi"
    assert period_at(st_, text, "生产总值增长11%左右") == "plan"
    assert period_at(st_, text, "固定资产投资增长20%") == "plan"
    assert period_at(st_, text, "四、加强政府自身建设") == "other"


PROVINCE_2021 = """2021年湖南省政府工作报告
——2021年1月31日在湖南省第十三届人民代表大会第五次会议上
湖南省省长 毛伟明
各位代表：
现在，我代表省人民政府，向大会报告工作，请予审议。
一、2020年和“十三五”时期工作回顾
“十三五”时期，全省地区生产总值年均增长7.3%。
2020年，全省地区生产总值41781.5亿元，增长3.8%。
（五）科学编制“十四五”规划。广泛征求意见，形成规划纲要草案。
二、“十四五”时期主要目标任务
“十四五”时期，全省经济年均增长6.5%左右。
到2035年，基本实现社会主义现代化。
三、2021年工作安排
今年全省经济社会发展的主要预期目标是：地区生产总值增长6.5%以上。
（一）加快构建现代产业体系。
到2025年，数字经济规模突破1万亿元。
全年规模以上工业增加值增长7%左右。
（二）持续加强政府自身建设。
"""


def test_province_2021_five_year_plans_by_year() -> None:
    text = norm(PROVINCE_2021)
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2021, "湖南省")
    check_invariants(st_, text)
    assert period_at(st_, text, "41781.5亿元") == "review"
    assert period_at(st_, text, "年均增长7.3%") == "review_multi"
    # A review sub-heading that mentions the next plan still reviews.
    assert period_at(st_, text, "形成规划纲要草案") == "review"
    # 十四五 is the plan in 2021 (it is the review in 2026).
    assert period_at(st_, text, "二、“十四五”时期主要目标任务") == "plan_multi"
    assert period_at(st_, text, "全省经济年均增长6.5%左右") == "plan_multi"
    assert period_at(st_, text, "地区生产总值增长6.5%以上") == "plan"
    # A paragraph aiming at a later year inside the annual plan is five-year talk, for
    # itself only: the next paragraph is the annual plan again.
    assert period_at(st_, text, "数字经济规模突破1万亿元") == "plan_multi"
    assert period_at(st_, text, "全年规模以上工业增加值增长7%左右") == "plan"
    assert period_at(st_, text, "（二）持续加强政府自身建设") == "other"


def test_same_five_year_plan_is_review_five_years_later() -> None:
    text = norm(
        "——2026年1月20日在湖南省第十四届人民代表大会第五次会议上\n"
        "一、“十四五”时期工作回顾\n“十四五”时期，全省地区生产总值年均增长5.5%。\n"
        "二、“十五五”时期主要目标任务\n“十五五”时期，全省经济年均增长5%左右。\n"
        "三、2026年工作安排\n今年地区生产总值增长5%左右。\n"
    )
    st_ = analyze(text)
    assert st_.report_year == 2026
    assert period_at(st_, text, "年均增长5.5%") == "review_multi"
    assert period_at(st_, text, "年均增长5%左右") == "plan_multi"
    assert period_at(st_, text, "今年地区生产总值增长5%左右") == "plan"


UNNUMBERED_2021 = """各位代表：
现在，我代表宜宾市人民政府向大会报告工作，请予审议。
2020年工作回顾
一年来，全市地区生产总值增长4%。
一、全力以赴稳增长
固定资产投资增长11%。
二、加强政府自身建设
政府系统党风廉政建设持续加强。
2021年主要工作
2021年全市经济社会发展主要预期目标是：地区生产总值增长8%左右。
一、坚定不移扩内需
全年固定资产投资增长9%。
二、加强政府自身建设
"""


def test_unnumbered_parts_with_numbered_subsections() -> None:
    text = norm(UNNUMBERED_2021)
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2021, "宜宾市")
    check_invariants(st_, text)
    sec = st_.at(text.index("固定资产投资增长11%"))
    assert (sec.path, sec.period) == ("2020年工作回顾 > 一、全力以赴稳增长", "review")
    # Government self-building reviewed for last year is still the review.
    assert period_at(st_, text, "政府系统党风廉政建设") == "review"
    sec = st_.at(text.index("全年固定资产投资增长9%"))
    assert (sec.path, sec.period) == ("2021年主要工作 > 一、坚定不移扩内需", "plan")
    assert st_.at(len(text) - 2).period == "other"


def test_main_work_heading_for_last_year_is_review() -> None:
    text = norm(
        "——2022年2月16日在南充市第八届人民代表大会第一次会议上\n"
        "一、2021年主要工作\n全市地区生产总值增长8.3%。\n"
        "二、2022年工作安排\n地区生产总值增长7%左右。\n"
    )
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2022, "南充市")
    assert period_at(st_, text, "增长8.3%") == "review"
    assert period_at(st_, text, "增长7%左右") == "plan"


NEWS_2010 = """新华网消息 发布时间:2010-01-25
1月23日，在郴州市第三届人民代表大会第五次会议上，市长向大会作政府工作报告，回顾了2009年的政府工作，提出了2010年的目标任务。
报告指出，2009年全市实现地区生产总值810亿元，增长13.8%。
报告对成绩的评价是“来之不易”。
报告提出，2010年全市主要预期目标是：地区生产总值增长12%左右。
据介绍，这些目标与“十二五”规划相衔接。
"""


def test_news_writeup_without_headings() -> None:
    text = norm(NEWS_2010)
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2010, "郴州市")
    check_invariants(st_, text)
    assert period_at(st_, text, "回顾了2009年") == "preamble"
    assert period_at(st_, text, "地区生产总值810亿元") == "review"
    assert period_at(st_, text, "来之不易") == "review"  # a news flow keeps its period
    assert period_at(st_, text, "增长12%左右") == "plan"


def test_news_writeup_traditional_headline_bullets() -> None:
    raw = (
        "|\n回顧2011年\n生產總值增長12%，規模以上工業增加值增長18%\n"
        "展望2012年\n生產總值增長11%左右\n城鎮登記失業率控制在4.5%以內\n導讀\n"
        "本報訊 2月20日，延邊朝鮮族自治州第十四屆人民代表大會第一次會議開幕。\n"
    )
    text = norm(raw)
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2012, "延边朝鲜族自治州")
    check_invariants(st_, text)
    assert period_at(st_, text, "增长18%") == "review"
    assert period_at(st_, text, "增长11%左右") == "plan"
    assert period_at(st_, text, "控制在4.5%以内") == "plan"


def test_news_planned_year_phrase() -> None:
    text = norm(
        "近日，达拉特旗第十七届人民代表大会第三次会议召开。\n"
        "2014年的主要预期目标是：地区生产总值增长10%，固定资产投资增长15%。\n"
    )
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2014, "达拉特旗")
    assert period_at(st_, text, "增长10%") == "plan"


def test_mixed_heading_split_by_paragraphs() -> None:
    text = norm(
        "2026年青海省政府工作报告\n"
        "一、2025年和“十四五”时期工作回顾\n全省生产总值增长5.1%。\n"
        "二、“十五五”时期目标任务和2026年工作安排\n"
        "“十五五”时期，全省经济年均增长5%左右。\n"
        "到2030年，城镇化率达到65%。\n"
        "今年是“十五五”开局之年。主要预期目标是：生产总值增长5%左右。\n"
        "确定这样的目标，兼顾了需要与可能。\n"
        "（一）扩大有效投资。固定资产投资增长4%。\n"
        "三、全面加强政府自身建设\n"
    )
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2026, "青海省")
    check_invariants(st_, text)
    assert period_at(st_, text, "增长5.1%") == "review"
    assert period_at(st_, text, "二、“十五五”时期目标任务") == "plan_multi"
    assert period_at(st_, text, "年均增长5%左右") == "plan_multi"
    assert period_at(st_, text, "城镇化率达到65%") == "plan_multi"
    assert period_at(st_, text, "生产总值增长5%左右。") == "plan"
    assert period_at(st_, text, "兼顾了需要与可能") == "plan"
    assert period_at(st_, text, "固定资产投资增长4%") == "plan"
    assert period_at(st_, text, "三、全面加强政府自身建设") == "other"


def test_five_year_review_and_plan_heading_mix() -> None:
    text = norm(
        "——2026年1月25日在北京市第十六届人民代表大会第四次会议上\n"
        "一、2025年工作回顾\n全市地区生产总值增长5.4%。\n"
        "二、“十四五”时期发展成就和“十五五”时期主要目标任务\n"
        "“十四五”时期，全市地区生产总值连跨两个万亿元台阶。\n"
        "“十五五”时期，全市经济年均增长5%左右。\n"
        "三、2026年重点工作\n今年地区生产总值增长5%左右。\n"
    )
    st_ = analyze(text)
    assert period_at(st_, text, "连跨两个万亿元台阶") == "review_multi"
    assert period_at(st_, text, "年均增长5%左右") == "plan_multi"
    assert period_at(st_, text, "今年地区生产总值增长5%左右") == "plan"


def test_december_session_plans_next_year() -> None:
    text = norm(
        "——2012年12月28日在五河县第十六届人民代表大会第二次会议上\n各位代表：\n"
        "一、过去一年的工作\n全县生产总值增长13%。\n二、今年的目标任务\n全县生产总值增长12%。\n"
    )
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2013, "五河县")
    assert period_at(st_, text, "增长13%") == "review"
    assert period_at(st_, text, "增长12%") == "plan"


def test_chinese_numeral_delivery_date() -> None:
    text = norm("——二〇一九年一月二十七日在甘肃省第十三届人民代表大会第二次会议上\n")
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2019, "甘肃省")


def test_year_not_found_and_conflicting_datelines() -> None:
    text = norm(
        "各位代表：\n我代表县人民政府报告工作。\n全县实现生产总值增长10%。\n"
        "时间：2026-02-01 发布时间:2018-05-17\n2016年GDP在全省位居第五。\n"
    )
    st_ = analyze(text)
    # Two page dates of equal weight: no year is guessed, and the warning says why.
    assert st_.report_year is None
    assert any("2018, 2026 equally" in w for w in st_.warnings)
    assert st_.region is None  # 我代表县人民政府 names no county
    check_invariants(st_, text)
    # The file name breaks the tie only for a year the text names...
    assert analyze(text, name="report_2018").report_year == 2018
    assert analyze(text, name="report_2017").report_year is None
    # ...and decides alone only when the text names no year at all.
    bare = norm("各位代表：\n全县实现生产总值增长10%。\n")
    assert analyze(bare).report_year is None
    st_ = analyze(bare, name="xx县_2015")
    assert st_.report_year == 2015
    assert any("file name" in w for w in st_.warnings)


@pytest.mark.parametrize(
    ("line", "year"),
    [
        ("来源：中国日报网 2017-03-22 13:26:03 分享", 2017),
        ("发布时间：2017-01-14", 2017),
        ("2015年02月27日 17:34 来源：四川在线", 2015),
        # A December session plans the next year.
        ("2018-12-26 09:00", 2019),
        # A page touched in summer is a repost, and an update time is no session date.
        ("2018-09-15 22:59", None),
        ("更新时间：2018-03-15", None),
    ],
)
def test_news_datelines_are_year_evidence(line: str, year: int | None) -> None:
    # The real normaliser: it turns a date's dashes into range dashes.
    assert analyze(normalize(f"{line}\n全市生产总值增长7%。\n").text).report_year == year


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("都在2015年4月27日的镇安县政府工作报告中做了部署。", 2015),
        ("2017年4月22日，湖州市第八届人民代表大会第一次会议开幕。", 2017),
        ("2020年是全面建成小康社会和“十三五”规划收官之年。", 2020),
        ("县长说，基本完成了“十三五”规划目标任务。", 2021),
        ("审查了关于2014年计划执行情况与2015年计划草案的报告。", 2015),
        ("胡衡华指出，2015年政府工作的总体要求是：稳中求进。", 2015),
        ("市长在报告中称，2017年将全面做好稳增长等工作。", 2017),
        ("市长说，2014年，全市上下科学应对，预计完成地区生产总值7810亿元。", 2015),
        # said only of a year that is over
        ("黄奇帆说，2012年是重庆发展进程中极不平凡的一年。", 2013),
        ("2019年是极不寻常的一年，全县上下攻坚克难。", 2020),
        # A plan paragraph that opens on this year is no review of it.
        ("2016年，全市将力争实现地区生产总值增长7%。", None),
    ],
)
def test_report_year_from_phrases(text: str, year: int | None) -> None:
    assert analyze(normalize(text + "\n").text).report_year == year


def test_overrides() -> None:
    text = norm(CITY_2013)
    st_ = analyze(text, year=2013, region="某市")
    assert (st_.report_year, st_.region) == (2013, "某市")
    # Periods follow the given year: with 2014, "2013年工作安排" reviews the year before.
    st_ = analyze(text, year=2014)
    assert st_.report_year == 2014
    assert period_at(st_, text, "三、2013年工作安排") == "review"


def test_empty_text() -> None:
    st_ = analyze("")
    assert st_.sections == (Section(0, 0, "", "preamble"),)
    assert st_.at(0).period == "preamble"
    assert "report year not found" in st_.warnings
    with pytest.raises(IndexError):
        st_.at(1)


def test_at_bounds() -> None:
    text = norm(CITY_2013)
    st_ = analyze(text)
    assert st_.at(len(text)) is st_.sections[-1]
    with pytest.raises(IndexError):
        st_.at(-1)
    with pytest.raises(IndexError):
        st_.at(len(text) + 1)


@pytest.mark.parametrize(
    ("line", "region"),
    [
        ("现在，我代表朝阳市人民政府向大会报告工作", "朝阳市"),
        ("——2026年1月27日在辽宁省第十四届人民代表大会第五次会议上", "辽宁省"),
        ("——2016年1月6日在馬鞍山市第十五屆人民代表大會第五次會議上", "马鞍山市"),
        ("（陕西省）2017年汉中市人民政府工作报告（全文）", "汉中市"),
        ("近日，在日照市五莲县第十七届人民代表大会第二次会议上", "五莲县"),
        ("2月25日，商洛市第四屆人民代表大會第三次會議開幕", "商洛市"),
        ("安康市2018年政府工作报告（摘要）", "安康市"),
        ("2026年辽宁省政府工作报告", "辽宁省"),
        ("——2023年1月12日在内蒙古自治区第十四届人民代表大会第一次会议上", "内蒙古自治区"),
        ("——2021年1月20日在广西壮族自治区第十三届人民代表大会第四次会议上", "广西壮族自治区"),
        ("——2019年1月8日在深圳市福田区第七届人民代表大会第四次会议上", "福田区"),
        ("——2018年1月9日在阿拉善盟第八届人民代表大会第一次会议上", "阿拉善盟"),
        ("——2017年2月8日在广州市第十五届人民代表大会第一次会议上", "广州市"),
        ("——2020年1月8日在济南市第十七届人民代表大会第四次会议上", "济南市"),
        ("2024年长阳土家族自治县人民政府工作报告", "长阳土家族自治县"),
        ("上海市浦东新区2019年政府工作报告", "浦东新区"),
        ("广东省省长 孟凡利", "广东省"),
        ("五莲县县长杜江涛作政府工作报告", "五莲县"),
        ("现在，我代表省人民政府，向大会报告工作", None),
        ("全市上下共同努力，全县人民团结奋斗", None),
    ],
)
def test_region_wording(line: str, region: str | None) -> None:
    assert analyze(norm(line)).region == region


def test_region_prefers_the_reporting_jurisdiction() -> None:
    text = norm(
        "（湖北省）2018年黄冈市人民政府工作报告\n"
        "湖北省省长王晓东来我市调研。\n"
        "现在，我代表黄冈市人民政府向大会报告工作。\n"
    )
    assert analyze(text).region == "黄冈市"


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2026年辽宁省政府工作报告", 2026),
        ("——2026年1月27日在辽宁省第十四届人民代表大会第五次会议上", 2026),
        ("2016年工作回顾\n刚刚过去的一年", 2017),
        ("2017年工作安排\n今年", 2017),
        ("一、2025年和“十四五”时期工作回顾\n一年来", 2026),
        ("回顾2017年\n生产总值增长9.5%\n展望2018年\n生产总值增长9%左右", 2018),
        ("会上回顾了2012年的政府工作，也提出了2013年的政府工作目标。", 2013),
        ("黄冈市对2018年发展并未提出过高的预期目标：GDP增长8%左右。", 2018),
        ("2013年的主要预期目标是：生产总值增长13%。", 2013),
        ("一、二〇〇四年工作回顾\n二、二〇〇五年工作安排", 2005),
        ("1999年工作回顾\n2000年工作安排", 2000),
        ("2034年工作回顾", 2035),
        ("一、过去一年工作回顾\n二、2019年主要目标任务", 2019),
        ("（2015年1月20日）\n一、过去一年的工作", 2015),
        ("（2014年12月26日）\n一、过去一年的工作", 2015),
    ],
)
def test_year_wording(text: str, year: int) -> None:
    assert analyze(norm(text)).report_year == year


def test_year_ignores_noise() -> None:
    text = norm(
        "发布时间:2018-05-17\n时间：2026-02-01\n2016年GDP在武汉、宜昌之后位居第五。\n"
        "圆满完成了2017年主要预期目标。\n2018年政府工作报告\n"
    )
    st_ = analyze(text)
    assert st_.report_year == 2018


def test_conflicting_year_evidence_is_reported() -> None:
    text = norm("2016年工作回顾\n2019年工作安排\n")
    st_ = analyze(text)
    # Equal weight for 2017 and 2019: no year is guessed.
    assert st_.report_year is None
    assert any(w.startswith("report year not decided") for w in st_.warnings)
    text = norm("2016年工作回顾\n2019年工作安排\n2016年工作回顾\n")
    st_ = analyze(text)
    assert st_.report_year == 2017
    assert any(w.startswith("report year uncertain") for w in st_.warnings)


def test_rules_load_once_and_hold_the_wording() -> None:
    assert rulefile._rules() is rulefile._rules()
    raw = rulefile._rules().raw
    for key in ("year_evidence", "region_evidence", "headings", "heading_cues", "paragraph_cues"):
        assert key in raw
    # No heading or cue word is spelled in the code.
    source = "".join(
        p.read_text(encoding="utf-8") for p in Path(structure.__file__).parent.glob("*.py")
    )
    for word in ("工作回顾", "工作安排", "预期目标", "政府自身建设", "人民代表大会", "十五五"):
        assert word not in source


# --------------------------------------------------------------------------- properties

_PIECES = [
    "一、2025年工作回顾",
    "二、2026年工作安排",
    "（一）着力扩大内需",
    "1.持续抓好项目",
    "主要预期目标",
    "“十五五”时期主要目标任务",
    "三、加强政府自身建设",
    "回顾2017年",
    "展望2018年",
    "今年地区生产总值增长5%左右。",
    "过去五年，全市生产总值年均增长8%。",
    "2025年全市实现地区生产总值5000亿元。",
    "附件",
    "名词解释",
    "各位代表：",
    "",
    "——2026年1月27日在辽宁省第十四届人民代表大会第五次会议上",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), max_size=25))
def test_sections_always_cover_the_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    st_ = analyze(text)
    check_invariants(st_, text)


def test_headline_bullets_before_the_full_report() -> None:
    text = norm(
        "回顾2017年\n生产总值增长9.5%\n展望2018年\n生产总值增长9%左右\n"
        "——2018年2月25日在商洛市第四届人民代表大会第三次会议上\n"
        "一、2017年工作回顾\n全市生产总值增长9.5%。\n"
        "（一）经济运行稳中向好。规模以上工业增加值增长14.5%。\n"
        "二、2018年工作安排\n全市生产总值增长9%左右。\n"
        "（一）扩大有效投资。固定资产投资增长12%左右。\n"
    )
    st_ = analyze(text)
    assert (st_.report_year, st_.region) == (2018, "商洛市")
    check_invariants(st_, text)
    assert period_at(st_, text, "生产总值增长9%左右") == "plan"
    assert period_at(st_, text, "全市生产总值增长9.5%") == "review"
    assert period_at(st_, text, "规模以上工业增加值增长14.5%") == "review"
    sec = st_.at(text.index("固定资产投资增长12%左右"))
    assert (sec.path, sec.period) == ("二、2018年工作安排 > （一）扩大有效投资", "plan")


def test_plan_subsection_mentioning_last_year_stays_in_plan() -> None:
    text = norm(
        "2016年工作回顾\n全市生产总值增长7%。\n2017年工作安排\n"
        "一、巩固2016年发展成果\n全市生产总值增长6.5%。\n"
    )
    st_ = analyze(text)
    assert period_at(st_, text, "增长6.5%") == "plan"


def test_bad_rules_raise_rule_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chaoyang_extract.errors import RuleError

    good = (resources.rules_dir() / "structure.yaml").read_text(encoding="utf-8")
    bad = good.replace("patterns:\n      - '我代表", "patterns:\n      - '(unclosed我代表", 1)
    assert bad != good
    (tmp_path / "structure.yaml").write_text(bad, encoding="utf-8")
    monkeypatch.setattr(rulefile, "rules_dir", lambda: tmp_path)
    rulefile._rules.cache_clear()
    year_rules._year_rules.cache_clear()
    rulefile._min_paragraph.cache_clear()
    try:
        with pytest.raises(RuleError, match="structure.yaml"):
            analyze("2026年辽宁省政府工作报告")
        (tmp_path / "structure.yaml").write_text("years: [unclosed", encoding="utf-8")
        rulefile._rules.cache_clear()
        with pytest.raises(RuleError):
            analyze("")
    finally:
        monkeypatch.undo()
        rulefile._rules.cache_clear()
        year_rules._year_rules.cache_clear()
        rulefile._min_paragraph.cache_clear()
    assert analyze(norm("2026年辽宁省政府工作报告")).report_year == 2026


# (what to replace, its replacement, where the error stands: the line where this text
# starts, what the error says)
_BROKEN_RULES = {
    "unknown top-level key": ("years:\n", "yeers: 1\nyears:\n", "yeers:", "unknown key(s) 'yeers'"),
    "unknown heading key": (
        "  max_title: 60\n",
        "  max_title: 60\n  max_titel: 60\n",
        "  max_titel:",
        "headings: unknown key(s) 'max_titel'",
    ),
    "unknown evidence key": (
        "  - id: speaker\n",
        "  - id: speaker\n    wieght: 5\n",
        "    wieght:",
        "unknown key(s) 'wieght'",
    ),
    # A missing key is reported where the mapping that lacks it starts.
    "missing top-level key": (
        "\nfile_name_year:",
        "\n# file_name_year:",
        "version: 1",
        "missing key 'file_name_year'",
    ),
    "missing heading key": (
        "  max_title: 60\n",
        "",
        "  max_unnumbered:",
        "headings: missing key 'max_title'",
    ),
    "wrong type": (
        "  max_title: 60\n",
        "  max_title: sixty\n",
        "  max_title: sixty",
        "headings.max_title: expected a whole number",
    ),
    "wrong type in an evidence rule": (
        "ends_with: [人民代表大会, 人大]",
        "ends_with: 人大",
        "    ends_with: 人大",
        "expected a list",
    ),
    "bad heading prefix": ("  prefix: '^(?:", "  prefix: '^((?:", "  prefix:", "bad pattern"),
    "bad evidence pattern": (
        "patterns:\n      - '我代表",
        "patterns:\n      - '(unclosed我代表",
        "    patterns:\n      - '(unclosed",
        "bad pattern",
    ),
    "bad numbering pattern": (
        "pattern: '^{CNNUM}{1,3}[、．.]'",
        "pattern: '^({CNNUM}{1,3}[、．.]'",
        "    - {id: cn,",
        "bad pattern",
    ),
    "bad heading cue": (
        "strong: ['政府自身建设'",
        "strong: ['(政府自身建设'",
        "    strong: ['(政府自身建设'",
        "bad pattern",
    ),
    "bad paragraph cue": (
        "      - '一年来'\n      - '去年'\n",
        "      - '一年来'\n      - '(去年'\n",
        "    review:\n      - '(?:{Y1})年(?!{NOTTEXT})'",
        "bad pattern",
    ),
    "unknown placeholder": (
        "      - '展望(?:{Y})年'",
        "      - '展望(?:{Y0})年'",
        "    plan:\n      - '(?:{Y})年[^\\n。；]",
        "unknown placeholder {Y0}",
    ),
    "unknown paragraph period": (
        "  anywhere:\n    review:",
        "  anywhere:\n    reveiw:",
        "    reveiw:",
        "paragraph_cues.anywhere: unknown period 'reveiw'",
    ),
    "unknown heading period": (
        "  review_multi:\n    strong:",
        "  review_mult:\n    strong:",
        "  review_mult:",
        "heading_cues: unknown period 'review_mult'",
    ),
    "heading cues never read": (
        "  review_multi:\n    strong:",
        "  review_multi:\n    generic: [五年]\n    strong:",
        "    generic: [五年]",
        "review_multi is named by strong cues only",
    ),
    "empty end word": (
        "ends_with: [人民代表大会, 人大]",
        "ends_with: [人民代表大会, '']",
        "    ends_with: [人民代表大会, '']",
        "ends_with holds an empty word",
    ),
}


@pytest.mark.parametrize("case", list(_BROKEN_RULES))
def test_rule_errors_name_the_line(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chaoyang_extract.errors import RuleError

    old, new, at, says = _BROKEN_RULES[case]
    good = (resources.rules_dir() / "structure.yaml").read_text(encoding="utf-8")
    assert good.count(old) >= 1
    bad = good.replace(old, new, 1)
    assert bad.count(at) == 1, "the place of the error must be one place"
    line = bad[: bad.index(at)].count("\n") + 1
    path = tmp_path / "structure.yaml"
    path.write_text(bad, encoding="utf-8")
    monkeypatch.setattr(rulefile, "rules_dir", lambda: tmp_path)
    rulefile._rules.cache_clear()
    year_rules._year_rules.cache_clear()
    rulefile._min_paragraph.cache_clear()
    try:
        with pytest.raises(RuleError) as err:
            analyze("2026年辽宁省政府工作报告")
    finally:
        monkeypatch.undo()
        rulefile._rules.cache_clear()
        year_rules._year_rules.cache_clear()
        rulefile._min_paragraph.cache_clear()
    assert str(err.value).startswith(f"{path}:{line}: "), str(err.value)
    assert says in str(err.value)


def test_headline_bullets_are_not_headings() -> None:
    text = norm(
        "回顾2017年\n生产总值增长9.5%\n全面完成年度重点任务\n取得显著成就\n"
        "展望2018年\n生产总值增长9%左右\n扎实推进重点工作\n"
    )
    st_ = analyze(text)
    assert period_at(st_, text, "全面完成年度重点任务") == "review"
    assert period_at(st_, text, "取得显著成就") == "review"
    assert period_at(st_, text, "扎实推进重点工作") == "plan"
    assert [s.path for s in st_.sections] == ["回顾2017年", "展望2018年"]


# --------------------------------------------------------------------------- shortcuts
# The fast ways of trying evidence rules must find what a plain scan finds.

_REAL_TEXTS = [
    p
    for p in sorted(Path(__file__).parent.joinpath("corpus").rglob("*.txt"))
    + [resources.rules_dir().parent / "data" / "chaoyang_2017.txt"]
    if p.exists()
]


def _plain(ev: rulefile._Evidence, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in ev.pattern.finditer(text)]


def test_end_word_rules_find_what_a_scan_from_the_right_finds() -> None:
    rules = rulefile._rules()
    backward = [ev for ev in rules.year_evidence + rules.region_evidence if ev.ends_with]
    assert backward, "no rule uses ends_with: this test checks nothing"
    extra = "召开的朝阳市第十六届人民代表大会，市长李明、自治区主席张三、县长\n"
    found = 0
    for path in _REAL_TEXTS:
        text = normalize(read_document(path)).text + extra
        for ev in backward:
            want = _plain(ev, text)
            got = [m.span() for m in evidence._matches(ev, text, [])]
            assert got == want, (path.name, ev.rule_id)
            found += len(want)
    assert found > len(_REAL_TEXTS)  # the rules do match these texts


def test_word_ends_finds_every_word_end() -> None:
    text = "市长县长主席长人大人民代表大会大长市长"
    words = ("市长", "县长", "主席", "人大", "人民代表大会", "长")
    want = sorted({i + len(w) for w in words for i in range(len(text)) if text.startswith(w, i)})
    assert list(evidence._word_ends(words, text)) == want


@pytest.mark.parametrize(
    "line,title",
    [
        ("【回眸2017】", "回眸2017"),
        ("一、2025年工作回顾】】", "一、2025年工作回顾"),
        ("二、2026年工作安排？", "二、2026年工作安排"),
        ("三、中间】不算", "三、中间】不算"),
    ],
)
def test_heading_suffix_is_cut_from_the_end_only(line: str, title: str) -> None:
    found = headings._find_heading(line, rulefile._rules(), year_rules._year_rules(2026))
    assert found is not None and found[1] == title


def test_ends_with_needs_real_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chaoyang_extract.errors import RuleError

    good = (resources.rules_dir() / "structure.yaml").read_text(encoding="utf-8")
    bad = good.replace("ends_with: [人民代表大会, 人大]", "ends_with: [人民代表大会, '']", 1)
    assert bad != good
    (tmp_path / "structure.yaml").write_text(bad, encoding="utf-8")
    monkeypatch.setattr(rulefile, "rules_dir", lambda: tmp_path)
    rulefile._rules.cache_clear()
    try:
        with pytest.raises(RuleError, match="ends_with holds an empty word"):
            rulefile._rules()
    finally:
        monkeypatch.undo()
        rulefile._rules.cache_clear()
