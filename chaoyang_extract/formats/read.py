"""A report file (or stdin's bytes) to its Extracted text, by what its content is."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from . import Extracted

__all__ = ["FORMATS", "read_bytes", "read_file"]

# The formats a run can read, in the order the summary names them.
FORMATS = ("text", "html", "pdf", "docx", "doc")


def read_file(path: Path) -> Extracted:
    """Read one report file; InputError(path, …) when it cannot be read as a report."""
    from ..reading import read_bytes_of

    source = str(path)
    data = read_bytes_of(path)
    kind = _EMPTY.get(path.suffix.lower())
    if not data and kind is not None:
        # No content to tell the format by: an empty .txt is an empty report (a warning),
        # an empty .pdf is a download that failed.
        raise InputError(source, f"empty {kind} file")
    return read_bytes(data, source)


_EMPTY = {".pdf": "PDF", ".docx": "Word", ".doc": "Word"}


def read_bytes(data: bytes, source: str) -> Extracted:
    """The report in ``data``: plain text, an HTML page, a PDF or a Word file, told apart
    by content (a .txt that is really a web page is read as one)."""
    from ..reading import decode_bytes
    from .sniff import sniff

    kind = sniff(data)
    if kind == "text":
        return Extracted(decode_bytes(data, source), "text")
    if kind == "html":
        from .html import read_html

        return read_html(data, source)
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, source)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data, source)
    if kind == "doc":
        from .docx import read_doc

        return read_doc(data, source)
    raise InputError(source, f"unknown format {kind!r}")  # pragma: no cover - sniff's kinds
