"""The patterns that find indicator names in a sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from . import cache
from .model import Alias, alias_label
from .regextools import has_backref, is_word, word_trie

__all__ = ["MentionPatterns", "mention_patterns"]


@dataclass(frozen=True)
class MentionPatterns:
    """The patterns that find indicator names in a sentence.

    ``combined`` defines the matches: one alternation of every alias, longest first,
    scanned left to right; its named group tells which alias matched. Nearly every alias
    is a plain word, and most sentences hold no match of an alias that is a pattern; in
    such a sentence ``words``, a stdlib ``re`` trie of the plain words alone, finds the
    same matches several times faster than the ``regex`` module scans ``combined``.
    ``probe`` is ``combined`` without the plain words: where it finds nothing, ``words``
    is exact, and where it does, the two together (by ``rank``) still are. Both are None
    when there is nothing for them to find.
    """

    combined: regex.Pattern[str]
    by_group: dict[str, Alias]
    words: re.Pattern[str] | None
    by_word: dict[str, Alias]
    probe: regex.Pattern[str] | None
    # The place in ``combined`` of each group and of each word's (first) alias: where
    # aliases match at the same position, the first in the alternation wins.
    rank: dict[str, int]
    word_rank: dict[str, int]
    # The aliases that are patterns from a user's file, by label: they may backtrack
    # catastrophically, so ``probe`` and ``combined`` then run under a timeout.
    untrusted: dict[str, Alias]


def mention_patterns(
    aliases: Sequence[Alias], skip: frozenset[str] = frozenset()
) -> MentionPatterns:
    """The mention patterns of ``aliases`` without those whose label is in ``skip``."""
    # Longest alias first so that 农村居民人均可支配收入 wins over 居民人均可支配收入
    # (sorted is stable: equal lengths keep the catalog's order).
    ordered = sorted(enumerate(aliases), key=lambda ia: len(ia[1].pattern), reverse=True)
    active = [(f"a{i}", a) for i, a in ordered if alias_label(a) not in skip]
    by_group = dict(active)
    combined = cache.compile("|".join(f"(?P<{g}>{a.pattern})" for g, a in active) or "(?!)")
    rank = {g: k for k, (g, _) in enumerate(active)}
    by_word: dict[str, Alias] = {}
    word_rank: dict[str, int] = {}
    for g, a in active:
        if is_word(a.pattern) and a.pattern not in by_word:
            # Two equal words tie; the first in the alternation is the one that matches.
            by_word[a.pattern] = a
            word_rank[a.pattern] = rank[g]
    words = re.compile(word_trie(by_word)) if by_word else None
    patterns = [(g, a) for g, a in active if not is_word(a.pattern)]
    probe = None
    if patterns:
        # Keep the plain words' groups (matching nothing) when a back-reference might
        # count them; otherwise leave them out, which makes the probe fast.
        keep = any(has_backref(a.pattern) for _, a in patterns)
        probe = cache.compile(
            "|".join(
                f"(?P<{g}>{a.pattern})" if not is_word(a.pattern) else f"(?P<{g}>(?!))"
                for g, a in active
                if keep or not is_word(a.pattern)
            )
        )
    untrusted = {alias_label(a): a for _, a in patterns if not a.builtin}
    return MentionPatterns(combined, by_group, words, by_word, probe, rank, word_rank, untrusted)
