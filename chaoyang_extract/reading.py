"""Bytes to text: find the encoding of a report and refuse files that are not text.

Offsets in the output table point into the string returned here, so line ends are left
exactly as they were; only a leading byte-order mark is dropped.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from pathlib import Path

from chaoyang_extract.errors import InputError

# Prefixes of common non-text formats.  A user who points the tool at a PDF or a .docx
# deserves to hear what the file is rather than see mojibake or an empty table.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive, e.g. .docx/.xlsx"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"PK\x07\x08", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 document, e.g. .doc/.xls"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O file"),
    (b"\xfe\xed\xfa\xce", "Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "Mach-O executable"),
    (b"\xce\xfa\xed\xfe", "Mach-O executable"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"\x00asm", "WebAssembly module"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
    (b"{\\rtf", "RTF document"),
)

# Controls that never occur in a text report; tab, LF, VT, FF, CR and the DOS end-of-file
# mark (0x1A) are left out because plain-text files really do contain them.
_CONTROL = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")

_UNDECODABLE = "cannot decode as UTF-8, UTF-16 or GB18030"
_NUL = "contains NUL bytes; not a text file"

# How many bytes the encoding sniffers look at: enough for a stable statistic, and
# bounded so that a large file costs no more than a small one.
_SNIFF = 1 << 16


def decode_bytes(data: bytes, source: str) -> str:
    """Decode a report's bytes; raise InputError(source, ...) for non-text input.

    Accepts UTF-8 (with or without BOM), UTF-16 and UTF-32 (with BOM, or UTF-16/32
    without BOM recognised by where the NUL bytes fall) and GB18030/GBK/GB2312, with
    Big5 and charset-normalizer's guess as fallbacks. Line ends are returned unchanged.
    """
    if not data:
        return ""
    kind = _binary_kind(data)
    if kind is not None:
        raise InputError(source, f"binary file ({kind}), not a text report")
    text = _decode(data, source)
    if text.startswith("\ufeff"):
        text = text[1:]
    _reject_control_chars(text, source)
    return text


def read_document(path: Path) -> str:
    """Read and decode one plain-text report; an empty file gives "" (the caller warns
    about it). Reports in other formats: ``formats.read.read_file``."""
    return decode_bytes(read_bytes_of(path), str(path))


def read_bytes_of(path: Path) -> bytes:
    """The bytes of a report file; InputError(path, …) with the reason it cannot be read."""
    source = str(path)
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise InputError(source, "no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(source, "is a directory, not a file") from exc
    except PermissionError as exc:
        # Some platforms report a directory as a permission problem.
        if path.is_dir():
            raise InputError(source, "is a directory, not a file") from exc
        raise InputError(source, "cannot read: permission denied") from exc
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror or exc}") from exc


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if re.match(rb"BZh[1-9]1AY&SY", data):
        return "bzip2 archive"
    if data.startswith(b"RIFF") and len(data) >= 12:
        return "RIFF media file"
    if data[4:8] == b"ftyp":
        return "MP4/QuickTime media file"
    if data.startswith(b"MZ") and b"\x00" in data[:_SNIFF]:
        return "Windows executable"
    return None


def _decode(data: bytes, source: str) -> str:
    bom = _bom_encoding(data)
    if bom is not None:
        encoding, size = bom
        text = _strict(memoryview(data)[size:], encoding)
        if text is None:
            raise InputError(source, f"{_UNDECODABLE} (has a {encoding} byte-order mark)")
        return text
    if b"\x00" in data:
        wide = _decode_wide_without_bom(data)
        if wide is None:
            raise InputError(source, _NUL)
        return wide

    utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        return utf8

    chinese = _decode_chinese_legacy(data)
    if chinese is not None:
        return chinese

    guessed = _charset_normalizer_guess(data)
    if guessed is not None:
        return guessed

    # A web copy with a byte or two of corruption is still worth reading; a file where
    # such damage is more than rare is not what it claims to be.
    for encoding in ("utf-8", "gb18030"):
        lossy = data.decode(encoding, "replace")
        if lossy.count("\ufffd") <= max(1, len(lossy) // 1000):
            return lossy
    raise InputError(source, _UNDECODABLE)


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    # UTF-32 before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE mark.
    boms = (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, encoding in boms:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _decode_wide_without_bom(data: bytes) -> str | None:
    """UTF-16/UTF-32 without a BOM, recognised by where the NULs fall and by which
    reading gives everyday text; None when neither does (binary data with NULs)."""
    sample = data[: _SNIFF - _SNIFF % 4]
    for encoding, zero_lanes, width in (
        ("utf-32-le", (2, 3), 4),
        ("utf-32-be", (0, 1), 4),
    ):
        lanes = [sample[lane::width] for lane in zero_lanes]
        if all(lane and lane.count(0) == len(lane) for lane in lanes):
            text = _strict(data, encoding)
            if text is not None:
                return text
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    # ASCII characters (digits, line ends) put a NUL in the high byte, but so do Han
    # characters such as 一 (U+4E00) in the low byte: a report with full-width digits has
    # NULs in both lanes. So the lanes only say which reading to try first; both are
    # tried, and the one that reads as everyday Chinese (or plain ASCII) wins.
    order = ("utf-16-le", "utf-16-be") if odd_nuls >= even_nuls else ("utf-16-be", "utf-16-le")
    best: str | None = None
    best_share = 0.5  # a stray NUL in 8-bit data reads as a run of rare characters
    for encoding in order:
        text = _strict(data, encoding)
        if text is None:
            continue
        share = _common_share(text)
        if share > best_share:
            best, best_share = text, share
    return best


# Decoding a large file piece by piece: CPython decodes UTF-8 Chinese through a buffer of
# four bytes a character before it settles on two, so a one-shot decode of a 50 MB report
# peaks at four times the file; in 1 MB pieces the extra is one more copy of the text.
_CHUNK = 1 << 20
_CHUNKED_FROM = 4 * _CHUNK


def _decode_in_chunks(data: bytes | memoryview, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(data)
    try:
        pieces = [decoder.decode(view[i : i + _CHUNK]) for i in range(0, len(view), _CHUNK)]
        pieces.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return None
    return "".join(pieces)


def _strict(data: bytes | memoryview, encoding: str) -> str | None:
    """Strict decode that forgives only a truncated last character (size-capped copies)."""
    if len(data) >= _CHUNKED_FROM:
        text = _decode_in_chunks(data, encoding)
        if text is not None:
            return text
        # Fall through: the one-shot decode below tells a truncated tail from bad bytes.
    data = bytes(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        unit = 4 if encoding.startswith("utf-32") else 2 if encoding.startswith("utf-16") else 1
        truncated_tail = exc.end >= len(data) and len(data) - exc.start < 4 * unit
        if not truncated_tail or exc.start == 0:
            return None
        try:
            return data[: exc.start].decode(encoding)
        except UnicodeDecodeError:
            return None


def _decode_chinese_legacy(data: bytes) -> str | None:
    """GB18030 (a superset of GBK and GB2312), or Big5 when that reads far better.

    Big5 bytes are nearly always valid GBK too, so a strict decode alone cannot tell
    them apart; the share of everyday characters in each reading does.
    """
    gb = _strict(data, "gb18030")
    if gb is not None and _common_share(gb) >= 0.9:
        return gb
    best = gb
    best_share = _common_share(gb) if gb is not None else -1.0
    for encoding in ("cp950", "big5hkscs"):
        big5 = _strict(data, encoding)
        if big5 is not None and _common_share(big5) > best_share + 0.1:
            best, best_share = big5, _common_share(big5)
    return best


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    match = from_bytes(data[: _SNIFF * 4]).best()
    if match is None:
        return None
    try:
        text = data.decode(match.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    # A Western code page "decodes" any byte string; only keep a guess that reads as
    # Chinese, which is what every report is.
    return text if _common_share(text) >= 0.8 else None


@lru_cache(maxsize=1)
def _common_chars_table() -> dict[int, None]:
    """Deletion table of everyday Han characters: GB2312 level 1 plus common Big5."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            chars.update(bytes((lead, trail)).decode("gb2312", "ignore"))
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            chars.update(bytes((lead, trail)).decode("big5", "ignore"))
    return dict.fromkeys(ord(c) for c in chars if c != "\ufffd")


def _common_share(text: str) -> float:
    sample = text[:_SNIFF]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    if non_ascii == 0:
        return 1.0
    common = len(sample) - len(sample.translate(_common_chars_table()))
    return common / non_ascii


def _reject_control_chars(text: str, source: str) -> None:
    if _CONTROL.search(text) is None:
        return
    sample = text[:_SNIFF]
    count = len(_CONTROL.findall(sample))
    if count > max(8, len(sample) // 100):
        if "\x00" in sample:
            raise InputError(source, _NUL)
        raise InputError(source, "binary file (control characters), not a text report")
