"""Which reader a file needs, told from its bytes: a report saved as ``.txt`` may be a
web page, and a download named ``.html`` may be a PDF."""

from __future__ import annotations

import codecs
import io
import re
import zipfile

__all__ = ["sniff"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# PDF readers accept junk before the header, so writers and servers leave some there.
_PDF_WINDOW = 1024
# Enough for a doctype, an XML declaration and a licence comment before the first tag.
_HTML_WINDOW = 4096

# Leading matter a page may carry before its first tag: whitespace, comments and an XML
# declaration (XHTML pages).
_PREAMBLE = re.compile(r"(?:\s+|<!--.*?-->|<\?xml[^>]*>)*", re.DOTALL)
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|meta|body|title|div)(?=[\s/>])", re.I)


def sniff(data: bytes) -> str:
    """The format of a file's content: "pdf", "docx", "doc", "html" or "text".

    >>> sniff(b"%PDF-1.7\\n%\\xe2\\xe3\\xcf\\xd3\\n1 0 obj")
    'pdf'
    >>> sniff(b"\\r\\n\\r\\n%PDF-1.4 after a server's stray line ends")
    'pdf'
    >>> sniff(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(504))
    'doc'
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("[Content_Types].xml", "<Types/>")
    ...     z.writestr("word/document.xml", "<w:document/>")
    >>> sniff(buffer.getvalue())
    'docx'
    >>> sniff("\\ufeff<!-- 模板 -->\\n<!DOCTYPE html><html>".encode())
    'html'
    >>> sniff("<META http-equiv=Content-Type content='text/html; charset=gb2312'>".encode())
    'html'
    >>> sniff("<html><body>政府工作报告</body></html>".encode("utf-16"))
    'html'
    >>> sniff("各位代表：\\n现在，我代表市人民政府向大会报告工作。".encode("gb18030"))
    'text'
    >>> sniff("各位代表：\\n网页里的 <html> 标签只是正文提到的字".encode())
    'text'
    """
    if data.startswith(_OLE2):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else "text"
    if b"%PDF-" in data[:_PDF_WINDOW]:
        return "pdf"
    head = _head_text(data)
    preamble = _PREAMBLE.match(head)
    start = preamble.end() if preamble is not None else 0
    return "html" if _HTML_START.match(head, start) else "text"


_ZIP_HEAD = 1 << 16


def _is_docx(data: bytes) -> bool:
    """A ZIP archive holding a Word body; a spreadsheet or a broken archive is not one.

    Only the central directory at the archive's end is read, not the members.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # A cut-off download has no central directory; its first members' local headers
        # still name Word's parts (Word writes them first), so it is a damaged Word file.
        return b"word/" in data[:_ZIP_HEAD]


def _head_text(data: bytes) -> str:
    """The start of the file as text, for looking at its markup: tags are ASCII in every
    encoding a page uses except UTF-16 and UTF-32, which announce themselves by a BOM."""
    head = data[:_HTML_WINDOW]
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, "ignore")
    return head.decode("latin-1")
