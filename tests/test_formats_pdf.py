"""The PDF reader: every page's text in order, without running headers, footers and page
numbers, paragraphs made whole across page breaks, the metadata's title and date, and one
clear error for each file it cannot read. Fixtures: tests/fixtures/pdf/make_fixtures.py."""

from __future__ import annotations

import importlib.util
import itertools
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from chaoyang_extract.errors import InputError
from chaoyang_extract.formats import Extracted, pdf
from chaoyang_extract.formats.pagetext import join_pages
from chaoyang_extract.formats.pdf import read_pdf

from .conftest import ROOT, SAMPLE

FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
PAGE_NUMBER_LINE = re.compile(r"\s*-\s*\d+\s*-\s*")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "report.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def report() -> Extracted:
    return read_pdf(fixture("report.pdf"), "report.pdf")


@pytest.fixture(scope="module")
def maker() -> ModuleType:
    """The fixtures' script, whose typesetting the long-PDF tests reuse."""
    spec = importlib.util.spec_from_file_location(
        "make_pdf_fixtures", FIXTURES / "make_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def error_of(data: bytes, source: str = "in.pdf") -> str:
    with pytest.raises(InputError) as caught:
        read_pdf(data, source)
    assert caught.value.path == source
    assert "\n" not in caught.value.message
    return caught.value.message


# --- the report ---------------------------------------------------------------------


def test_the_report_holds_every_paragraph_in_order_and_nothing_else(
    report: Extracted, expected: dict[str, Any]
) -> None:
    assert report.format == "pdf"
    assert len(expected["pages"]) == 4
    # Lines removed, the text is the paragraphs one after another: none lost or moved,
    # and no header, footer or page number left among them. (Blanks at a line's end go:
    # one paragraph of the source ends with a no-break space.)
    paragraphs = [paragraph.rstrip() for paragraph in expected["paragraphs"]]
    assert report.text.replace("\n", "") == "".join(paragraphs)


def test_no_running_header_footer_or_page_number_lines(
    report: Extracted, expected: dict[str, Any]
) -> None:
    assert expected["header"] not in report.text
    lines = report.text.split("\n")
    assert not [line for line in lines if PAGE_NUMBER_LINE.fullmatch(line)]
    assert not [line for line in lines if not line.strip()]


def test_lines_inside_a_page_stay_and_a_paragraph_cut_by_a_page_break_is_one(
    report: Extracted, expected: dict[str, Any]
) -> None:
    pages = [[line.rstrip() for line in page] for page in expected["pages"]]
    inside = expected["inside"]
    assert any(inside) and not all(inside)
    for (before, after), joined in zip(itertools.pairwise(pages), inside, strict=True):
        last, first = before[-1], after[0]
        assert (last + first in report.text) is joined, (last, first)
        assert (f"{last}\n{first}" in report.text) is not joined, (last, first)
    # Exactly: each page's lines as typeset, pages glued where a paragraph runs on.
    want = "\n".join(pages[0])
    for page, joined in zip(pages[1:], inside, strict=True):
        want += ("" if joined else "\n") + "\n".join(page)
    assert report.text == want


def test_title_and_date_come_from_the_metadata(report: Extracted, expected: dict[str, Any]) -> None:
    assert report.title == expected["title"] == "朝阳市2017年政府工作报告"
    assert report.date == expected["date"] == "2017-01-12"


def test_the_report_gives_the_records_its_source_text_gives(
    report: Extracted, expected: dict[str, Any]
) -> None:
    from chaoyang_extract.api import extract_text

    columns = ["indicator", "kind", "year", "measure", "value", "unit", "section"]
    from_pdf = extract_text(report.text, doc="r", year=2017)[columns]
    from_text = extract_text("\n".join(expected["paragraphs"]), doc="r", year=2017)[columns]
    assert len(from_pdf) >= 15
    assert from_pdf.equals(from_text)


@pytest.mark.parametrize(
    ("title", "created"),
    [
        ("", "D:19700101000000Z"),  # none, and a clock at zero
        ("Microsoft Word - 文档1.docx", "D:20991301000000"),  # a program's, and no such day
        ("Untitled", "nonsense"),
    ],
)
def test_no_title_or_date_rather_than_a_made_up_one(
    maker: ModuleType, tmp_path: Path, title: str, created: str
) -> None:
    path = tmp_path / "meta.pdf"
    maker.build_report(path, ["　　全年地区生产总值增长6.5%。"], title=title, created=created)
    got = read_pdf(path.read_bytes(), "meta.pdf")
    assert (got.title, got.date) == (None, None)
    assert got.text == "　　全年地区生产总值增长6.5%。"


def test_a_word_processor_title_gives_the_document_name(maker: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "word.pdf"
    title = "Microsoft Word - 2017年朝阳市政府工作报告.docx"
    maker.build_report(path, ["各位代表："], title=title, created="D:20170105")
    got = read_pdf(path.read_bytes(), "word.pdf")
    assert (got.title, got.date) == ("2017年朝阳市政府工作报告", "2017-01-05")


def test_an_owner_password_alone_does_not_stop_reading(expected: dict[str, Any]) -> None:
    got = read_pdf(fixture("owner_only.pdf"), "owner_only.pdf")
    assert got.text.replace("\n", "") == "".join(expected["paragraphs"][:3])


# --- files it cannot read -------------------------------------------------------------


def test_an_empty_file() -> None:
    assert error_of(b"") == "empty PDF file"


def test_a_truncated_file() -> None:
    assert error_of(fixture("truncated.pdf")) == "not a readable PDF (damaged?)"


def test_bytes_that_are_no_pdf() -> None:
    assert error_of(SAMPLE.read_bytes()) == "not a readable PDF (damaged?)"
    assert error_of(b"%PDF-1.7\n" + b"\0" * 4096) == "not a readable PDF (damaged?)"


def test_an_encrypted_file() -> None:
    assert error_of(fixture("encrypted.pdf")) == "encrypted PDF; remove the password first"


def test_pages_without_text() -> None:
    assert error_of(fixture("scanned.pdf")) == "no text layer (scanned?); OCR it first"


def test_more_pages_than_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 3)
    assert error_of(fixture("report.pdf")) == "4 pages, more than a report has (at most 3)"


def test_damaged_files_give_an_input_error_or_text_never_a_traceback() -> None:
    # Cut anywhere, or with bytes overwritten anywhere: an InputError or some text, fast.
    data = fixture("report.pdf")
    rnd = random.Random(11)
    cases = [data[:cut] for cut in range(0, len(data), 97)]
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
        cases.append(bytes(damaged))
    start = time.perf_counter()
    for case in cases:
        try:
            got = read_pdf(case, "x.pdf")
        except InputError:
            continue
        assert got.text.strip()
    assert time.perf_counter() - start < 20


def test_importing_the_reader_does_not_load_pdfium() -> None:
    code = "import sys, chaoyang_extract.formats.pdf; print('pypdfium2' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


# --- long files -------------------------------------------------------------------------


def long_report(maker: ModuleType, path: Path, pages: int) -> str:
    """Write a report of at least ``pages`` pages, the sample report typeset over and
    over, to ``path``; return its paragraphs' text, as the reader should give it back
    with its lines joined."""
    paragraphs = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]
    lines = sum(len(maker.wrap(paragraph)) for paragraph in paragraphs)
    copies = -(-pages * maker.LINES_PER_PAGE // lines)
    laid_out = maker.build_report(path, paragraphs * copies)
    assert len(laid_out) >= pages
    return "".join(paragraph.rstrip() for paragraph in paragraphs * copies)


def test_a_100_page_pdf_reads_in_well_under_two_seconds(maker: ModuleType, tmp_path: Path) -> None:
    want = long_report(maker, tmp_path / "long.pdf", 100)
    data = (tmp_path / "long.pdf").read_bytes()
    start = time.perf_counter()
    got = read_pdf(data, "long.pdf")
    took = time.perf_counter() - start
    assert took < 4, took  # about 0.15 s measured; generous for slow machines
    # Every line of every page, and no header or footer: no body line was mistaken for
    # a running one although the text repeats.
    assert got.text.replace("\n", "") == want


def test_a_500_page_pdf_reads_in_bounded_time(maker: ModuleType, tmp_path: Path) -> None:
    want = long_report(maker, tmp_path / "longer.pdf", 500)
    data = (tmp_path / "longer.pdf").read_bytes()
    start = time.perf_counter()
    got = read_pdf(data, "longer.pdf")
    assert time.perf_counter() - start < 20  # about 0.6 s measured
    assert got.text.replace("\n", "") == want


# --- pages to text (no PDF needed) -----------------------------------------------------


def pages_of(
    *bodies: list[str], header: str | None = "政府工作报告", footer: str = "- {} -"
) -> list[list[str]]:
    pages = []
    for number, body in enumerate(bodies, 1):
        top = [header] if header else []
        pages.append(top + body + [footer.format(number)])
    return pages


def test_running_lines_go_wherever_the_page_draws_them() -> None:
    # Header and footer drawn after the body, as some producers do.
    pages = [[f"正文{n}。", "政府工作报告", f"第 {n} 页 共 3 页"] for n in "一二三"]
    assert join_pages(pages) == "正文一。\n正文二。\n正文三。"


@pytest.mark.parametrize(
    "footer", ["- {} -", "— {} —", "第{}页", "第 {} 页 共 20 页", "{}", "{}/20"]
)
def test_page_number_styles(footer: str) -> None:
    text = join_pages(pages_of(["一段话。"], ["二段话。"], header=None, footer=footer))
    assert text == "一段话。\n二段话。"


def test_a_page_number_goes_even_on_a_single_page() -> None:
    assert join_pages([["只有一页。", "- 1 -"]]) == "只有一页。"


def test_a_line_like_a_page_number_inside_the_body_stays() -> None:
    pages = pages_of(["表1", "2016", "2017", "增长6%。", "其余。"], ["下一页。"])
    assert join_pages(pages) == "表1\n2016\n2017\n增长6%。\n其余。\n下一页。"


def test_a_header_that_varies_only_in_its_digits_is_running() -> None:
    pages = [[f"2017年第{n}期", f"正文{z}。"] for n, z in enumerate("一二三四", 1)]
    assert join_pages(pages) == "正文一。\n正文二。\n正文三。\n正文四。"


def test_a_line_on_two_pages_of_ten_is_body() -> None:
    bodies = [["正文。"] for _ in range(10)]
    bodies[0].insert(0, "一、总体要求")
    bodies[5].insert(0, "一、总体要求")
    text = join_pages(bodies)
    assert text.count("一、总体要求") == 2


FULL = "全面落实中国制造二零二五朝阳行动纲要引进战略合资合作伙伴促进"
FULL_2 = "现有企业转型升级全市规模以上工业企业达到二百户以上实现产值增"


def test_page_breaks_join_only_cut_paragraphs() -> None:
    cut = [FULL, FULL_2], ["长一成。"]
    assert join_pages(pages_of(*cut)) == f"{FULL}\n{FULL_2}长一成。"
    # A finished sentence, a short line (a heading) and an indented or numbered next
    # line all keep the break.
    ended = [FULL, FULL_2[:-1] + "。"], ["下一段。"]
    assert join_pages(pages_of(*ended)) == f"{FULL}\n{FULL_2[:-1]}。\n下一段。"
    heading = [FULL, "二、坚定不移调结构"], [FULL_2]
    assert join_pages(pages_of(*heading)) == f"{FULL}\n二、坚定不移调结构\n{FULL_2}"
    indented = [FULL, FULL_2], ["\u3000\u3000新的一段。"]
    assert join_pages(pages_of(*indented)) == f"{FULL}\n{FULL_2}\n\u3000\u3000新的一段。"
    numbered = [FULL, FULL_2], ["（一）新的一节。"]
    assert join_pages(pages_of(*numbered)) == f"{FULL}\n{FULL_2}\n（一）新的一节。"
    # A page that starts with a comma goes on whatever came before.
    comma = [FULL, "短行"], ["，接着说。"]
    assert join_pages(pages_of(*comma)) == f"{FULL}\n短行，接着说。"


def test_latin_words_cut_by_a_page_break_keep_a_space_and_numbers_none() -> None:
    line = "The report sets the annual growth target of gross domestic product at"
    pages = pages_of([line, line], ["about six percent."])
    assert join_pages(pages) == f"{line}\n{line} about six percent."
    pages = pages_of([FULL, FULL + "1"], ["55个亿元项目。"])
    assert join_pages(pages) == f"{FULL}\n{FULL}155个亿元项目。"


def test_no_pages_or_blank_pages_give_no_text() -> None:
    assert join_pages([]) == ""
    assert join_pages([[], ["", "  "], ["- 3 -"]]) == ""
