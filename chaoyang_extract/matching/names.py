"""Where a sentence names indicators: each alias found, as the alternation of all of them
would find it, and the user's aliases to blame when that runs over the timeout."""

from __future__ import annotations

import re

import regex

from ..rulebook import Alias, MentionPatterns, RuleSet
from .hits import PATTERN_TIMEOUT_S, RuleTimeout


def find_names(
    rs: RuleSet, text: str, s: int, e: int, skip: frozenset[str]
) -> list[tuple[int, int, Alias]]:
    """(start, end, alias) of each name in the sentence, as the full alternation of all
    aliases (``MentionPatterns.combined``) finds them."""
    mp = rs.mention_patterns(skip)
    try:
        if mp.probe is not None:
            if mp.untrusted:
                hit = mp.probe.search(text, s, e, timeout=PATTERN_TIMEOUT_S)
            else:
                hit = mp.probe.search(text, s, e)
            if hit is not None:
                # An alias that is a pattern matches here.
                merged = None if mp.untrusted else _merged(mp, text, s, e, hit)
                if merged is not None:
                    return merged
                if mp.untrusted:
                    ms = list(mp.combined.finditer(text, s, e, timeout=PATTERN_TIMEOUT_S))
                else:
                    ms = list(mp.combined.finditer(text, s, e))
                return [(m.start(), m.end(), mp.by_group[str(m.lastgroup)]) for m in ms]
    except TimeoutError:
        raise RuleTimeout(*_slow_aliases(mp, text, s, e)) from None
    if mp.words is None:
        return []
    return [(m.start(), m.end(), mp.by_word[m.group()]) for m in mp.words.finditer(text, s, e)]


def _merged(
    mp: MentionPatterns, text: str, s: int, e: int, hit: regex.Match[str]
) -> list[tuple[int, int, Alias]] | None:
    """What ``mp.combined.finditer(text, s, e)`` finds, from ``words`` and ``probe``
    (whose first match from ``s`` is ``hit``), which scan several times faster; None
    when this cannot tell (an empty match, whose successor finditer picks by its own
    rule), or without words.

    Like the alternation, take the earliest match; at one position, the alias that comes
    first in it. Each scan goes on from where the last name ended, as finditer does.
    """
    if mp.words is None or mp.probe is None:
        return None
    found: list[tuple[int, int, Alias]] = []
    pat: regex.Match[str] | None = hit
    word = mp.words.search(text, s, e)
    while pat is not None or word is not None:
        take: re.Match[str] | regex.Match[str]
        if word is None or (
            pat is not None
            and (
                pat.start() < word.start()
                or (
                    pat.start() == word.start()
                    and mp.rank[str(pat.lastgroup)] < mp.word_rank[word.group()]
                )
            )
        ):
            assert pat is not None
            take, alias = pat, mp.by_group[str(pat.lastgroup)]
        else:
            take, alias = word, mp.by_word[word.group()]
        pos = take.end()
        if pos == take.start():
            return None
        found.append((take.start(), pos, alias))
        if word is not None and word.start() < pos:
            word = mp.words.search(text, pos, e)
        # Searched again even when still ahead: \G reads where a search starts.
        pat = mp.probe.search(text, pos, e)
    return found


def _slow_aliases(mp: MentionPatterns, text: str, s: int, e: int) -> list[str]:
    """The user's aliases to blame for a timeout of the mention patterns on a sentence:
    the first that times out on its own, or else all of them."""
    if len(mp.untrusted) == 1:
        return list(mp.untrusted)  # no need to run it again to know
    for label, alias in mp.untrusted.items():
        try:
            regex.compile(alias.pattern).search(text, s, e, timeout=PATTERN_TIMEOUT_S)
        except TimeoutError:
            return [label]
    return list(mp.untrusted)
