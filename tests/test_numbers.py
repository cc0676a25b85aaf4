"""Number and unit parsing: a table of the ways reports write figures."""

from __future__ import annotations

import pytest

from chaoyang_extract.numbers import parse_number, standardize, unit_info


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("780", 780.0),
        ("5.25", 5.25),
        ("0.4", 0.4),
        ("13697.5", 13697.5),
        ("1,234.5", 1234.5),
        ("两", 2.0),
        ("三", 3.0),
        ("十", 10.0),
        ("十二", 12.0),
        ("三十二", 32.0),
        ("一百二十", 120.0),
        ("一千零五", 1005.0),
        ("一点五", 1.5),
        ("", None),
        ("abc", None),
        ("1.2.3", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("value", "unit", "std", "unit_std"),
    [
        (780, "亿元", 7.8e10, "CNY"),
        (5.2, "万亿元", 5.2e12, "CNY"),
        (1.39, "万亿元", 1.39e12, "CNY"),
        (22500, "元", 22500, "CNY"),
        (5.4, "万元", 54000, "CNY"),
        (6.3, "亿美元", 6.3e8, "USD"),
        (6.5, "%", 6.5, "%"),
        (4, "个百分点", 4, "pp"),
        (5.25, "万人", 52500, "person"),
        (28, "万人", 280000, "person"),
        (97, "个", 97, "unit"),
        (25, "亿公斤", 2.5e9, "kg"),
        (1350.97, "亿斤", 6.75485e10, "kg"),
        (1300, "万吨", 1.3e10, "kg"),
        (3, "万户", 30000, "household"),
        (24.9, "万亩", 249000, "mu"),
    ],
)
def test_standardize(value: float, unit: str, std: float, unit_std: str) -> None:
    got, got_unit = standardize(value, unit)
    assert got_unit == unit_std
    assert got == pytest.approx(std, rel=1e-12)


def test_unknown_unit_is_kept_as_written() -> None:
    assert unit_info("立方米每秒") is None
    assert standardize(3.0, "立方米每秒") == (3.0, "立方米每秒")


def test_longest_scale_wins() -> None:
    info = unit_info("万亿元")
    assert info is not None
    assert info.factor == 1e12
