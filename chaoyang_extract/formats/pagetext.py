"""Pages of text to one text: running headers, footers and page numbers dropped, and a
paragraph that a page break cut in two made whole again.

Works on the lines of each page as a paginated format's text layer gives them, in the
order the page draws them, so it knows nothing of positions: a running header or footer
is a line that repeats at an edge of most pages (digits aside, for "第3页" and the like),
wherever the producer happened to draw it, first or last.

>>> pages = [["报告", "第一段开始", "- 1 -"], ["报告", "接着写完。", "- 2 -"]]
>>> join_pages(pages)
'第一段开始接着写完。'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

__all__ = ["join_pages", "is_page_number"]

# How far into a page, from either end, a running line may sit (a header, a rule's
# caption, a page number drawn before or after the body).
EDGE_LINES = 3

# A line that repeats at the edges of at least this share of the pages (and of two
# pages at least) is running text; below half, so that headers alternating between odd
# and even pages (report title / chapter) still go.
RUNNING_SHARE = 0.4

_PAGE_NUMBER = re.compile(
    r"""
    [-‐‑‒–—―−－~～·•]*\s*\d{1,4}\s*[-‐‑‒–—―−－~～·•]*      # 3, - 3 -, — 3 —, －3－
    | 第\s*[\d一二三四五六七八九十百零〇]+\s*页
      (?:\s*[,，/、]?\s*共\s*\d+\s*页)?                     # 第3页, 第 3 页 共 20 页
    | 共\s*\d+\s*页\s*[,，/、]?\s*第\s*\d+\s*页                # 共20页 第3页
    | \d{1,4}\s*/\s*\d{1,4}                                 # 3/20, 3 / 20
    | (?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?        # Page 3, Page 3 of 20
    """,
    re.IGNORECASE | re.VERBOSE,
)

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")

# Mirrors rules/normalize.yaml (sentence_final, closing_marks, no_line_start,
# paragraph_starts): the reader stays independent of the rule files, which the
# normaliser loads later anyway.
_SENTENCE_FINAL = frozenset("。！？…!?")
_CLOSING_MARKS = frozenset("”’」』）》〉】\"')")
_NO_LINE_START = frozenset("，。；、：？！）》〉】”’%‰,.;:?!)")
_PARAGRAPH_START = re.compile(
    r"[一二三四五六七八九十百]+[、.]|（[一二三四五六七八九十百]+）|（\d{1,3}）"
    r"|\d{1,3}[、.](?!\d)|[①-⑳⑴-⒇⒈-⒛㈠-㈩]|第[一二三四五六七八九十百]+[章节部篇]"
)
_INDENT = (" ", "\t", "\u3000", "\xa0")

# A line at least this share of the body's line width filled its line: a paragraph
# that goes on past it was wrapped there, not ended.
_FULL_SHARE = 0.8


def is_page_number(line: str) -> bool:
    """Whether ``line`` is nothing but a page number.

    >>> [is_page_number(s) for s in ("- 3 -", "第3页", "3", "第 3 页 共 20 页", "— 3 —")]
    [True, True, True, True, True]
    >>> is_page_number("3月份完成投资")
    False
    """
    return _PAGE_NUMBER.fullmatch(line.strip()) is not None


def _key(line: str) -> str:
    """What a running line has in common from page to page: its text, digits aside."""
    return _DIGITS.sub("#", _SPACE.sub("", line))


def _edges(lines: Sequence[str]) -> list[str]:
    """The non-blank lines near either end of a page."""
    filled = [line for line in lines if line.strip()]
    if len(filled) <= 2 * EDGE_LINES:
        return filled
    return filled[:EDGE_LINES] + filled[-EDGE_LINES:]


def _running_keys(pages: Sequence[Sequence[str]]) -> set[str]:
    """The keys of lines that repeat at the edges of most pages."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(line) for line in _edges(lines)})
    needed = max(2.0, RUNNING_SHARE * len(pages))
    return {key for key, count in counts.items() if count >= needed}


def _strip_edges(lines: Sequence[str], running: set[str]) -> list[str]:
    """The page's lines without the running lines and page numbers at its two ends."""

    def removable(line: str) -> bool:
        return not line.strip() or _key(line) in running or is_page_number(line)

    start, removed = 0, 0
    while start < len(lines) and removed < EDGE_LINES and removable(lines[start]):
        removed += bool(lines[start].strip())
        start += 1
    end, removed = len(lines), 0
    while end > start and removed < EDGE_LINES and removable(lines[end - 1]):
        removed += bool(lines[end - 1].strip())
        end -= 1
    body = list(lines[start:end])
    # Blank lines that the peeling stopped short of are no part of the text either.
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return body


def _width(line: str) -> int:
    """A line's width in half-width cells (GB18030 bytes: two for a Han character)."""
    return len(line.strip().encode("gb18030", "replace"))


def _ends_sentence(line: str) -> bool:
    text = line.rstrip()
    while text and text[-1] in _CLOSING_MARKS:
        text = text[:-1]
    return bool(text) and text[-1] in _SENTENCE_FINAL


def _body_width(pages: Sequence[Sequence[str]]) -> int:
    """The width of a full line of body text: the upper quartile of the lines that do
    not end a sentence, which are mostly lines wrapped at the margin."""
    widths = sorted(_width(line) for lines in pages for line in lines if not _ends_sentence(line))
    widths = [w for w in widths if w]
    return widths[(3 * len(widths)) // 4] if widths else 0


# A table row as a PDF's text layer gives it: a name, then figures apart by spaces.
_TABLE_ROW = re.compile(r"\S*[\u4e00-\u9fff]\S*(?: +\S*\d\S*){2,}\s*$")


def _continues(last: str, first: str, full: int) -> bool:
    """Whether the first line of a page goes on with the paragraph of the page before."""
    if not last.strip() or not first.strip():
        return False
    if first[0] in _NO_LINE_START:
        return True  # no line starts with a comma: this one can only go on
    if _ends_sentence(last) or first.startswith(_INDENT) or _PARAGRAPH_START.match(first):
        return False
    if _TABLE_ROW.match(last) and _TABLE_ROW.match(first):
        return False  # two rows of a table cut by the page break, each a line of its own
    # A short line that ends no sentence is a heading or a paragraph's unpunctuated end.
    return _width(last) >= _FULL_SHARE * full


def _glue(last: str, first: str) -> str:
    """What goes between the two halves of a paragraph joined across a page break: a
    space between two Latin words, nothing in Chinese text or inside a number.

    >>> _glue("growth of", "six"), _glue("特别是1", "55个"), _glue("增长", "6%")
    (' ', '', '')
    """
    ends, starts = last[-1:], first[:1]
    latin = ends.isascii() and ends.isalnum() and starts.isascii() and starts.isalnum()
    return " " if latin and not (ends.isdigit() and starts.isdigit()) else ""


def join_pages(pages: Sequence[Sequence[str]]) -> str:
    """One text from the pages' lines: running lines and page numbers at the pages'
    edges dropped, lines inside a page kept as they are, and the last line of a page
    joined to the first of the next when the page break cut a paragraph."""
    running = _running_keys(pages)
    bodies = [_strip_edges(lines, running) for lines in pages]
    full = _body_width(bodies)
    parts: list[str] = []
    last = ""
    for body in bodies:
        if not body:
            continue
        if parts:
            joined = _continues(last, body[0], full)
            parts.append(_glue(last, body[0]) if joined else "\n")
        parts.append("\n".join(body))
        last = body[-1]
    return "".join(parts)
