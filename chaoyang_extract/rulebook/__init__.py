"""The rulebook: every rule file read, checked and compiled through one path.

- ``source``: YAML whose mappings know their lines (the only YAML reader);
- ``schema``: the vocabularies and the shape of each kind of rule file;
- ``special``: the lexicon, structure, normalize and units files, read and checked;
- ``placeholders``: the one ``{NAME}`` grammar;
- ``regextools``: what a pattern needs, read without running it;
- ``model``, ``mentions``, ``ruleset``: what the engine uses;
- ``builder_base``, ``examples_reader``, ``items_reader``, ``builder``: rule files in,
  with every problem at its FILE:LINE;
- ``probe``: the backtracking probe;
- ``loading``: load order, in-process and on-disk caches.
"""

from __future__ import annotations

from .loading import check_rules, collect_rules, load_rules
from .mentions import MentionPatterns, mention_patterns
from .model import Alias, Example, Indicator, Phrasing, alias_label
from .probe import PROBE_TIMEOUT_S, probe_patterns
from .regextools import line_anchored, required_words, word_trie
from .ruleset import RuleSet
from .special import read_special

__all__ = [
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
