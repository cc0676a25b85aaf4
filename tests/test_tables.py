"""Tables of indicators (issue 11): a "主要经济指标" table's rows become records, each value
cell with its column's kind and year, its quote the row."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from chaoyang_extract.extract import extract_document
from chaoyang_extract.formats.docx import read_docx
from chaoyang_extract.formats.html import read_html
from chaoyang_extract.rulebook import load_rules

RULES = load_rules()
OPENING = "各位代表：\n现在，我代表朝阳市人民政府向大会报告2017年政府工作，请予审议。\n"


def _word(rows: list[list[str]], before: str = OPENING) -> str:
    d = docx.Document()
    for line in before.splitlines():
        d.add_paragraph(line)
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    d.add_paragraph("确定这样的预期目标，就是要力求在实事求是的基础上，树立更高的标准。")
    buf = io.BytesIO()
    d.save(buf)
    return read_docx(buf.getvalue(), "t.docx").text


def _table_rows(text: str) -> list[tuple[object, ...]]:
    res = extract_document(RULES, text, "t", year=2017)
    return sorted(
        (r.indicator, r.kind, r.year, r.measure, r.value, r.bound, r.quote)
        for r in res.records
        if r.rule == "table"
    )


def test_a_word_table_gives_results_and_targets_by_column() -> None:
    text = _word(
        [
            ["指标", "2016年完成", "2017年目标"],
            ["地区生产总值增长（%）", "7.5", "6.5左右"],
            ["固定资产投资（亿元）", "1200", "1300以上"],
            ["城镇登记失业率", "", "控制在4.5%以内"],
        ]
    )
    gdp = "地区生产总值增长（%）\u30007.5\u30006.5左右。"
    inv = "固定资产投资（亿元）\u30001200\u30001300以上。"
    assert _table_rows(text) == sorted(
        [
            ("gdp", "result", 2016, "growth", 7.5, "eq", gdp),
            ("gdp", "target", 2017, "growth", 6.5, "approx", gdp),
            ("fixed_asset_investment", "result", 2016, "level", 1200.0, "eq", inv),
            ("fixed_asset_investment", "target", 2017, "level", 1300.0, "ge", inv),
            (
                "registered_unemployment_rate",
                "target",
                2017,
                "rate",
                4.5,
                "le",
                "城镇登记失业率\u3000\u3000控制在4.5%以内。",
            ),
        ]
    )
    res = extract_document(RULES, text, "t", year=2017)
    for r in res.records:  # every quote stands at its offsets in the text read
        assert text[r.start : r.end] == r.quote


def test_an_html_table_reads_the_same() -> None:
    page = (
        "<html><head><meta charset='utf-8'><title>2017年朝阳市政府工作报告</title></head><body>"
        "<article><p>各位代表：现在，我代表朝阳市人民政府向大会报告工作，请予审议。</p>"
        "<p>确定这样的预期目标，就是要力求在实事求是的基础上，树立更高的标准。</p>"
        "<table><tr><th>指标</th><th>2016年完成</th><th>2017年预期目标</th></tr>"
        "<tr><td>地区生产总值增长（%）</td><td>7.5</td><td>6.5左右</td></tr></table>"
        "</article></body></html>"
    ).encode()
    got = read_html(page, "t.html")
    rows = _table_rows(got.text)
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        ("gdp", "result", 2016, 7.5),
        ("gdp", "target", 2017, 6.5),
    ]


def test_tables_that_do_not_name_their_columns_give_nothing() -> None:
    # No header that says which column holds results or targets: no guess.
    assert _table_rows(_word([["指标", "甲", "乙"], ["地区生产总值增长（%）", "7.5", "6.5"]])) == []
    # A year that is neither the report's nor the one before.
    assert _table_rows(_word([["指标", "2013年完成"], ["地区生产总值增长（%）", "7.5"]])) == []


def test_a_pdf_table_across_two_pages_reads_by_column(tmp_path: Path) -> None:
    """A PDF's table rows (cells apart by spaces), cut by a page break with a running
    header and page numbers on each page, and the column header repeated."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from chaoyang_extract.formats.pdf import read_pdf

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=16)

    def furniture(canvas: object, doc: object) -> None:
        canvas.setFont("STSong-Light", 9)  # type: ignore[attr-defined]
        canvas.drawString(200, 810, "朝阳市人民政府工作报告")  # type: ignore[attr-defined]
        canvas.drawString(290, 30, f"- {doc.page} -")  # type: ignore[attr-defined]

    names = ["地区生产总值增长（%）", "固定资产投资增长（%）", "社会消费品零售总额增长（%）"]
    rows = [["指标", "2016年完成", "2017年目标"]]
    rows += [[names[i % 3], f"{i % 9 + 1}.5", f"{i % 7 + 2}左右"] for i in range(60)]
    table = LongTable(rows, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 11)]))
    path = tmp_path / "t.pdf"
    story = [Paragraph(OPENING.replace("\n", "<br/>"), style), Spacer(1, 420), table]
    SimpleDocTemplate(str(path), pagesize=A4).build(
        story, onFirstPage=furniture, onLaterPages=furniture
    )
    got = read_pdf(path.read_bytes(), "t.pdf")
    assert "朝阳市人民政府工作报告" not in got.text  # the running header is gone
    rows_read = _table_rows(got.text)
    # Every data row gives its result and its target, on both pages (the same figures
    # repeat, so a table gives each indicator's first row: dedupe keeps one a measure).
    assert {(r[0], r[1], r[2]) for r in rows_read} == {
        (ind, kind, year)
        for ind in ("gdp", "fixed_asset_investment", "retail_sales")
        for kind, year in (("result", 2016), ("target", 2017))
    }
    quotes = {r[6] for r in rows_read}
    assert all(q in got.text for q in quotes)
