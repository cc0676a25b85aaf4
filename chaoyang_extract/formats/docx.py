"""Word files: .docx read with python-docx, old binary .doc converted by LibreOffice first.

The text is the body in document order: one line per paragraph, one line per table row,
so that a table stands where it stands in the document. Headers, footers, footnotes,
comments, text boxes and Word's automatic list numbers are not part of it.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from . import Extracted

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["read_doc", "read_docx"]

# A ZIP may claim any size for its members, and python-docx unpacks every part into memory
# and parses the XML ones, at about five bytes of memory per byte of XML (a 35 MB
# document.xml, 11 million characters, peaks at 210 MB). A report's parts come to a few MB,
# so a file past either limit is refused before anything is unpacked (zipfile never
# inflates a member past its stated size).
MAX_UNPACKED = 256 * 2**20
MAX_XML = 64 * 2**20

# LibreOffice converts a report in seconds; one that hangs (a password prompt nobody
# answers, a damaged file) is stopped.
CONVERT_TIMEOUT = 120.0

DAMAGED = "not a readable Word document (damaged?)"
ENCRYPTED = "encrypted Word document; remove the password first"
NO_TEXT = "no text in the Word document"
NO_OFFICE = "a .doc (old Word) file: install LibreOffice (soffice) to read it, or save it as .docx"

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Between two cells of a row. The normaliser drops a full-width space, except between two
# ASCII letters or digits where it leaves a plain space, and no sentence ends at it: the
# row stays one sentence, and two figures in adjacent cells ("780", "800") never run
# together into one number (with no separator "780800亿元" would be read as one). A
# Chinese comma or semicolon would instead cut the indicator from its figure
# ("地区生产总值增长，7.5%" gives no figure), as tried on the built-in rules.
CELL_SEPARATOR = "\u3000"

# What already ends a row's sentence; cyx breaks sentences at 。！？ (the normaliser makes
# ! and ? full-width).
_SENTENCE_END = "。！？!?"
_CLOSING = "”’」』）》〉】)"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _R = (_W + t for t in ("p", "tbl", "tr", "tc", "r"))
# Elements that only wrap body content, rows or cells: content controls, custom XML.
_BLOCK_WRAPPERS = frozenset(_W + t for t in ("sdt", "sdtContent", "customXml"))
# Elements inside a paragraph whose runs are part of its text: links, smart tags (which
# older Chinese documents put around dates and figures), tracked insertions, simple
# fields. Deleted text (w:del, w:moveFrom) and drawings with their text boxes are not.
_INLINE_WRAPPERS = frozenset(
    _W + t
    for t in (
        "hyperlink",
        "smartTag",
        "ins",
        "moveTo",
        "fldSimple",
        "sdt",
        "sdtContent",
        "customXml",
        "dir",
        "bdo",
    )
)


def read_docx(data: bytes, source: str) -> Extracted:
    """The text, title and date of a Word file (format "docx").

    An old binary Word file (OLE2) is handed to ``read_doc``: the content decides the
    format, not the name.
    """
    if data.startswith(_OLE2):
        return read_doc(data, source)
    return _read_package(data, source, "docx")


def read_doc(data: bytes, source: str, *, timeout: float = CONVERT_TIMEOUT) -> Extracted:
    """An old binary Word file (format "doc"), converted to .docx by LibreOffice.

    A .docx (ZIP) given here is read directly; anything else but an OLE2 container (RTF
    saved as .doc, say) is left to LibreOffice to recognise.
    """
    if data.startswith(_ZIP):
        return _read_package(data, source, "docx")
    if data.startswith(_OLE2):
        if _ole_has_stream(data, "EncryptedPackage"):
            # A password-protected .docx is an OLE2 container around the encrypted ZIP.
            raise InputError(source, ENCRYPTED)
        if not _ole_has_stream(data, "WordDocument"):
            raise InputError(source, "an old Office (OLE2) file that is not a Word document")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise InputError(source, NO_OFFICE)
    with tempfile.TemporaryDirectory(prefix="cyx-doc-") as tmp:
        folder = Path(tmp)
        doc = folder / "report.doc"
        doc.write_bytes(data)
        out = folder / "out"
        _convert(office, doc, out, source, timeout)
        converted = out / "report.docx"
        if not converted.is_file():
            raise InputError(
                source,
                "LibreOffice could not convert the .doc file (damaged or password-protected?)",
            )
        docx_data = converted.read_bytes()
    return _read_package(docx_data, source, "doc")


def _convert(office: str, doc: Path, out: Path, source: str, timeout: float) -> None:
    """Run LibreOffice to write ``out``/<stem>.docx from ``doc``."""
    cmd = [
        office,
        # A profile of its own: LibreOffice hands the job to a running instance that uses
        # the same profile (the user's open office, another worker) and then converts
        # nothing; a fresh one also asks no first-start questions.
        f"-env:UserInstallation={(doc.parent / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "docx",
        "--outdir",
        str(out),
        str(doc),
    ]
    try:
        # Its own process group, so that a timeout stops soffice.bin too, not only the
        # launcher script that started it.
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as err:
        raise InputError(source, f"could not run LibreOffice ({office}): {err.strerror}") from None
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise InputError(
            source, f"LibreOffice took more than {timeout:g} s to convert the .doc file"
        ) from None


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):  # it ended just now
            os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    proc.wait()


def _ole_has_stream(data: bytes, name: str) -> bool:
    """Whether an OLE2 container's directory names a stream ``name``.

    A directory entry is 128 bytes, aligned to 128 in the file, and starts with the name
    in UTF-16LE; its length in bytes, terminator included, is at offset 64. Matching both
    tells a directory entry from the same letters in a document's own text.
    """
    encoded = name.encode("utf-16-le")
    size = (len(name) + 1) * 2
    at = data.find(encoded)
    while at >= 0:
        if at % 128 == 0 and int.from_bytes(data[at + 64 : at + 66], "little") == size:
            return True
        at = data.find(encoded, at + 1)
    return False


def _read_package(data: bytes, source: str, fmt: str) -> Extracted:
    """Read a .docx; ``fmt`` is the format reported (a converted .doc says "doc")."""
    document = _open(data, source)
    from docx.exceptions import PythonDocxError

    try:
        lines = list(_block_lines(document.element.body))
    except (PythonDocxError, ValueError, TypeError, AttributeError, KeyError):
        # What python-docx's run text may raise on values outside the schema.
        raise InputError(source, DAMAGED) from None
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(source, NO_TEXT)
    title, date = _properties(document)
    return Extracted(text=text + "\n", format=fmt, title=title, date=date)


def _open(data: bytes, source: str) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise InputError(source, DAMAGED) from None
    unpacked = sum(m.file_size for m in members)
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    if unpacked > MAX_UNPACKED or xml > MAX_XML:
        raise InputError(
            source,
            f"the Word document unpacks to {unpacked / 2**20:.0f} MB ({xml / 2**20:.0f} MB "
            f"of XML), more than the {MAX_UNPACKED // 2**20} MB ({MAX_XML // 2**20} MB) read",
        )
    import docx  # lxml and python-docx cost start-up time that only Word files need

    try:
        return docx.Document(io.BytesIO(data))
    except Exception:
        # A damaged package fails in python-docx, zipfile, zlib or lxml, each with its own
        # exceptions (KeyError for a missing part, ValueError for a ZIP of another kind,
        # XMLSyntaxError, zlib.error, ...); all of them mean the same to the user.
        raise InputError(source, DAMAGED) from None


def _properties(document: Document) -> tuple[str | None, str | None]:
    """Title and creation date (YYYY-MM-DD) from the core properties, when it has them."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    try:
        document.part.package.part_related_by(RELATIONSHIP_TYPE.CORE_PROPERTIES)
    except KeyError:
        # Without this check python-docx would make up default ones ("Word Document").
        return None, None
    props = document.core_properties
    # A property python-docx cannot read (an empty or malformed date raises TypeError or
    # ValueError) is as good as none: the text is what the user asked for.
    try:
        title = " ".join((props.title or "").split()) or None
    except (ValueError, TypeError):
        title = None
    try:
        created = props.created
    except (ValueError, TypeError):
        created = None
    return title, created.date().isoformat() if created is not None else None


