"""Normalisation: what the clean text looks like, and that every offset leads back home."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chaoyang_extract.errors import RuleError
from chaoyang_extract.normalize import Normalized, chars, normalize
from chaoyang_extract.normalize import rules as normalize_rules
from chaoyang_extract.reading import read_document
from chaoyang_extract.resources import rules_dir

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "chaoyang_2017.txt"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_701aab45757f924d.txt"

# Characters the edit pass may put in place of a different input character.
_REPLACEMENTS = {
    "\r": "\n",
    ";": "“”；",
    ",": "，",
    "。": ".",  # a decimal point written as a full stop
}


def _simplified(ch: str) -> str:
    return str(chars.converter().convert(ch))


def assert_origin_exact(original: str, result: Normalized) -> None:
    """Every clean character comes from the input character its offset names."""
    text, origin = result.text, result.origin
    assert len(origin) == len(text) + 1
    assert origin[-1] == len(original)
    rules = normalize_rules.builtin_rules()
    previous = -1
    for i, ch in enumerate(text):
        at = origin[i]
        assert previous <= at < len(original), (i, at)
        previous = at
        source = original[at]
        mapped = source.translate(rules.table)
        allowed = {source, mapped, _simplified(source), _simplified(mapped)}
        allowed.update(_REPLACEMENTS.get(source, ""))
        if source.isspace():
            allowed.add(" ")
        if source == "&":  # an HTML entity, which may stand for any character
            allowed.add(ch)
        if source in rules.range_dashes or mapped in rules.range_dashes:
            allowed.add(rules.range_dash)
        assert ch in allowed, (i, ch, source, original[max(0, at - 10) : at + 10])


def clean(original: str) -> str:
    result = normalize(original)
    assert_origin_exact(original, result)
    return result.text


# --- characters -------------------------------------------------------------------------


def test_traditional_becomes_simplified() -> None:
    assert (
        clean("全市實現地區生產總值1360億元，增長9.4%") == "全市实现地区生产总值1360亿元，增长9.4%"
    )


def test_romanised_readings_are_removed() -> None:
    original = "現(xiàn)在，我代表市人民政府，向大會報(bào)告政府工作。經(jīng)濟(jì)運(yùn)行穩中有進(jìn)"
    assert clean(original) == "现在，我代表市人民政府，向大会报告政府工作。经济运行稳中有进"


def test_readings_in_full_width_brackets_and_tone_digits() -> None:
    assert clean("發（fā）展和經(jing1)濟") == "发展和经济"


def test_uppercase_and_ordinary_brackets_stay() -> None:
    assert clean("地区生产总值(GDP)1890亿元(预计)") == "地区生产总值（GDP）1890亿元（预计）"
    assert clean("分辨率(dpi)") == "分辨率（dpi）"


def test_full_width_digits_letters_and_signs() -> None:
    assert clean("增长６．５％") == "增长6.5%"
    assert clean("ＧＤＰ增长＋３％，ＣＰＩ") == "GDP增长+3%，CPI"


def test_ascii_punctuation_becomes_chinese() -> None:
    assert clean("各位代表:现在,我代表市政府(摘要);请审议!好吗?") == (
        "各位代表：现在，我代表市政府（摘要）；请审议！好吗？"
    )


def test_thousands_separators_are_dropped() -> None:
    assert clean("投资1,234,567万元") == "投资1234567万元"
    assert clean("分别上升3.7,200个") == "分别上升3.7，200个"
    assert clean("2016,2017年") == "2016，2017年"


def test_ranges_get_one_dash() -> None:
    assert clean("增长4.5%-5%") == "增长4.5%—5%"
    assert clean("增长5%～5.5%") == "增长5%—5.5%"
    assert (
        clean("2016~2020年，2021—2025年，2026－2030年") == "2016—2020年，2021—2025年，2026—2030年"
    )
    assert clean("增长-3%") == "增长-3%"
    assert clean("——2016年1月6日") == "——2016年1月6日"


def test_doubled_semicolons_are_quote_marks() -> None:
    assert clean("实现了;;十二五;;圆满收官、;;十三五;;良好开局。") == (
        "实现了“十二五”圆满收官、“十三五”良好开局。"
    )


def test_spaces_go_except_between_ascii_words_and_numbers() -> None:
    assert clean("一般预算收入 133.33亿元") == "一般预算收入133.33亿元"
    assert clean("分别达到 26900元和12100元") == "分别达到26900元和12100元"
    assert clean("　　一、2017年经济社会发展情况") == "一、2017年经济社会发展情况"
    assert clean("市长 龚\u00a0正\t") == "市长龚正"
    assert clean("2018-05-17  00:00 Hubei  Daily") == "2018—05—17 00：00 Hubei Daily"


def test_invisible_characters_and_entities() -> None:
    assert clean("生产\u200b总值&nbsp;增长&ldquo;6%&rdquo;") == "生产总值增长“6%”"


def test_crlf_and_cr_become_newlines() -> None:
    original = "各位代表：\r\n现在，我代表市人民政府。\r二、工作安排"
    result = normalize(original)
    assert result.text == "各位代表：\n现在，我代表市人民政府。\n二、工作安排"
    assert original[result.origin[result.text.index("\n")]] == "\r"
    assert_origin_exact(original, result)


# --- junk tokens ------------------------------------------------------------------------


def test_junk_tokens_at_line_ends_are_removed() -> None:
    original = (
        "━━2017年2月14日在汉中市第五届人民代表大会第一次会议上Sw7\n"
        "汉中市代市长方红卫Sw7\n"
        "各位代表:Sw7\n"
        "Sw7\n"
        "方红卫Sw7 各位代表:\n"
    )
    assert clean(original) == (
        "━━2017年2月14日在汉中市第五届人民代表大会第一次会议上\n"
        "汉中市代市长方红卫\n"
        "各位代表：\n"
        "方红卫各位代表："
    )


def test_real_tokens_are_kept() -> None:
    text = clean("加快建设5G\n入选国家4A\n举办G20\n达到2016")
    assert text == "加快建设5G\n入选国家4A\n举办G20\n达到2016"


def test_repeated_upper_case_tokens_are_junk() -> None:
    assert clean("第一段XY9\n第二段XY9\n第三段") == "第一段\n第二段\n第三段"


# --- lines ------------------------------------------------------------------------------

HANZHONG = (
    "现在,我代表市人民政府向大会作工作报告,请予审议,并请市政协委员和其他列\n"
    "席人员提出意见。Sw7\n"
    "一、过去六年工作回顾Sw7\n"
    "四届人大一次会议以来,在省委、省政府和市委的坚强领导下,全市上下围绕建设\n"
    "陕甘川毗邻地区经济强市、文化名市、宜居富裕城市目标,紧扣绿色循环、生态宜居战\n"
    "略定位,迎难而上、苦干实干,统筹推进稳增长、调结构、促改革、惠民生、防风险工\n"
    "作,圆满完成经济社会发展的各项目标任务,实现了;;十二五;;圆满收官、;;十三五;;\n"
    "良好开局。Sw7\n"
    "━━综合实力整体跃升。六年来,主要经济指标位于毗邻地区前列,增速稳居全省第\n"
    "一方阵。生产总值年均增长12.2%,2016年达到1156.49亿元,总量由全省第7进到第6位\n"
    ";规模以上工业总产值年均增长19.2%,2016年达到1145.07亿元;财政总收入年均增长\n"
    "15.2%、2016年达到105.67亿元,地方财政收入年均增长15.9%、2016年达到45.19亿元。\n"
    "Sw7\n"
    "━━产业结构不断优化。三次产业结构为17.8:42.8:39.4,一产占比较2010年下降3.\n"
    "9个百分点,二产、三产占比分别上升3.7、0.2个百分点。\n"
)


def test_hard_wrapped_paragraphs_are_joined() -> None:
    lines = clean(HANZHONG).split("\n")
    assert lines == [
        "现在，我代表市人民政府向大会作工作报告，请予审议，并请市政协委员和其他列席人员提出意见。",
        "一、过去六年工作回顾",
        "四届人大一次会议以来，在省委、省政府和市委的坚强领导下，全市上下围绕建设陕甘川毗邻地区"
        "经济强市、文化名市、宜居富裕城市目标，紧扣绿色循环、生态宜居战略定位，迎难而上、苦干"
        "实干，统筹推进稳增长、调结构、促改革、惠民生、防风险工作，圆满完成经济社会发展的各项"
        "目标任务，实现了“十二五”圆满收官、“十三五”良好开局。",
        "━━综合实力整体跃升。六年来，主要经济指标位于毗邻地区前列，增速稳居全省第一方阵。生产"
        "总值年均增长12.2%，2016年达到1156.49亿元，总量由全省第7进到第6位；规模以上工业总产值"
        "年均增长19.2%，2016年达到1145.07亿元；财政总收入年均增长15.2%、2016年达到105.67亿元，"
        "地方财政收入年均增长15.9%、2016年达到45.19亿元。",
        "━━产业结构不断优化。三次产业结构为17.8：42.8：39.4，一产占比较2010年下降3.9个百分点，"
        "二产、三产占比分别上升3.7、0.2个百分点。",
    ]


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_line_end_style_does_not_change_joining(line_end: str) -> None:
    original = HANZHONG.replace("\n", line_end)
    assert clean(original) == clean(HANZHONG)


def test_number_split_across_lines_maps_back_to_both_halves() -> None:
    original = "一产占比较2010年下降3.\n9个百分点，二产占比上升3.7个百分点。"
    result = normalize(original)
    assert result.text == "一产占比较2010年下降3.9个百分点，二产占比上升3.7个百分点。"
    start = result.text.index("3.9")
    quote_start, quote_end = result.span(start, start + 3)
    assert original[quote_start:quote_end] == "3.\n9"
    assert clean("三次产业结构为1.9:62.\n1:36") == "三次产业结构为1.9：62.1：36"


def test_short_lines_and_headings_stay_apart() -> None:
    page = "下载\n打印\n全屏\n【字号：\n加大\n还原\n减小\n】\n2026年北京市政府工作报告"
    assert clean(page).split("\n")[-1] == "2026年北京市政府工作报告"
    assert clean("下载\n打印\n全屏") == "下载\n打印\n全屏"
    heading = (
        "（一）全力促进经济平稳健康发展，推动京津冀协同发展走深走实\n稳增长政策措施加快落地见效。"
    )
    assert clean(heading) == heading


def test_headline_bullets_stay_apart() -> None:
    bullets = (
        "生产总值增长9%左右，规模以上工业增加值增长12%左右\n"
        "全社会固定资产投资增长12%左右\n"
        "城乡居民收入分别增长8.5%和9.3%左右\n"
        "城镇登记失业率、居民消费价格指数分别控制在3.9%和3%以内\n"
        "全年完成20万人、358个贫困村脱贫摘帽任务"
    )
    assert clean(bullets) == bullets


def test_sentence_broken_around_bold_words_is_rejoined() -> None:
    original = (
        "2026年是“十五五”第一年，开好局起好步十分重要。今年经济社会发展的\n"
        "主要预期目标\n"
        "是：地区生产总值增长4.5%—5%，在实际工作中全力争取更好结果。\n"
        "（一）久久为功推动粤港澳大湾区建设。"
    )
    assert clean(original) == (
        "2026年是“十五五”第一年，开好局起好步十分重要。今年经济社会发展的主要预期目标是："
        "地区生产总值增长4.5%—5%，在实际工作中全力争取更好结果。\n"
        "（一）久久为功推动粤港澳大湾区建设。"
    )


def test_indented_paragraphs_and_caption_are_not_joined() -> None:
    original = (
        "殷勇同志作政府工作报告。本报记者戴冰摄\n"
        "各位代表：\n"
        "　　现在，我代表北京市人民政府，向大会报告政府工作，请予审议，并请市政协委员提出\n"
        "　　意见。"
    )
    assert clean(original).split("\n") == [
        "殷勇同志作政府工作报告。本报记者戴冰摄",
        "各位代表：",
        "现在，我代表北京市人民政府，向大会报告政府工作，请予审议，并请市政协委员提出",
        "意见。",
    ]


def test_blank_lines_collapse() -> None:
    assert clean("\n\n一、工作回顾\n\n\n\n过去一年。\r\n\r\n") == "一、工作回顾\n过去一年。"
    assert clean("\n \n\u3000\n") == ""
    assert clean("") == ""


# --- spans and the origin map -------------------------------------------------------------


def test_span_of_a_match_quotes_the_input() -> None:
    original = "　　预计全年完成地區生產總值780億元，增長９．４％。"
    result = normalize(original)
    assert result.text == "预计全年完成地区生产总值780亿元，增长9.4%。"
    start = result.text.index("增长9.4%")
    begin, end = result.span(start, start + len("增长9.4%"))
    assert original[begin:end] == "增長９．４％"
    assert result.span(0, 0) == (2, 2)
    assert result.span(len(result.text), len(result.text)) == (len(original), len(original))
    with pytest.raises(IndexError):
        result.span(3, 2)


INTERESTING = st.sampled_from(
    list("現在經濟發展增长亿元，。；：、“”（）()\n\r \t\u3000\u00a0,;:.%-～—0123456789")
    + ["(xiàn)", "Sw7", ";;", "&nbsp;", "１２３", "ＧＤＰ", "\u200b", "１,234", "PM\n2.5"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(INTERESTING, st.text(max_size=5)), max_size=40).map("".join))
def test_origin_map_properties(original: str) -> None:
    result = normalize(original)
    text, origin = result.text, result.origin
    assert len(origin) == len(text) + 1
    assert origin[-1] == len(original)
    assert all(0 <= origin[i] < len(original) for i in range(len(text)))
    assert all(origin[i] <= origin[i + 1] for i in range(len(text)))
    assert "\r" not in text and "\u3000" not in text and "\n\n" not in text
    assert not text.startswith("\n") and not text.endswith("\n")


@settings(max_examples=200, deadline=None)
@given(st.lists(INTERESTING, max_size=60).map("".join), st.data())
def test_spans_cover_their_sources(original: str, data: st.DataObject) -> None:
    result = normalize(original)
    assert_origin_exact(original, result)
    size = len(result.text)
    start = data.draw(st.integers(0, size))
    end = data.draw(st.integers(start, size))
    begin, finish = result.span(start, end)
    assert 0 <= begin <= finish <= len(original)
    for i in range(start, end):
        assert begin <= result.origin[i] < finish


def test_entity_for_two_characters_maps_both_to_the_ampersand() -> None:
    original = "增长&acE;5%，&lt;6"
    result = normalize(original)
    assert result.text == "增长\u223e\u03335%，<6"
    assert list(result.origin) == [0, 1, 2, 2, 7, 8, 9, 10, 14, 15]


TRADITIONAL = st.sampled_from(
    list("乾隆後來發展經濟現在們於計劃，。\n\r 　;,0123456789") + ["\n\n", "(xiàn)", "Sw7\n"]
)


def _same(a: Normalized, b: Normalized) -> bool:
    return a.text == b.text and list(a.origin) == list(b.origin)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(TRADITIONAL, INTERESTING), max_size=60).map("".join))
def test_blocks_give_the_result_of_one_pass(original: str) -> None:
    # Pass 1 works on blocks cut at line breaks; any cut must give what one pass gives.
    whole = normalize(original)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(chars, "_BLOCK", 3)
        assert _same(normalize(original), whole)


class _LineEatingConverter:
    """OpenCC as it is, but losing a line break in any text that has 发."""

    def __init__(self) -> None:
        self.real = chars.converter()

    def convert(self, text: str) -> str:
        converted = str(self.real.convert(text))
        return converted.replace("\n", "", 1) if len(text) > 1 and "發" in text else converted


def test_a_lost_line_break_converts_the_whole_text_char_by_char(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As a single pass would: one block that OpenCC garbles sends every block, even one
    # without 發, to the character-by-character path, which leaves 乾隆 one-for-one.
    original = "乾隆年間\n" * 4 + "發展經濟\n"
    monkeypatch.setattr(chars, "_CONVERTER", _LineEatingConverter())
    whole = normalize(original)
    assert whole.text == "干隆年间\n干隆年间\n干隆年间\n干隆年间\n发展经济"
    monkeypatch.setattr(chars, "_BLOCK", 2)
    assert _same(normalize(original), whole)


def test_a_long_report_is_normalised_in_little_memory() -> None:
    # A report of 2 million characters (2 bytes each, being Chinese).  Besides the input,
    # normalize needs at most the lines of the edited text, the result and the offset
    # map (4 bytes a character): about 4x.  Whole-text OpenCC, a second map or a cache
    # kept between calls would each show here.
    original = SAMPLE.read_text(encoding="utf-8") * 160
    size = 2 * len(original)
    normalize(original[:1000])  # load rules, OpenCC and numpy outside the measurement
    tracemalloc.start()
    try:
        result = normalize(original)
        _, peak = tracemalloc.get_traced_memory()
        del result
        left, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5.5 * size, f"peak {peak / size:.1f}x the text"
    assert left < 0.2 * size, f"{left / size:.1f}x the text left after the result is gone"


# --- whole documents --------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_documents_map_back_exactly() -> None:
    for path in sorted(CORPUS.glob("*/*.txt")):
        original = read_document(path)
        result = normalize(original)
        assert_origin_exact(original, result)
        assert "\r" not in result.text and "\u3000" not in result.text
        assert "Sw7" not in result.text and "(xiàn)" not in result.text


# --- rules file ---------------------------------------------------------------------------


def test_rules_dir_holds_the_normalize_rules() -> None:
    assert (rules_dir() / "normalize.yaml").is_file()


def test_broken_rules_file_is_a_rule_error(tmp_path: Path) -> None:
    bad = tmp_path / "normalize.yaml"
    bad.write_text("sentence_final: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleError):
        normalize_rules.load_rules(bad)
    good = (rules_dir() / "normalize.yaml").read_text(encoding="utf-8")
    bad.write_text(good.replace('range_dash: "—"', "range_dash: 3"), encoding="utf-8")
    with pytest.raises(RuleError, match="range_dash"):
        normalize_rules.load_rules(bad)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("增长11。8%", "增长11.8%"),
        ("投资698。03亿元", "投资698.03亿元"),
        ("出口1。97亿美元", "出口1.97亿美元"),
        # A sentence that ends on a number keeps its stop before a year or a word.
        ("排名第3。2016年，全市", "排名第3。2016年，全市"),
        ("增长8%。3个项目", "增长8%。3个项目"),
        # A ratio ends its sentence: 2.27:1。15个项目 is not 1.15个.
        ("缩小至2.27:1。15个承接产业转移项目", "缩小至2.27：1。15个承接产业转移项目"),
    ],
)
def test_decimal_point_written_as_a_full_stop(raw: str, clean: str) -> None:
    out = normalize(raw)
    assert out.text == clean
    assert len(out.text) == len(raw)


def test_care_of_sign_is_a_percent() -> None:
    assert normalize("同比增长15℅").text == "同比增长15%"
