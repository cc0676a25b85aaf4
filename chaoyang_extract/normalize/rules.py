"""The language knowledge of rules/normalize.yaml, checked and compiled once.

The file's shape (keys, types, which are required) is ``NORMALIZE`` in
``chaoyang_extract.rulebook.schema``, checked by ``read_special``; what the shape cannot
say (patterns that compile, character strings that are not empty, counts above zero,
one character mapped to one) is checked here, each problem a RuleError at the key's line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chaoyang_extract.errors import RuleError
from chaoyang_extract.resources import rules_dir
from chaoyang_extract.rulebook import cache, read_special
from chaoyang_extract.rulebook.source import line_of

from .chars import char_table
from .charsets import HSPACE, INVISIBLE

__all__ = ["Rules", "builtin_rules", "load_rules"]


@dataclass(frozen=True)
class Rules:
    table: dict[int, str]
    mapped: re.Pattern[str]
    sentence_final: str
    closing_marks: str
    clause_final: str
    continuation_end: str
    continuation_min_chars: int
    fragment_max_chars: int
    dangling_end: str
    body_mark: re.Pattern[str]
    no_line_start: str
    range_dashes: str
    range_dash: str
    paragraph_start: re.Pattern[str]
    keep_tokens: frozenset[str]
    edits: re.Pattern[str]
    token: re.Pattern[str]
    decimal_stop: re.Pattern[str]


@functools.cache
def builtin_rules() -> Rules:
    """The rules of the rules folder's normalize.yaml, loaded on first use (and kept in
    the rule cache across runs)."""
    path = rules_dir() / "normalize.yaml"
    found = cache.cached("normalize", [str(path).encode(), path], lambda: load_rules(path))
    assert found is not None
    return found


def load_rules(path: Path) -> Rules:
    """``path`` (a normalize.yaml) read, checked and compiled; RuleError(FILE, …, LINE)."""
    raw = read_special(path)
    where = str(path)
    reading = _pattern(where, "reading", _chars(raw, where, "reading"), line_of(raw, "reading"))
    range_dashes = _chars(raw, where, "range_dashes")
    table = char_table(_char_map(raw, where))
    return Rules(
        table=table,
        mapped=re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]+"),
        sentence_final=_chars(raw, where, "sentence_final"),
        closing_marks=_chars(raw, where, "closing_marks"),
        clause_final=_chars(raw, where, "clause_final"),
        continuation_end=_chars(raw, where, "continuation_end"),
        continuation_min_chars=_count(raw, where, "continuation_min_chars"),
        fragment_max_chars=_count(raw, where, "fragment_max_chars"),
        dangling_end=_chars(raw, where, "dangling_end"),
        body_mark=re.compile(f"[{re.escape(_chars(raw, where, 'body_marks'))}]"),
        no_line_start=_chars(raw, where, "no_line_start"),
        range_dashes=range_dashes,
        range_dash=_chars(raw, where, "range_dash"),
        paragraph_start=_paragraph_start(raw, where),
        keep_tokens=frozenset(str(t) for t in raw["keep_tokens"]),
        edits=_edits(reading, range_dashes),
        token=_token(),
        decimal_stop=_decimal_stop(raw, where),
    )


def _chars(raw: Any, where: str, key: str) -> str:
    value: str = raw[key]
    if not value:
        message = f"{key}: expected a non-empty string of characters"
        raise RuleError(where, message, line_of(raw, key))
    return value


def _count(raw: Any, where: str, key: str) -> int:
    value: int = raw[key]
    if value < 1:
        raise RuleError(where, f"{key}: expected a positive integer", line_of(raw, key))
    return value


def _pattern(where: str, what: str, text: str, line: int) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise RuleError(where, f"{what}: bad pattern {text!r}: {exc}", line) from exc
    return text


def _char_map(raw: Any, where: str) -> dict[str, str]:
    char_map: dict[str, str] = raw["char_map"]
    for src, dst in char_map.items():
        if not isinstance(src, str) or len(src) != 1 or len(dst) != 1:
            message = "char_map: expected single characters mapped to single ones"
            raise RuleError(where, f"{message}, not {src!r}: {dst!r}", line_of(char_map, src))
    return char_map


def _decimal_stop(raw: Any, where: str) -> re.Pattern[str]:
    # Left empty, no 。 is a decimal point.
    text = raw["decimal_stop"] or "(?!)"
    return re.compile(_pattern(where, "decimal_stop", text, line_of(raw, "decimal_stop")))


def _paragraph_start(raw: Any, where: str) -> re.Pattern[str]:
    # The items of a list carry no lines of their own: a bad one names the list's key.
    line = line_of(raw, "paragraph_starts")
    return re.compile(
        "|".join(
            f"(?:{_pattern(where, f'paragraph_starts[{i}]', p, line)})"
            for i, p in enumerate(raw["paragraph_starts"])
        )
    )


def _edits(reading: str, range_dashes: str) -> re.Pattern[str]:
    """The one pattern of every edit the edit pass makes (see ``edits.edit_list``)."""
    dashes = re.escape(range_dashes)
    # Every edit starts at one of these characters.  Starting the pattern with a plain
    # character class lets the regex engine skip everything else at C speed; the kind
    # of edit is then told by the first character.
    # A 。 is a candidate only before a digit: most are full stops, and a Python-level
    # look at each one cost more than the rest of normalising.
    return re.compile(
        "(?:。(?=[0-9])|"
        rf"[\r{INVISIBLE}&（;,{HSPACE}{dashes}]"
        "(?:"
        r"(?<=\r)\n"
        f"|(?<=[{INVISIBLE}])[{INVISIBLE}]+"
        r"|(?<=&)(?:[A-Za-z]{2,8}|#[0-9]{2,7}|#[xX][0-9A-Fa-f]{2,6});"
        f"|(?<=（)(?:{reading})）"
        r"|(?<=;);(?!;)(?<!;;;)"
        f"|(?<=[{HSPACE}])[{HSPACE}]+"
        f"|(?<=[{dashes}])[{dashes}](?=[0-9])"
        ")?)"
    )


def _token() -> re.Pattern[str]:
    # The last character of a token at a line end (or before a space and Chinese text);
    # the token itself is read backwards from there, which is much cheaper than
    # matching every run of digits in the text.
    return re.compile(rf"[A-Za-z0-9](?=[{HSPACE}]*(?:\r|\n|\Z)|[{HSPACE}]+[^\x00-\x7f])")
