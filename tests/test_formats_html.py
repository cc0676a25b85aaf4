"""Issue 11: reports published as web pages. The format is told from the content; an
HTML page gives its article's paragraphs (one a line, nothing of the page's furniture),
its title and its date, whatever charset it declares."""

from __future__ import annotations

import io
import re
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from chaoyang_extract.errors import InputError
from chaoyang_extract.formats.html import read_html
from chaoyang_extract.formats.sniff import sniff

from .conftest import ROOT, SAMPLE

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"


def page(name: str) -> bytes:
    return (FIXTURES / f"{name}.html").read_bytes()


def paragraphs(name: str) -> list[str]:
    return (FIXTURES / f"{name}.paragraphs.txt").read_text(encoding="utf-8").splitlines()


# Each article page: its title, its date, the lines besides the paragraphs that may come
# out (the article's own heading), and the furniture around the article, none of which may.
ARTICLES = {
    "gov_gbk": (
        "朝阳市2017年政府工作报告",
        "2017-03-01",
        set(),
        [
            "首页",
            "当前位置",
            "政务公开",
            "走进朝阳",
            "来源",
            "发布时间",
            "字体",
            "分享到",
            "微信",
            "打印本页",
            "关闭窗口",
            "相关链接",
            "2016年政府工作报告",
            "统计公报",
            "主办单位",
            "备案号",
        ],
    ),
    "portal_utf8": (
        "2026年北京市政府工作报告",
        "2026-02-02",
        {"2026年北京市政府工作报告"},
        [
            "首页",
            "财经",
            "来源",
            "北京日报",
            "责任编辑",
            "热门排行",
            "春运",
            "网友评论",
            "京城老李",
            "报告写得实在",
            "关于我们",
            "ICP",
        ],
    ),
    "wrong_charset": (
        "2026年四川省人民政府工作报告",
        "2026-02-10",
        set(),
        ["首页", "信息公开", "发布日期", "来源", "四川日报", "主办", "版权所有"],
    ),
}


def in_order(expected: list[str], got: list[str]) -> list[str]:
    """The expected lines missing from ``got`` as an in-order subsequence."""
    missing, at = [], 0
    for line in expected:
        try:
            at = got.index(line, at) + 1
        except ValueError:
            missing.append(line)
    return missing


# --- sniffing ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*ARTICLES, "no_text"])
def test_each_fixture_page_sniffs_as_html(name: str) -> None:
    assert sniff(page(name)) == "html"


def test_a_pdf_sniffs_as_pdf() -> None:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "report")
    canvas.save()
    assert sniff(buffer.getvalue()) == "pdf"
    assert sniff(b"\r\n" * 100 + buffer.getvalue()) == "pdf"


def test_a_docx_sniffs_as_docx_and_other_zips_do_not() -> None:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    data = buffer.getvalue()
    assert sniff(data) == "docx"
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(sheet.getvalue()) == "text"
    # Cut short, the archive has no directory to read, but its first members' headers
    # still name Word's parts: a damaged Word file (the Word reader says so), and no
    # zipfile error escapes. A cut-short archive of something else stays "text".
    assert sniff(data[: len(data) // 2]) == "docx"
    assert sniff(sheet.getvalue()[:40]) == "text"


def test_an_ole2_file_sniffs_as_doc() -> None:
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)) == "doc"


@pytest.mark.parametrize(
    "start",
    [
        "<!DOCTYPE html>",
        "<!doctype HTML PUBLIC '-//W3C//DTD HTML 4.01//EN'>",
        "\ufeff  \n<!-- 网站模板 2017 -->\n<!-- 第二个注释 -->\n<HTML lang=zh>",
        '<?xml version="1.0" encoding="gb2312"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
        "<head><title>x</title>",
        "<meta charset=gb2312>",
        "<body>",
        "<title>政府工作报告</title>",
        '<div class="content">',
    ],
)
def test_the_start_of_a_page_sniffs_as_html(start: str) -> None:
    assert sniff((start + "\n<p>各位代表：</p>").encode("utf-8")) == "html"


def test_a_utf16_page_sniffs_as_html() -> None:
    assert sniff("<html><body>各位代表：</body></html>".encode("utf-16")) == "html"


def test_text_sniffs_as_text_even_when_it_mentions_html() -> None:
    report = SAMPLE.read_bytes()
    assert sniff(report) == "text"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    mentions = "\n".join([lines[0], "网页版见 <html> 和 <div> 标签。", *lines[1:5]])
    assert sniff(mentions.encode("utf-8")) == "text"
    assert sniff(mentions.encode("gb18030")) == "text"
    assert sniff(b"") == "text"
    # A tag name must end where the tag's name ends: <divider> is not <div>.
    assert sniff(b"<divider>") == "text"


# --- the article ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ARTICLES)
def test_every_paragraph_comes_out_in_order(name: str) -> None:
    got = read_html(page(name), name).text.splitlines()
    assert in_order(paragraphs(name), got) == []


