"""`cyx review` pages, checked without a browser: the text is the text read, every
record's quote is marked at its offsets, and a report's own markup shows as text."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from chaoyang_extract.cli import main
from chaoyang_extract.extract import extract_document
from chaoyang_extract.review import figure_pattern, review_page, unread_figures
from chaoyang_extract.rulebook import load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "chaoyang_2017.txt"
RULES = load_rules()


class _Text(HTMLParser):
    """The #text div's characters, and for each record id the characters of its marks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside #text when > 0
        self.text: list[str] = []
        self.marked: dict[int, list[str]] = {}
        self.ids: list[int] = []
        self.script = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and a.get("id") == "text":
            self.depth = 1
        elif self.depth and tag == "div":
            self.depth += 1
        if self.depth and tag == "mark":
            self.ids = [int(i) for i in (a.get("data-ids") or "").split()]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "div":
            self.depth -= 1
        if tag == "mark":
            self.ids = []
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script += data
        if self.depth:
            self.text.append(data)
            for i in self.ids:
                self.marked.setdefault(i, []).append(data)


def _parse(page: str) -> _Text:
    p = _Text()
    p.feed(page)
    return p


def test_every_quote_is_marked_at_its_offsets() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    res = extract_document(RULES, text, "chaoyang_2017")
    assert len(res.records) > 20
    page = _parse(review_page(res, text, str(SAMPLE)))
    assert "".join(page.text) == text
    assert sorted(page.marked) == list(range(len(res.records)))
    for i, r in enumerate(res.records):
        assert "".join(page.marked[i]) == r.quote == text[r.start : r.end]
    data = json.loads(re.search(r"const RECORDS=(\[.*?\]);", page.script, re.S).group(1))
    assert [d["quote"] for d in data] == [r.quote for r in res.records]


def test_a_reports_markup_shows_as_text() -> None:
    text = "各位代表：<script>alert(1)</script></div>\n2017年全市生产总值增长7%。今年增长6.5%左右。"
    res = extract_document(RULES, text, "x", year=2018)
    page = review_page(res, text, "x.txt")
    assert "<script>alert(1)" not in page and "</div>\n2017" not in page
    assert html.escape("<script>alert(1)</script></div>") in page
    parsed = _parse(page)
    assert "".join(parsed.text) == text


def test_review_command_writes_pages_and_an_index(tmp_path: Path) -> None:
    out = tmp_path / "rv"
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"")
    result = CliRunner().invoke(main, ["review", str(SAMPLE), str(bad), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert f"cyx: {bad}: empty PDF file" in result.stderr
    page = (out / "chaoyang_2017.html").read_text(encoding="utf-8")
    assert "<b>朝阳市</b> (211300, 辽宁省)" in page  # the frame gives the division
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "href='chaoyang_2017.html'" in index and "empty PDF file" in index
    assert "<th>unread figures</th>" in index


def test_figures_no_record_reads_are_marked_unread() -> None:
    # 城镇化率 is no indicator: its figure, in a sentence naming 地区生产总值, is a likely miss.
    text = "2017年全市地区生产总值增长7%，城镇化率达到55.2%。今年植树100万株。"
    res = extract_document(RULES, text, "x", year=2018)
    core = [a for ind in RULES.indicators.values() if ind.core for a in ind.aliases]
    page = review_page(
        res, text, "x.txt", unread_figures(text, res.records, core, figure_pattern(RULES))
    )
    assert "<mark class='unread' data-ids=''>55.2%</mark>" in page
    assert "unread figures (1)" in page
    assert "100万" not in [m for m in re.findall(r"<mark class='unread'[^>]*>([^<]*)", page)]
    parsed = _parse(page)
    assert "".join(parsed.text) == text


def test_the_figure_is_bold_inside_its_mark() -> None:
    text = "今年全市地区生产总值增长6.5%，力争7%。"
    res = extract_document(RULES, text, "x", year=2017)
    assert [r.value for r in res.records] == [6.5, 7.0]
    page = review_page(res, text, "x.txt")
    bold = re.findall(
        r"<mark class='target[^']*' data-ids='[^']*' title='[^']*'><b>([^<]*)</b>", page
    )
    assert bold == ["6.5%", "7%"]
    assert "title='gdp target 2017 growth eq 6.5%" in page


def test_index_counts_each_documents_unread_figures(tmp_path: Path) -> None:
    a = tmp_path / "a_2018.txt"
    a.write_text("2017年全市地区生产总值增长7%，城镇化率达到55.2%。", encoding="utf-8")
    b = tmp_path / "b_2018.txt"
    b.write_text("2017年全市地区生产总值增长7%。", encoding="utf-8")
    out = tmp_path / "rv"
    assert CliRunner().invoke(main, ["review", str(a), str(b), "-o", str(out), "-q"]).exit_code == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    cells = re.findall(r">(a_2018|b_2018)</a></td>((?:<td>[^<]*</td>)+)", index)
    counts = {doc: re.findall(r"<td>([^<]*)</td>", tds)[:4] for doc, tds in cells}
    # rows, results, targets, unread figures (warnings follow)
    assert counts == {"a_2018": ["1", "1", "0", "1"], "b_2018": ["1", "1", "0", "0"]}
