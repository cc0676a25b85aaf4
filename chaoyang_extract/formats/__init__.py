"""Reports as they are published: plain text, HTML pages, PDF and Word files.

Each format's reader turns a file's bytes into the plain text cyx reads (offsets and
quotes refer to it) and what the file itself says of its title and date, which are
evidence for the report year and region. The format comes from the content, not the
file name.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Extracted"]


@dataclass(frozen=True)
class Extracted:
    """What a reader made of one file."""

    text: str
    # "text", "html", "pdf", "docx" or "doc".
    format: str
    # The document's own title (an HTML page's <title>, a PDF's or DOCX's title
    # property), None when it has none.
    title: str | None = None
    # Its publication date as YYYY-MM-DD (an HTML page's meta or visible date, a PDF's
    # or DOCX's creation date), None when unknown.
    date: str | None = None
