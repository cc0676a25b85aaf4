"""Character classes that are Unicode facts rather than Chinese-language knowledge."""

from __future__ import annotations

import re

__all__ = [
    "HSPACE",
    "HSPACE_RUN",
    "HSPACE_SET",
    "INVISIBLE",
    "INVISIBLE_SET",
    "LINE_BREAKS",
    "hosts_junk",
    "hosts_reading",
    "is_ascii_alnum",
]

# Spaces of every width, including the ideographic space used to indent paragraphs.
HSPACE = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Characters with no visible form that web pages leave in copied text.
INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
# Line separators other than CR/LF that some editors and web pages emit.
LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

HSPACE_RUN = re.compile(f"[{HSPACE}]")
HSPACE_SET = frozenset(" \t\u00a0\u1680\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
INVISIBLE_SET = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


def is_ascii_alnum(ch: str) -> bool:
    """Whether ``ch`` is an ASCII letter or digit (full-width ones are not).

    >>> is_ascii_alnum("7"), is_ascii_alnum("G"), is_ascii_alnum("７"), is_ascii_alnum("经")
    (True, True, False, False)
    """
    return ch.isascii() and ch.isalnum()


# Single-character tests are plain comparisons: a regex class spanning the CJK blocks
# costs milliseconds to compile at import, which `cyx --help` would pay too.


def _is_han(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


def hosts_reading(ch: str) -> bool:
    """Whether a romanised reading may follow ``ch``: a Han character, or the bopomofo and
    box-drawing characters that mojibake in the same copies turns some of them into.

    >>> hosts_reading("現"), hosts_reading("ㄅ"), hosts_reading("a"), hosts_reading("，")
    (True, True, False, False)
    """
    code = ord(ch)
    return _is_han(code) or 0x3100 <= code <= 0x312F or 0x2500 <= code <= 0x257F


def hosts_junk(ch: str) -> bool:
    """Whether a junk token ("Sw7") may follow ``ch``: the end of Chinese text or a line.

    >>> hosts_junk("上"), hosts_junk("："), hosts_junk("\\n"), hosts_junk("A"), hosts_junk(" ")
    (True, True, True, False, False)
    """
    code = ord(ch)
    return (
        _is_han(code)
        or 0x2010 <= code <= 0x2027
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or ch in "%\r\n"
    )
