"""Large files are decoded piece by piece; the pieces must join to exactly the one-shot text."""

from __future__ import annotations

import codecs

import pytest

from chaoyang_extract.errors import InputError
from chaoyang_extract.reading import _CHUNK, _CHUNKED_FROM, decode_bytes

# Three-byte UTF-8 characters with an ASCII digit in between: 1 MB piece boundaries fall
# inside characters at every offset.
LINE = "地区生产总值增长7.5%，一般公共预算收入达到45亿元。\n"


def big_text() -> str:
    text = LINE * ((_CHUNKED_FROM + 2 * _CHUNK) // len(LINE.encode("utf-8")) + 7)
    assert len(text.encode("utf-8")) > _CHUNKED_FROM + 2 * _CHUNK
    return text


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("gb18030", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
def test_large_file_decodes_exactly(encoding: str, bom: bytes) -> None:
    text = big_text()
    assert decode_bytes(bom + text.encode(encoding), "big.txt") == text


def test_large_file_with_a_truncated_last_character_is_kept() -> None:
    text = big_text()
    data = text.encode("utf-8") + "元".encode()[:2]
    assert decode_bytes(data, "big.txt") == text


def test_large_file_with_bad_bytes_inside_is_refused() -> None:
    # Bytes that are neither UTF-8 nor GB18030 in the middle of a large file.
    data = big_text().encode("utf-8")
    middle = len(data) // 2
    bad = data[:middle] + b"\xff" * 5000 + data[middle:]
    with pytest.raises(InputError) as err:
        decode_bytes(bad, "big.txt")
    assert "cannot decode" in str(err.value)