def _children(element: Any, tags: tuple[str, ...]) -> Iterator[Any]:
    """The children of ``element`` with one of ``tags``, looking inside wrappers."""
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _children(child, tags)


def _block_lines(container: Any) -> Iterator[str]:
    """One line per paragraph that has text and per table row, in document order."""
    for block in _children(container, (_P, _TBL)):
        if block.tag == _P:
            text = _paragraph_text(block)
            if text.strip():
                yield text
        else:
            for row in _row_texts(block):
                yield _end_sentence(row)


def _paragraph_text(p: Any) -> str:
    # A manual line break stays "\n": the normaliser decides whether the sentence goes
    # on, as it does for a hard-wrapped text file.
    return "".join(_run_texts(p))


def _run_texts(element: Any) -> Iterator[str]:
    for child in element:
        if child.tag == _R:
            # python-docx's run text: w:t, tabs, line breaks, non-breaking hyphens.
            yield child.text
        elif child.tag in _INLINE_WRAPPERS:
            yield from _run_texts(child)


def _row_texts(table: Any) -> Iterator[str]:
    """Each row's cells joined by CELL_SEPARATOR, an empty cell as nothing between two
    separators (so that a table reader can tell the columns apart); a row of empty cells
    is no line.

    A cell spanning columns is one w:tc and so appears once. A cell spanning rows appears
    in each of them, as python-docx shows it: every row is a sentence of its own, and the
    shared label or figure belongs to each (a header "指标" over two header rows).
    """
    above: dict[int, str] = {}  # grid column -> text of the vertical merge that covers it
    for tr in _children(table, (_TR,)):
        column = _int_val(tr, "trPr", "gridBefore", 0)
        cells: list[str] = []
        for tc in _children(tr, (_TC,)):
            merge = _vmerge(tc)
            if merge == "continue":
                text = above.get(column, "")
            else:
                text = _cell_text(tc)
                if merge == "restart":
                    above[column] = text
                else:
                    above.pop(column, None)
            cells.append(text)
            column += max(1, _int_val(tc, "tcPr", "gridSpan", 1))
        if any(cells):
            yield CELL_SEPARATOR.join(cells)


