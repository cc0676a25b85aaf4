"""Pass 1: one-for-one character changes, which leave every offset where it was.

Full-width forms and ASCII punctuation through one translation table, then traditional
to simplified with OpenCC, block by block.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .charsets import LINE_BREAKS

if TYPE_CHECKING:
    import opencc

    from .rules import Rules

__all__ = ["char_table", "converter", "one_for_one"]


def char_table(extra: dict[str, str]) -> dict[int, str]:
    """The translation table of pass 1: the generic changes, then ``extra`` (char_map).

    >>> table = char_table({"℅": "%"})
    >>> "ＧＤＰ增长６．５％，ＣＰＩ".translate(table)
    'GDP增长6.5%，CPI'
    >>> "各位代表:(摘要)好吗?15℅".translate(table)
    '各位代表：（摘要）好吗？15%'
    >>> "1,234;".translate(table)  # left to the edit pass
    '1,234;'
    """
    table: dict[int, str] = {}
    # Full-width ASCII variants (U+FF01-FF5E) to ASCII...
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    # ...except the forms that are the standard Chinese punctuation, which stay, and
    # whose ASCII twins become them, so that rules need to know only one comma.
    # ASCII ',' and ';' are left to the edit pass: "1,234" and ";;" need context.
    for chinese in "，；：（）！？":
        del table[ord(chinese)]
    for ascii_char, chinese in zip(":()!?", "：（）！？", strict=True):
        table[ord(ascii_char)] = chinese
    for ch in LINE_BREAKS:
        table[ord(ch)] = "\n"
    for src, dst in extra.items():
        table[ord(src)] = dst
    return table


_CONVERTER: opencc.OpenCC | None = None


def converter() -> opencc.OpenCC:
    """OpenCC's traditional-to-simplified converter, made on first use."""
    global _CONVERTER
    if _CONVERTER is None:
        import opencc  # a C++ extension with dictionaries: load it once, and only if used

        _CONVERTER = opencc.OpenCC("t2s")
    return _CONVERTER


# Pass 1 runs over blocks of about this many characters, each ending at a line break.
# OpenCC copies its whole input to UTF-8 and keeps a segment list for it: on a 50 MB
# report, converting the text in one piece costs more memory than the text itself.
_BLOCK = 1 << 20


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive blocks of ``text``, each but the last ending with "\\n".

    Cutting only at "\\n" keeps the result that of one whole-text pass: no OpenCC phrase
    and no character mapping spans a line break, and ``_to_simplified`` judges lines
    split at "\\n", so no line is ever judged in two parts.
    """
    size = len(text)
    start = 0
    while start < size:
        cut = text.find("\n", start + _BLOCK)
        end = size if cut < 0 else cut + 1
        yield start, end
        start = end


def one_for_one(original: str, rules: Rules) -> str:
    """Pass 1 over ``original``, block by block; ``original`` itself when nothing changes."""
    simple_blocks: list[str | None] = []  # None: the block is unchanged
    per_line = True
    for start, end in _blocks(original):
        block = original[start:end]
        mapped = rules.mapped.sub(lambda m: m.group().translate(rules.table), block)
        simple = _to_simplified(mapped)
        if simple is None:
            # A block whose line count changed: the whole text falls back to one
            # character at a time, as a single pass over it would have done.
            per_line = False
            break
        simple_blocks.append(None if simple == block else simple)
    if not per_line:
        mapped_text = rules.mapped.sub(lambda m: m.group().translate(rules.table), original)
        return "\n".join(_per_char(line) for line in mapped_text.split("\n"))
    if all(block is None for block in simple_blocks):
        return original
    return "".join(
        original[start:end] if simple is None else simple
        for (start, end), simple in zip(_blocks(original), simple_blocks, strict=True)
    )


def _to_simplified(text: str) -> str | None:
    """OpenCC t2s, kept one-for-one so that offsets still line up; None if OpenCC changed
    the number of lines (the caller then converts the whole text character by character).

    OpenCC works on phrases, and a phrase may in principle change length; a line whose
    length changes is converted character by character instead, and a character whose
    own conversion is not one character is kept as it was.
    """
    converted: str = converter().convert(text)
    if converted == text:
        return text
    src_lines = text.split("\n")
    dst_lines = converted.split("\n")
    if len(src_lines) != len(dst_lines):
        return None
    if all(len(s) == len(d) for s, d in zip(src_lines, dst_lines, strict=True)):
        return converted
    pairs = zip(src_lines, dst_lines, strict=True)
    return "\n".join(d if len(s) == len(d) else _per_char(s) for s, d in pairs)


def _per_char(line: str) -> str:
    convert = converter().convert
    out = []
    for ch in line:
        simple: str = convert(ch)
        out.append(simple if len(simple) == 1 else ch)
    return "".join(out)
