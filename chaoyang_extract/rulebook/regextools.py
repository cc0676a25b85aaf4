"""Reading regular expressions without running them: the words a pattern needs, whether
it is anchored at a line's start, and a trie of plain words.

    >>> sorted(required_words("(?:增长|下降){NUM}%".replace("{NUM}", r"\\d+")))
    ['下降', '增长']
    >>> required_words(r"\\d+%?") is None
    True
    >>> word_trie(["城镇", "城镇居民", "城市"])
    '城(?:镇(?:居民)?|市)'
    >>> line_anchored("(?m)^第[一二三]部分")
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import regex

__all__ = ["has_backref", "is_word", "line_anchored", "required_words", "word_trie"]


def is_word(pattern: str) -> bool:
    # regex.escape leaves letters, digits and CJK alone and escapes every ASCII sign,
    # so a pattern it does not change matches exactly its own text.
    return bool(pattern) and regex.escape(pattern) == pattern


def has_backref(pattern: str) -> bool:
    # A numbered back-reference depends on the groups before it, so a pattern holding one
    # is never moved into another alternation (conservative: an escaped backslash before
    # a digit counts too).
    return regex.search(r"\\(?:[1-9]|g<)", pattern) is not None


def word_trie(words: Iterable[str]) -> str:
    """A pattern matching the longest of ``words`` that starts at a position, written as
    a trie ("城镇(?:居民…|登记…)") so that the engine reads each character once instead
    of trying every word in turn."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Where a word ends, a longer word is tried first (a greedy optional), so the
        # longest word wins, as it does in the longest-first alternation.
        return f"(?:{body})?" if "" in node else body

    return emit(root)


class _Unsure(Exception):
    """The pattern uses syntax that ``required_words`` does not follow."""


def required_words(pattern: str) -> frozenset[str] | None:
    """Words of which every match of ``pattern`` holds at least one: within the text it
    matches, or within what its look-aheads read (both end where the search ends).

    None when the pattern promises no such word or uses syntax this reader does not
    follow: flags, escapes such as \\n or \\x41, POSIX or nested classes, conditionals,
    comments, recursion, braces that are not a plain {m,n}. The reading is conservative:
    a quantifier that allows zero, an alternation with a branch that promises nothing,
    a look-behind (which reads before the search's start) or a negative look-around
    promises nothing.
    """
    reader = _Reader(pattern)
    try:
        found = reader.alternation()
        if reader.pos != len(pattern):
            raise _Unsure
    except (_Unsure, IndexError):
        return None
    return found


