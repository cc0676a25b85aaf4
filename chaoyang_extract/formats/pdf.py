"""PDF files: the text layer of every page, read with PDFium (pypdfium2), without the
running headers, footers and page numbers, and the title and creation date the file's
metadata gives.

A PDF whose pages are pictures (a scan) has no text to read: it is refused with a word
about OCR rather than read as an empty report.
"""

from __future__ import annotations

import datetime
import re
import threading
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from . import Extracted
from .pagetext import join_pages

if TYPE_CHECKING:
    import pypdfium2

__all__ = ["read_pdf", "MAX_PAGES"]

# Work reports run to tens of pages and PDFium reads a page of text in about a
# millisecond; past this a file is no report, and refusing it keeps a run's time bounded.
MAX_PAGES = 5000

# PDFium is not thread-safe: one document at a time in a process (cyx's own parallel
# runs use processes, but a library caller may use threads).
_PDFIUM_LOCK = threading.Lock()

EMPTY = "empty PDF file"
DAMAGED = "not a readable PDF (damaged?)"
ENCRYPTED = "encrypted PDF; remove the password first"
NO_TEXT = "no text layer (scanned?); OCR it first"

# PDFium's line ends are CRLF; a lone CR is a line end too. Other control characters
# are its markers (U+0002 for a hyphen it found at a line end) and junk from broken
# font encodings, and the non-characters U+FFFE/U+FFFF stand for glyphs it could not map.
_LINE_END = re.compile(r"\r\n?")
_JUNK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")

# Titles that producers fill in by themselves, not the author: nothing about the report.
_NO_TITLE = re.compile(
    r"(untitled|无标题|document\d*|文档\d*|新建.*文档|microsoft word|wps|pdf|doc|docx)",
    re.IGNORECASE,
)
_WORD_PREFIX = re.compile(r"^microsoft (word|powerpoint|excel)\s*-\s*", re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.(docx?|wps|pdf|txt|rtf)$", re.IGNORECASE)
_SPACE_RUN = re.compile(r"\s+")
_PDF_DATE = re.compile(r"(?:D:)?(\d{4})(\d{2})(\d{2})")
# A creation date before the PDF format existed is a producer's placeholder.
_FIRST_YEAR = 1993


def read_pdf(data: bytes, source: str) -> Extracted:
    """The text of a PDF's pages, with its metadata title and creation date.

    Raises InputError(source, ...) for an empty, damaged or password-protected file, one
    with too many pages, and one whose pages hold no text.
    """
    if not data:
        raise InputError(source, EMPTY)
    # PDFium takes a twentieth of a second to load: only runs that read a PDF pay it.
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            password = e.err_code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY)
            raise InputError(source, ENCRYPTED if password else DAMAGED) from None
        try:
            pages = _pages(doc, source)
            title = _title(_metadata(doc, "Title"))
            date = _date(_metadata(doc, "CreationDate"))
        finally:
            doc.close()
    text = join_pages(pages)
    if not text.strip():
        raise InputError(source, NO_TEXT)
    return Extracted(text=text, format="pdf", title=title, date=date)


def _pages(doc: pypdfium2.PdfDocument, source: str) -> list[list[str]]:
    """The lines of each page's text layer, pages in order."""
    import pypdfium2 as pdfium

    count = len(doc)
    if count > MAX_PAGES:
        raise InputError(source, f"{count} pages, more than a report has (at most {MAX_PAGES})")
    pages: list[list[str]] = []
    try:
        for index in range(count):
            pages.append(_lines(_page_text(doc, index)))
    except pdfium.PdfiumError:
        raise InputError(source, DAMAGED) from None
    return pages


def _page_text(doc: pypdfium2.PdfDocument, index: int) -> str:
    # Each page and its text are closed as soon as read: a long file's memory stays
    # that of one page, and a time budget that stops the loop leaves nothing open.
    page = doc[index]
    try:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()


def _lines(text: str) -> list[str]:
    """A page's text as lines, without PDFium's markers and trailing blanks."""
    text = _JUNK.sub("", _LINE_END.sub("\n", text))
    return [line.rstrip() for line in text.split("\n")]


def _metadata(doc: pypdfium2.PdfDocument, key: str) -> str:
    """A metadata string; empty when absent or undecodable (a title with a lone UTF-16
    surrogate costs the title, not the text)."""
    import pypdfium2 as pdfium

    try:
        value: Any = doc.get_metadata_value(key)
    except (pdfium.PdfiumError, ValueError):
        return ""
    return value if isinstance(value, str) else ""


def _title(raw: str) -> str | None:
    """The metadata title, unless it is empty or what the producing program filled in.

    >>> _title("Microsoft Word - 2017年朝阳市政府工作报告.docx")
    '2017年朝阳市政府工作报告'
    >>> _title("Untitled"), _title("文档1"), _title("  ")
    (None, None, None)
    """
    title = _SPACE_RUN.sub(" ", _JUNK.sub("", raw)).strip()
    title = _FILE_SUFFIX.sub("", _WORD_PREFIX.sub("", title)).strip()
    if not title or len(title) > 200 or _NO_TITLE.fullmatch(title):
        return None
    if not any(ch.isalpha() for ch in title):
        return None  # "1", "---": nothing a reader would call a title
    return title


def _date(raw: str) -> str | None:
    """A PDF date (D:YYYYMMDDHHmmSS+08'00') as YYYY-MM-DD, when it is a real, plausible
    day; the day as the file wrote it, in its own time zone.

    >>> _date("D:20170112093000+08'00'"), _date("D:2017"), _date("D:19991399")
    ('2017-01-12', None, None)
    """
    match = _PDF_DATE.match(raw.strip())
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        when = datetime.date(year, month, day)
    except ValueError:
        return None
    if not _FIRST_YEAR <= year <= datetime.date.today().year + 1:
        return None
    return when.isoformat()
