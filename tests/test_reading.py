"""Decoding reports: every supported encoding, and clear refusals for everything else."""

from __future__ import annotations

import errno
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from chaoyang_extract.errors import InputError
from chaoyang_extract.reading import decode_bytes, read_document

SIMPLIFIED = (
    "各位代表：\r\n"
    "　　预计全年完成地区生产总值780亿元，下降9%；一般公共预算收入51亿元，下降6.8%。\n"
    "城镇和农村常住居民人均可支配收入分别为22500元和11260元，增长6.1%和7.1%。\r"
    "2017年主要预期目标：地区生产总值增长6.5%左右（GDP），力争7%。\n"
)
TRADITIONAL = (
    "現在，我代表市人民政府，向大會報告政府工作。全市實現地區生產總值1360億元，增長9.4%。\n"
)
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "gb18030"],
)
def test_round_trip_simplified(encoding: str) -> None:
    assert decode_bytes(SIMPLIFIED.encode(encoding), "report.txt") == SIMPLIFIED


@pytest.mark.parametrize("encoding", ["gbk", "gb2312"])
def test_round_trip_legacy_gb(encoding: str) -> None:
    text = SIMPLIFIED.replace("　", "  ")  # keep to characters GB2312 surely has
    assert decode_bytes(text.encode(encoding), "report.txt") == text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "gb18030", "big5"])
def test_round_trip_traditional(encoding: str) -> None:
    assert decode_bytes(TRADITIONAL.encode(encoding), "report.txt") == TRADITIONAL


def test_line_ends_are_left_alone() -> None:
    text = decode_bytes(b"a\r\nb\rc\n", "x.txt")
    assert text == "a\r\nb\rc\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_mark_is_dropped(encoding: str) -> None:
    text = decode_bytes("预计增长6%".encode(encoding), "x.txt")
    assert text == "预计增长6%"
    assert not text.startswith("\ufeff")


def test_empty_input_gives_empty_text() -> None:
    assert decode_bytes(b"", "empty.txt") == ""


def test_utf16_without_bom_is_found_by_its_nuls() -> None:
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(SIMPLIFIED.encode(encoding), "x.txt") == SIMPLIFIED


# Full-width digits and punctuation have no zero byte, while 一 (U+4E00) has one in the
# low byte: written as UTF-16 without a BOM, the NULs fall in both lanes, often mostly
# in the "wrong" one. Issue 9: 18 of 35 real reports saved that way were refused.
FULL_WIDTH = (
    "一、２０１６年工作回顾\n一年来，全市地区生产总值完成７８０亿元，增长一成。统一、唯一、第一。\n"
)
REPORTS = sorted(Path(__file__).resolve().parent.glob("corpus/*/*.txt"))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_whatever_lane_its_nuls_fall_in(encoding: str) -> None:
    data = FULL_WIDTH.encode(encoding)
    assert data[0::2].count(0) > 0 and data[1::2].count(0) > 0
    assert decode_bytes(data, "x.txt") == FULL_WIDTH
    refused = []
    for path in REPORTS:
        text = read_document(path)
        try:
            if decode_bytes(text.encode(encoding), str(path)) != text:
                refused.append(f"{path.name}: misread")
        except InputError as e:
            refused.append(str(e))
    assert len(REPORTS) > 30 and refused == []


def test_truncated_last_character_is_forgiven() -> None:
    data = "地区生产总值增长6.5%，财政收入".encode()
    text = decode_bytes(data[:-1], "cut.txt")
    assert text == "地区生产总值增长6.5%，财政收"


def test_gbk_is_not_mistaken_for_big5() -> None:
    text = "城乡居民人均可支配收入分别增长8.5%和9.3%，居民消费价格涨幅控制在3%左右。"
    assert decode_bytes(text.encode("gbk"), "x.txt") == text


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (_zip_bytes(), "ZIP archive"),
        (gzip.compress("生产总值".encode()), "gzip archive"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "ELF executable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "OLE2 document"),
    ],
)
def test_binary_files_are_refused_by_name(data: bytes, kind: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "upload.bin")
    message = str(caught.value)
    assert message.startswith("upload.bin: binary file (")
    assert kind in message
    assert "not a text report" in message
    assert caught.value.path == "upload.bin"


def test_nul_bytes_that_are_not_utf16_are_refused() -> None:
    data = "生产总值".encode() + b"\x00\x00\x01\x02" + "增长".encode() + b"abc\x00def"
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "odd.txt")
    assert str(caught.value) == "odd.txt: contains NUL bytes; not a text file"


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(InputError) as caught:
        decode_bytes(bytes([0x80, 0xFF]) * 300, "junk.txt")
    assert str(caught.value) == "junk.txt: cannot decode as UTF-8, UTF-16 or GB18030"


def test_control_characters_mean_binary() -> None:
    data = bytes(range(1, 9)) * 50 + "增长".encode()
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "ctl.dat")
    assert "ctl.dat: binary file" in str(caught.value)


def test_read_document_reads_and_decodes(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(SIMPLIFIED.encode("gb18030"))
    assert read_document(path) == SIMPLIFIED


def test_read_document_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read_document(path) == ""


def test_read_document_missing(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: no such file"


def test_read_document_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_document(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a file"


def test_read_document_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("增长6%", encoding="utf-8")

    # Tests may run as root, for whom chmod 000 does not stop a read; fake the refusal.
    def refuse(self: Path) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: cannot read: permission denied"


def test_read_document_other_os_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "flaky.txt"

    def fail(self: Path) -> bytes:
        raise OSError(errno.EIO, "Input/output error", str(self))

    monkeypatch.setattr(Path, "read_bytes", fail)
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: cannot read: Input/output error"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_files_decode_exactly() -> None:
    files = sorted(CORPUS.glob("*/*.txt"))
    assert files
    for path in files:
        assert read_document(path) == path.read_bytes().decode("utf-8"), path