def line_anchored(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts where a line does: it opens with
    ``(?m)^`` and has no alternation at its top level (conservative)."""
    if not pattern.startswith("(?m)^"):
        return False
    reader = _Reader(pattern[len("(?m)") :])
    try:
        reader.sequence()
    except (_Unsure, IndexError):
        return False
    return reader.pos == len(pattern) - len("(?m)")


class _Reader:
    """A recursive-descent reader of ``regex`` (version 0) syntax for required_words."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.pos = 0

    def alternation(self) -> frozenset[str] | None:
        branches = [self.sequence()]
        while self.pos < len(self.p) and self.p[self.pos] == "|":
            self.pos += 1
            branches.append(self.sequence())
        union: set[str] = set()
        for b in branches:
            if b is None:
                return None  # a match may take this branch, which promises nothing
            union |= b
        # A word that holds another is implied by it: keep the shorter.
        return frozenset(w for w in union if not any(v != w and v in w for v in union))

    def sequence(self) -> frozenset[str] | None:
        # Each literal run and each required item promises its words; keep the promise
        # that is cheapest to check and most selective: longest shortest word, then fewest.
        promises: list[frozenset[str]] = []
        run = ""
        while self.pos < len(self.p) and self.p[self.pos] not in "|)":
            char, words = self.atom()
            least = self.quantifier()
            if char is not None and least is None:
                run += char
                continue
            if run:
                promises.append(frozenset({run}))
                run = ""
            if least == 0:
                continue
            if char is not None:
                promises.append(frozenset({char}))
            elif words is not None:
                promises.append(words)
        if run:
            promises.append(frozenset({run}))
        if not promises:
            return None
        return max(promises, key=lambda ws: (min(len(w) for w in ws), -len(ws)))

    def atom(self) -> tuple[str | None, frozenset[str] | None]:
        """(the literal character, or None; the words the item promises, or None)."""
        p = self.p
        c = p[self.pos]
        if c == "\\":
            return self.escape()
        if c == "[":
            self.char_class()
            return None, None
        if c == "(":
            return None, self.group()
        if c in ".^$":
            self.pos += 1
            return None, None
        if c in "*+?{}]":
            raise _Unsure  # a stray quantifier or brace: leave it to the regex module
        self.pos += 1
        return c, None

    def escape(self) -> tuple[str | None, frozenset[str] | None]:
        p = self.p
        c = p[self.pos + 1]
        if c in "dDwWsSbBAZ":  # a class of characters, or zero width
            self.pos += 2
            return None, None
        if c in "pP" and p[self.pos + 2] == "{":
            self.pos = p.index("}", self.pos) + 1
            return None, None
        if c in "123456789":  # a back-reference
            self.pos += 2
            while p[self.pos : self.pos + 1].isdigit():
                self.pos += 1
            return None, None
        if c.isascii() and c.isalnum():
            raise _Unsure  # \n, \x41, \N{…}, \g<…>, \G …
        self.pos += 2
        return c, None

    def char_class(self) -> None:
        p = self.p
        self.pos += 1
        if p[self.pos] == "^":
            self.pos += 1
        if p[self.pos] == "]":
            self.pos += 1
        while p[self.pos] != "]":
            if p[self.pos] == "[":
                raise _Unsure  # POSIX classes, nested sets
            if p[self.pos] == "\\":
                if p[self.pos + 1] in "pP" and p[self.pos + 2] == "{":
                    self.pos = p.index("}", self.pos)
                self.pos += 1
            self.pos += 1
        self.pos += 1

    def group(self) -> frozenset[str] | None:
        p = self.p
        keep = True  # whether what the group reads is promised
        if p.startswith("(?", self.pos):
            if p.startswith(("(?:", "(?=", "(?>"), self.pos):
                self.pos += 3
            elif p.startswith(("(?!", "(?<=", "(?<!"), self.pos):
                # A negative look-around reads words that must be absent; a look-behind
                # reads before the search's start.
                keep = False
                self.pos += 3 if p[self.pos + 2] == "!" else 4
            elif p.startswith("(?P=", self.pos):
                self.pos = p.index(")", self.pos) + 1
                return None  # a back-reference by name
            elif p.startswith(("(?P<", "(?<"), self.pos):
                self.pos = p.index(">", self.pos) + 1
            else:
                raise _Unsure  # flags, comments, conditionals, recursion, branch reset
        else:
            self.pos += 1
        words = self.alternation()
        if p[self.pos] != ")":
            raise _Unsure
        self.pos += 1
        return words if keep else None

    def quantifier(self) -> int | None:
        """The least number of repeats the quantifier after an item allows, or None."""
        p = self.p
        if self.pos >= len(p):
            return None
        c = p[self.pos]
        if c in "?*+":
            least = 1 if c == "+" else 0
            self.pos += 1
        elif c == "{":
            m = _BRACES.match(p, self.pos)
            if m is None:
                raise _Unsure  # a literal brace, or fuzzy matching
            least = int(m.group(1) or 0)
            self.pos = m.end()
        else:
            return None
        if p[self.pos : self.pos + 1] in ("?", "+"):
            self.pos += 1  # lazy or possessive: the same least number
        return least


_BRACES = re.compile(r"\{(\d*)(?:,\d*)?\}")