@pytest.mark.parametrize("name", ARTICLES)
def test_nothing_but_the_article_comes_out(name: str) -> None:
    _, _, headings, furniture = ARTICLES[name]
    text = read_html(page(name), name).text
    assert set(text.splitlines()) <= set(paragraphs(name)) | headings
    source = "\n".join(paragraphs(name))
    for words in furniture:
        # The words are the page's, not the report's: their absence means something.
        assert words not in source, words
        assert words not in text, words


@pytest.mark.parametrize("name", ARTICLES)
def test_title_and_date(name: str) -> None:
    title, date, _, _ = ARTICLES[name]
    got = read_html(page(name), name)
    assert (got.format, got.title, got.date) == ("html", title, date)


def test_a_gbk_page_declaring_gb2312_keeps_the_characters_gb2312_lacks() -> None:
    data = page("gov_gbk")
    assert b'<meta charset="gb2312">' in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # what the page declares cannot read it
    text = read_html(data, "gov_gbk.html").text
    assert "——二〇一七年在朝阳市人民代表大会会议上" in text.splitlines()
    assert "\u2015" not in text  # GB2312's reading of GBK's em dash


def test_a_gbk_page_declaring_utf8_still_decodes() -> None:
    data = page("wrong_charset")
    assert b"charset=utf-8" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = read_html(data, "wrong_charset.html").text
    assert "蓉城囍事" in text and "濛溪河" in text


def test_a_chinese_page_declaring_a_western_charset_still_decodes() -> None:
    # ISO-8859-1 decodes any bytes, so only trying it last keeps the page readable.
    data = gov_page_with('<meta charset="gb2312">', '<meta charset="iso-8859-1">')
    text = read_html(data, "p.html").text
    assert in_order(paragraphs("gov_gbk"), text.splitlines()) == []


def test_the_report_s_own_lines_that_look_like_furniture_stay() -> None:
    own = ["【回眸2016】", "资金来源：中央预算内投资8亿元，省级配套2亿元。"]
    data = gov_page_with(
        '<div class="content" id="zoom">\n',
        '<div class="content" id="zoom">\n' + "".join(f"<p>{line}</p>" for line in own),
    )
    assert read_html(data, "p.html").text.splitlines()[:2] == own


def test_a_paragraph_that_recurs_is_kept_each_time() -> None:
    text = read_html(page("wrong_charset"), "wrong_charset.html").text
    assert text.splitlines().count("各位代表！") == 2


def test_a_page_without_an_article_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        read_html(page("no_text"), "site/index.html")
    assert caught.value.path == "site/index.html"
    assert caught.value.message == "no article text found in the HTML page"


def gov_page_with(old: str, new: str) -> bytes:
    text = page("gov_gbk").decode("gb18030")
    assert old in text
    return text.replace(old, new).encode("gb18030")


@pytest.mark.parametrize(
    "shown",
    [
        "发布时间：2017-01-14",
        "发布时间：2017-01-14 09:30:00",
        "发布时间：2017年01月14日",
        "发布日期：2017/1/14",
        "时间：2017.01.14",
    ],
)
def test_the_date_the_page_shows(shown: str) -> None:
    data = gov_page_with("发布时间：2017-03-01", shown)
    assert read_html(data, "p.html").date == "2017-01-14"


def test_the_date_shown_outranks_the_dates_of_other_documents_listed() -> None:
    # A list of other documents' ISO dates: htmldate takes the first of them when the
    # page's own date is written 2017年03月01日.
    latest = "".join(
        f'<li><a href="/x{day}.html">关于开展专项检查的通知</a><span>2017-02-{day}</span></li>'
        for day in range(20, 25)
    )
    data = gov_page_with(
        '<div class="main">', f'<div class="main"><ul class="latest">{latest}</ul>'
    ).replace(b"2017-03-01", "2017年03月01日".encode("gbk"))
    assert read_html(data, "p.html").date == "2017-03-01"


def test_a_year_in_the_report_is_not_taken_for_the_date() -> None:
    # htmldate's extensive search (trafilatura's default) says 2016-01-01 here, from
    # the heading 2016年工作回顾.
    data = gov_page_with("发布时间：2017-03-01", "")
    assert read_html(data, "p.html").date is None


def test_a_meta_date_is_read() -> None:
    data = gov_page_with("发布时间：2017-03-01", "").replace(
        b"<title>", b'<meta name="PubDate" content="2017-02-28 10:30"><title>'
    )
    assert read_html(data, "p.html").date == "2017-02-28"


def test_the_title_keeps_its_suffix_unless_trafilatura_finds_the_bare_one() -> None:
    # The heading differs from the <title>: the page's own title stands.
    data = gov_page_with('<h1 class="title">朝阳市2017年政府工作报告</h1>', "<h1>政府工作报告</h1>")
    assert read_html(data, "p.html").title == "朝阳市2017年政府工作报告_朝阳市人民政府"


