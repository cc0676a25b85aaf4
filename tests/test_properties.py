"""Properties that hold for any input: extraction never raises, and every row it gives is
sound (its quote is the text at its offsets, its numbers finite, its years plausible)."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaoyang_extract.errors import InputError, RuleError
from chaoyang_extract.extract import extract_document
from chaoyang_extract.reading import decode_bytes
from chaoyang_extract.rulebook import collect_rules, load_rules
from chaoyang_extract.rulebook.schema import (
    EXAMPLE_KEYS,
    EXPECT_KEYS,
    INDICATOR_KEYS,
    PHRASING_KEYS,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "data" / "chaoyang_2017.txt").read_text(encoding="utf-8")
RULES = load_rules()
# Reports of the People's Republic, and plan horizons up to the end of the century.
FIRST_YEAR, LAST_YEAR = 1949, 2100

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sound(text: str) -> None:
    res = extract_document(RULES, text, "doc")
    if res.report_year is not None:
        assert FIRST_YEAR <= res.report_year <= LAST_YEAR
    for r in res.records:
        assert 0 <= r.start <= r.end <= len(text), r
        assert text[r.start : r.end] == r.quote, r
        assert r.line == text.count("\n", 0, r.start) + 1, r
        assert math.isfinite(r.value) and math.isfinite(r.value_std), r
        assert r.value_max is None or math.isfinite(r.value_max), r
        assert r.report_year is None or FIRST_YEAR <= r.report_year <= LAST_YEAR, r
        if r.year is not None:
            assert FIRST_YEAR <= r.year <= LAST_YEAR, r
            # Nothing is reported for a year before the one the report reviews.
            assert r.report_year is None or r.year >= r.report_year - 1, r
        assert r.indicator in RULES.indicators, r
        assert r.kind in ("result", "target"), r


# Pieces of report language, so that random text often reaches the matching code rather
# than being skipped as "no figure here".
WORDS = st.sampled_from(
    [
        *"0123456789.%，。、；：\n一二三四五六七八九十百千万亿元",
        "地区生产总值",
        "固定资产投资",
        "城乡居民人均可支配收入分别",
        "增长",
        "下降",
        "达到",
        "力争",
        "预计",
        "年均",
        "左右",
        "以上",
        "个百分点",
        "亿元",
        "2017年政府工作报告",
        "2016年工作回顾",
        "2017年工作安排",
        "十三五",
        "到2020年",
        "朝阳市",
        "（",
        "）",
        "\r\n",
        "\u3000",
    ]
)
REPORTISH = st.lists(st.one_of(WORDS, st.text(max_size=3)), max_size=80).map("".join)


@FAST
@given(st.one_of(st.text(), REPORTISH))
def test_any_text_extracts_soundly(text: str) -> None:
    assert_sound(text)


@st.composite
def mutated(draw: st.DrawFn, whole: bool) -> str:
    """The sample (or a slice of it) with characters deleted, doubled and swapped."""
    if whole:
        chars = list(SAMPLE)
    else:
        start = draw(st.integers(0, len(SAMPLE) - 1))
        chars = list(SAMPLE[start : start + draw(st.integers(1, 4000))])
    for _ in range(draw(st.integers(1, 60))):
        if len(chars) < 2:
            break
        i = draw(st.integers(0, len(chars) - 2))
        op = draw(st.sampled_from(("delete", "double", "swap")))
        if op == "delete":
            del chars[i]
        elif op == "double":
            chars.insert(i, chars[i])
        else:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


@FAST
@given(mutated(whole=False))
def test_mutated_slices_of_the_sample_extract_soundly(text: str) -> None:
    assert_sound(text)


@SLOW
@given(mutated(whole=True))
def test_mutated_sample_extracts_soundly(text: str) -> None:
    assert_sound(text)


def test_huge_numbers_never_become_infinite() -> None:
    text = (
        "2017年政府工作报告\n一、2016年工作回顾\n地区生产总值增长"
        + "9" * 400
        + "%，达到"
        + "9" * 20
        + "万亿元。\n"
    )
    assert_sound(text)


def test_an_absurd_explicit_year_gives_no_row() -> None:
    text = "朝阳市2017年政府工作报告\n一、2016年工作回顾\n9999年地区生产总值达到780亿元。\n"
    assert_sound(text)


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_give_an_input_error(data: bytes) -> None:
    try:
        text = decode_bytes(data, "x.txt")
    except InputError as e:
        assert e.path == "x.txt" and e.message
    else:
        assert isinstance(text, str)


# --------------------------------------------------------------------------- rule files

KEYS = sorted(
    {"indicators", "groups", "rules", "members", "id"}
    | INDICATOR_KEYS
    | PHRASING_KEYS
    | EXAMPLE_KEYS
    | EXPECT_KEYS
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=True),
    st.sampled_from(["gdp", "level", "growth", "元", "{NUM}", "(?P<values>{NUM}亿元)", "(", "x"]),
    st.text(max_size=8),
)
YAML_DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["indicators", "groups", "rules"]), YAML_DATA))
def test_any_rule_file_gives_problems_not_exceptions(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "user.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        rs, problems = collect_rules([path])
    assert all(isinstance(p, RuleError) and p.path for p in problems)
    assert rs is not None  # the built-in rules load whatever a user file holds
    if not problems:
        assert set(RULES.indicators) <= set(rs.indicators)


@pytest.mark.parametrize("digits", ["9" * 400, "1" * 16, "一" * 300, "十" * 60])
def test_numbers_too_long_to_be_figures_are_not_read(digits: str) -> None:
    from chaoyang_extract.numbers import parse_number

    assert parse_number(digits) is None