def _cell_text(tc: Any) -> str:
    # A cell's paragraphs (and a nested table's rows) stay on the row's line, apart by a
    # clause break: the cell separator is the columns' alone.
    parts = (line.replace("\n", "；") for line in _cell_lines(tc))
    return "；".join(p.strip() for p in parts if p.strip())


def _cell_lines(tc: Any) -> Iterator[str]:
    for block in _children(tc, (_P, _TBL)):
        if block.tag == _P:
            yield _paragraph_text(block)
        else:
            yield from _row_texts(block)


def _vmerge(tc: Any) -> str | None:
    """None, "restart" or "continue" (w:vMerge without a value continues)."""
    found = tc.find(f"{_W}tcPr/{_W}vMerge")
    if found is None:
        return None
    return "restart" if found.get(f"{_W}val") == "restart" else "continue"


def _int_val(element: Any, props: str, name: str, default: int) -> int:
    """The integer w:val of ``element``'s <w:props><w:name>, ``default`` if none."""
    found = element.find(f"{_W}{props}/{_W}{name}")
    if found is None:
        return default
    try:
        return int(found.get(f"{_W}val", default))
    except ValueError:
        return default


def _end_sentence(row: str) -> str:
    """The row with a full stop unless it ends a sentence already: rows stay sentences
    of their own, and rows of similar length without one would look to the normaliser
    like a hard-wrapped paragraph and be joined."""
    bare = row.rstrip(_CLOSING)
    return row if bare and bare[-1] in _SENTENCE_END else row + "。"