def test_og_title_stands_in_for_a_missing_title() -> None:
    data = gov_page_with(
        "<title>朝阳市2017年政府工作报告_朝阳市人民政府</title>",
        '<meta property="og:title" content="朝阳市 2017年 政府工作报告">',
    )
    assert read_html(data, "p.html").title == "朝阳市 2017年 政府工作报告"


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [(b"\xef\xbb\xbf", "utf-8"), (b"", "utf-16"), (b"", "gb18030")],
)
def test_a_byte_order_mark_or_xml_declaration_outranks_the_meta(
    prefix: bytes, encoding: str
) -> None:
    text = page("gov_gbk").decode("gb18030")
    if encoding == "gb18030":
        # An XHTML page whose XML declaration names the charset and no <meta> does.
        text = '<?xml version="1.0" encoding="gb2312"?>\n' + text.replace(
            '<meta charset="gb2312">', ""
        )
    got = read_html(prefix + text.encode(encoding), "p.html")
    assert in_order(paragraphs("gov_gbk"), got.text.splitlines()) == []
    assert got.title == "朝阳市2017年政府工作报告"


def test_a_table_comes_out_one_row_a_line() -> None:
    rows = "".join(
        f"<tr><td>{name}</td><td>{value}</td></tr>"
        for name, value in (("地区生产总值", "780亿元"), ("固定资产投资", "243亿元"))
    )
    table = f"<table><tr><th>指标</th><th>2016年</th></tr>{rows}</table>"
    data = gov_page_with('</div>\n    <div class="share', table + '</div>\n    <div class="share')
    lines = read_html(data, "p.html").text.splitlines()
    assert (
        in_order(
            ["| 指标 | 2016年 |", "| 地区生产总值 | 780亿元 |", "| 固定资产投资 | 243亿元 |"], lines
        )
        == []
    )
    assert not any(re.fullmatch(r"[|\-: ]+", line) for line in lines)


def test_an_article_in_a_layout_table_keeps_one_paragraph_a_line() -> None:
    # The layout of older government sites: navigation, side menu, article and footer
    # in the cells of nested tables, the paragraphs split by <br>.
    lines = paragraphs("gov_gbk")
    body = "<br>\n".join("　　" + line for line in lines)
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>朝阳市2017年政府工作报告</title></head><body><table width="1000"><tr><td colspan="2">
<a href="/">首页</a> | <a href="/a">政务公开</a> | <a href="/b">办事服务</a></td></tr>
<tr><td width="200"><table><tr><td><a href="/x1">政府文件</a></td></tr>
<tr><td><a href="/x2">规划计划</a></td></tr></table></td>
<td><table width="100%"><tr><td align="center"><b>朝阳市2017年政府工作报告</b></td></tr>
<tr><td>来源：市政府办公室　发布时间：2017年03月01日　浏览次数：1234</td></tr>
<tr><td>{body}</td></tr>
<tr><td>【<a href="#">打印本页</a>】【<a href="#">关闭窗口</a>】</td></tr></table></td></tr>
<tr><td colspan="2">主办单位：朝阳市人民政府办公室　备案号：辽ICP备05000000号</td></tr>
</table></body></html>"""
    got = read_html(html.encode("gbk"), "p.html")
    heading = "朝阳市2017年政府工作报告"  # in the article's box, so it may come out
    assert [line for line in got.text.splitlines() if line != heading] == lines
    assert got.date == "2017-03-01"


def full_report_page() -> tuple[bytes, list[str]]:
    """The whole sample report as the government site would publish it."""
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    body = "\n".join(f"<p>　　{line}</p>" for line in lines)
    text = page("gov_gbk").decode("gb18030")
    start = text.index('<div class="content" id="zoom">') + len('<div class="content" id="zoom">')
    end = text.index("</div>", start)
    return (text[:start] + body + text[end:]).encode("gbk"), lines


def test_a_whole_report_page_comes_out_whole_and_fast() -> None:
    data, lines = full_report_page()
    got = read_html(data, "p.html")
    assert got.text.splitlines() == lines
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        read_html(data, "p.html")
        timings.append(time.perf_counter() - start)
    # About 8 ms on the development machine; the bound only catches a change of scale.
    assert statistics.median(timings) < 0.2


def test_a_page_too_large_is_refused_before_it_is_parsed() -> None:
    data = b"<html><body>" + b"<p>x</p>" * 2_600_000
    with pytest.raises(InputError, match="too large"):
        read_html(data, "big.html")


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02\xff" * 4000, bytes(range(256)) * 40, b"<html></html>", b"<<<<>>>>"],
)
def test_what_is_no_page_raises_input_error_only(data: bytes) -> None:
    with pytest.raises(InputError):
        read_html(data, "odd.html")


def test_the_readers_import_no_html_library_until_a_page_is_read() -> None:
    code = (
        "import sys\n"
        "import chaoyang_extract.formats.html, chaoyang_extract.formats.sniff\n"
        "print(sorted(m for m in ('trafilatura', 'htmldate', 'lxml', 'charset_normalizer')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"
