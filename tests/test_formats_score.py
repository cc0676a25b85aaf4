"""A report read from its published form (HTML page, PDF, Word file) gives the rows its
plain text gives: each fixture against the text it was made from (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chaoyang_extract.extract import document_metadata, extract_document
from chaoyang_extract.formats.read import read_file
from chaoyang_extract.rulebook import load_rules

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RULES = load_rules()
# What a row says, not where it stands (offsets and quotes differ between the forms).
_KEY = ("indicator", "kind", "year", "horizon", "measure", "value", "value_max", "unit")
_KEY += ("bound", "tier", "estimated", "scope")


def _rows(text: str, title: str | None = None, date: str | None = None) -> list[tuple[object, ...]]:
    res = extract_document(RULES, text, "d", metadata=document_metadata(title, date))
    return sorted((tuple(getattr(r, k) for k in _KEY) for r in res.records), key=repr)


def _source_of(fixture: Path) -> str:
    if fixture.suffix == ".html":
        return fixture.with_suffix(".paragraphs.txt").read_text(encoding="utf-8")
    if fixture.suffix == ".pdf":
        data = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
        return "\n".join(data["paragraphs"])
    raise AssertionError(fixture)


@pytest.mark.parametrize(
    "name",
    ["html/gov_gbk.html", "html/portal_utf8.html", "html/wrong_charset.html", "pdf/report.pdf"],
)
def test_published_copy_gives_the_rows_of_its_text(name: str) -> None:
    fixture = FIXTURES / name
    got = read_file(fixture)
    # The same title and date for both: what is compared is the text the reader made.
    # (On its own the title and date can only add evidence: tests/test_inputs_formats.py.)
    want = _rows(_source_of(fixture), got.title, got.date)
    assert want, "the source text gives rows: the test compares something"
    assert _rows(got.text, got.title, got.date) == want


def test_word_copy_gives_the_rows_of_its_paragraphs() -> None:
    got = read_file(FIXTURES / "docx" / "report.docx")
    # The table's rows (cells apart by a full-width space) hold no sentence of the report.
    paragraphs = "\n".join(line for line in got.text.splitlines() if "\u3000" not in line)
    want = _rows(paragraphs, got.title, got.date)
    assert want
    assert _rows(got.text, got.title, got.date) == want
