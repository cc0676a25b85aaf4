"""The sample as real files come: traditional characters, full-width digits, GB18030 with
CRLF, hard-wrapped lines with junk tokens, web boilerplate. Each copy gives the same
figures (values, kinds, years, tiers) as the clean sample."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from chaoyang_extract.extract import extract_document
from chaoyang_extract.reading import decode_bytes, read_document
from chaoyang_extract.rulebook import load_rules

from .conftest import SAMPLE

RULES = load_rules()
Key = tuple[str, str, int | None, str, str, float, str | None, str | None, str]


def figures(text: str) -> set[Key]:
    res = extract_document(RULES, text, "doc")
    for r in res.records:
        assert text[r.start : r.end] == r.quote
    return {
        (r.indicator, r.kind, r.year, r.horizon, r.measure, r.value, r.tier, r.scope, r.bound)
        for r in res.records
    }


@pytest.fixture(scope="module")
def clean() -> set[Key]:
    got = figures(read_document(SAMPLE))
    assert len(got) > 30
    return got


def to_traditional(text: str) -> str:
    return str(opencc.OpenCC("s2t").convert(text))


def to_full_width(text: str) -> str:
    table = {ord(c): ord(c) + 0xFEE0 for c in "0123456789%."}
    return text.translate(table)


def hard_wrap(text: str, width: int = 38, junk: str = "Sw7") -> str:
    out = []
    for para in text.split("\n"):
        body = para.strip("\u3000 ")
        if len(body) <= width:
            out.append(para)
            continue
        lines = [body[i : i + width] for i in range(0, len(body), width)]
        lines[-1] += junk
        out.extend(lines)
    return "\n".join(out)


def in_boilerplate(text: str) -> str:
    head = "首页 > 政务公开 > 政府工作报告\n下载\n打印\n全屏\n【字号：大 中 小】\n来源：市政府办公室 时间：2017-03-01 浏览次数：1234\n"
    tail = "\n【打印本页】【关闭窗口】\n版权所有：朝阳市人民政府 备案号：辽ICP备00000000号\n联系我们 | 网站地图\n"
    return head + text + tail


def test_traditional(clean: set[Key]) -> None:
    assert figures(to_traditional(read_document(SAMPLE))) == clean


def test_full_width_digits(clean: set[Key]) -> None:
    assert figures(to_full_width(read_document(SAMPLE))) == clean


def test_gb18030_with_crlf(clean: set[Key], tmp_path: Path) -> None:
    text = read_document(SAMPLE).replace("\n", "\r\n")
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gb18030"))
    decoded = read_document(path)
    assert "\r\n" in decoded
    assert figures(decoded) == clean


def test_utf16_and_bom(clean: set[Key]) -> None:
    text = read_document(SAMPLE)
    assert figures(decode_bytes(text.encode("utf-16"), "x")) == clean
    assert figures(decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "x")) == clean


def test_hard_wrapped_with_junk(clean: set[Key]) -> None:
    assert figures(hard_wrap(read_document(SAMPLE))) == clean


def test_inside_web_boilerplate(clean: set[Key]) -> None:
    assert figures(in_boilerplate(read_document(SAMPLE))) == clean


def test_pasted_twice(clean: set[Key]) -> None:
    text = read_document(SAMPLE)
    assert figures(in_boilerplate(text) + "\n" + text) == clean


def test_all_at_once(clean: set[Key], tmp_path: Path) -> None:
    text = in_boilerplate(hard_wrap(to_full_width(to_traditional(read_document(SAMPLE)))))
    path = tmp_path / "messy.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    assert figures(read_document(path)) == clean


def test_spaces_between_digits_and_units(clean: set[Key]) -> None:
    text = read_document(SAMPLE).replace("亿元", " 亿元").replace("%", " %")
    assert figures(text) == clean


def test_line_break_inside_a_number_is_healed() -> None:
    base = "预计全年完成地区生产总值1024.5亿元，增长7.5%。"
    cut = base.index(".") + 1
    text = "2019年工作回顾\n" + base[:cut] + "\n" + base[cut:]
    got = figures(text)
    assert ("gdp", "result", 2019, "annual", "level", 1024.5, None, None, "eq") in got


# Junk that real web copies glue to the ends of headings and paragraphs: watermark tokens,
# stray marks, a '?' for an unrenderable character, a Han junk pair (see shared/corpus).
JUNK = ["jZD", "vfO", "2uD", "Sw7", "*", "?", "|", "#", "※", "Q", "霈方", "　"]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_glued_to_every_heading_and_paragraph_end(clean: set[Key], junk: str) -> None:
    lines = read_document(SAMPLE).split("\n")
    text = "\n".join(line.rstrip() + junk if line.strip() else line for line in lines)
    assert figures(text) == clean


def test_mixed_junk_on_every_line(clean: set[Key]) -> None:
    lines = read_document(SAMPLE).split("\n")
    glued = [
        line.rstrip() + JUNK[i % len(JUNK)] if line.strip() else line
        for i, line in enumerate(lines)
    ]
    assert figures("\n".join(glued)) == clean
