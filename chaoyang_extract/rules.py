"""Transitional: the rulebook's names under their old module (removed once every
importer asks ``chaoyang_extract.rulebook``)."""

from __future__ import annotations

from .rulebook import (
    PROBE_TIMEOUT_S,
    Alias,
    Example,
    Indicator,
    MentionPatterns,
    Phrasing,
    RuleSet,
    alias_label,
    check_rules,
    collect_rules,
    line_anchored,
    load_rules,
    mention_patterns,
    probe_patterns,
    read_special,
    required_words,
    word_trie,
)
from .rulebook.schema import EXPECT_KEYS, MEANS, MEASURES

__all__ = [
    "EXPECT_KEYS",
    "MEANS",
    "MEASURES",
    "PROBE_TIMEOUT_S",
    "Alias",
    "Example",
    "Indicator",
    "MentionPatterns",
    "Phrasing",
    "RuleSet",
    "alias_label",
    "check_rules",
    "collect_rules",
    "line_anchored",
    "load_rules",
    "mention_patterns",
    "probe_patterns",
    "read_special",
    "required_words",
    "word_trie",
]
