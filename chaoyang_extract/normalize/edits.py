"""Pass 2: edits that delete or replace runs, found in one regular-expression pass.

Line ends, spaces, romanised readings, junk tokens, ";;" quotes, thousands separators,
decimal points written as 。, HTML entities and dashes between figures.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from .charsets import HSPACE_SET, INVISIBLE_SET, hosts_junk, hosts_reading, is_ascii_alnum

if TYPE_CHECKING:
    from .rules import Rules

__all__ = ["apply_edits", "edit_list"]

_MIXED_TOKEN = re.compile(r"(?=.*[A-Za-z])(?=.*\d)")


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with every (start, end) run of ``edits`` replaced.

    >>> apply_edits("增长 4.5%--5%", [(2, 3, ""), (7, 9, "—")])
    '增长4.5%—5%'
    """
    if not edits:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        if start > pos:
            pieces.append(text[pos:start])
        if replacement:
            pieces.append(replacement)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def edit_list(text: str, rules: Rules) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every run to change, in text order."""
    edits: list[tuple[int, int, str]] = []
    quotes = 0
    size = len(text)
    for match in rules.edits.finditer(text):
        start, end = match.span()
        first = text[start]
        replacement: str | None
        if first in HSPACE_SET:
            # The most common edit (paragraph indents): is_ascii_alnum inlined, and the
            # character after looked at only when the one before qualifies.
            before = text[start - 1] if start else ""
            keep = before.isascii() and before.isalnum()
            if keep:
                after = text[end] if end < size else ""
                keep = after.isascii() and after.isalnum()
            replacement = " " if keep else ""
        elif first == "\r":
            replacement = "\n"
        elif first == "（":
            # A bare bracket is fine; a bracketed reading after a character goes.
            host = text[start - 1] if start else ""
            is_reading = end - start > 1 and bool(host) and hosts_reading(host)
            replacement = "" if is_reading else None
        elif first == ",":
            replacement = "" if _thousands_comma(text, start) else "，"
        elif first == "。":
            # Some copies write the decimal point as 。 ("增长11。8%", "698。03亿元").
            is_point = _decimal_stop(text, start, end, rules)
            replacement = "." if is_point else None
        elif first == ";":
            if end - start == 2:
                # ";;" is what some copies made of both “ and ”: alternate, from “.
                replacement = "“" if quotes % 2 == 0 else "”"
                quotes += 1
            else:
                replacement = "；"
        elif first == "&":
            replacement = _entity(match.group(), rules) if end - start > 1 else None
        elif first in INVISIBLE_SET:
            replacement = ""
        else:  # a dash: "—" between two numbers (4.5%-5%, 2016～2020)
            replacement = rules.range_dash if _range_dash(text, start, end) else None
        if replacement is not None:
            edits.append((start, end, replacement))
    junk = _junk_tokens(text, rules)
    if junk:
        # Tokens are letters and digits, which no other edit touches, so the two lists
        # never overlap and a sort merges them.
        edits.extend((start, end, "") for start, end in junk)
        edits.sort()
    return edits


def _range_dash(text: str, start: int, end: int) -> bool:
    """Whether the dash (or two) at text[start:end] stands between two numbers, and so
    means "to" (4.5%-5%, 2016～2020); a second dash is matched only before a digit.

    >>> _range_dash("增长4.5%-5%", 6, 7), _range_dash("2016～2020年", 4, 5)
    (True, True)
    >>> _range_dash("增长-3%", 2, 3), _range_dash("——2016年", 0, 2)
    (False, False)
    """
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return (before == "%" or "0" <= before <= "9") and (end - start == 2 or "0" <= after <= "9")


def _decimal_stop(text: str, at: int, end: int, rules: Rules) -> bool:
    """Whether the 。 at text[at] stands for a decimal point (11。8%, not 2.27:1。15个)."""
    left = at
    while left > 0 and "0" <= text[left - 1] <= "9":
        left -= 1
    if left == at or at - left > 6:
        return False
    # A number that is the end of a ratio or a score (2.27:1, 3/4) closes its sentence.
    if left > 0 and text[left - 1] in ".:：/∶":
        return False
    return rules.decimal_stop.match(text, end) is not None


def _thousands_comma(text: str, at: int) -> bool:
    """Whether text[at] == "," groups thousands, as in 1,234,567 (not 3.7,200 or 2016,2017).

    >>> _thousands_comma("投资1,234,567万元", 3), _thousands_comma("投资1,234,567万元", 7)
    (True, True)
    >>> _thousands_comma("上升3.7,200个", 5), _thousands_comma("2016,2017年", 4)
    (False, False)
    """
    start = at
    while start > 0 and at - start < 4 and "0" <= text[start - 1] <= "9":
        start -= 1
    group = at - start
    if group == 0 or group > 3 or (start > 0 and text[start - 1] == "."):
        return False
    after = text[at + 1 : at + 5]
    return (
        len(after) >= 3
        and after[:3].isdigit()
        and after[:3].isascii()
        and not (len(after) == 4 and "0" <= after[3] <= "9")
    )


def _entity(entity: str, rules: Rules) -> str | None:
    import html  # its table of entities is large and rarely needed

    value = html.unescape(entity)
    if value == entity:
        return None
    if value.isspace():
        return ""
    return value.translate(rules.table)


def _junk_tokens(text: str, rules: Rules) -> list[tuple[int, int]]:
    """Spans of watermark tokens such as "Sw7" to remove.

    A token that mixes letters and digits and ends a line of Chinese text is junk when it
    has a lower-case letter (real ones like 5G, G20 are upper case) or when the document
    repeats it at line ends, as watermarks are; the keep list protects real words.
    """
    found: list[tuple[int, int, str]] = []
    for match in rules.token.finditer(text):
        end = match.end()
        start = end - 1
        while start > 0 and end - start <= 5 and is_ascii_alnum(text[start - 1]):
            start -= 1
        word = text[start:end]
        host = text[start - 1] if start else "\n"
        if (
            2 <= len(word) <= 5
            and hosts_junk(host)
            and _MIXED_TOKEN.match(word)
            and word not in rules.keep_tokens
        ):
            found.append((start, end, word))
    if not found:
        return []
    counts = Counter(word for _, _, word in found)
    return [
        (start, end)
        for start, end, word in found
        if counts[word] > 1 or not (word.isupper() or word.isdigit())
    ]
