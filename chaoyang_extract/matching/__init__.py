"""Matching: sentences of normalised text -> hits (an indicator, a number and its cues).

A hit knows what the text says (value, unit, bound, 力争, 预计, 年均, an explicit year)
but not yet whether it is a result or a target: ``records`` decides that from the
report's structure.

- ``sentence``: the sentences of a text, and each sentence's hits;
- ``names`` and ``mentions``: the indicators a sentence names, with their leads;
- ``predicates``: the items after a name, each read by the first predicate rule that
  matches it;
- ``meanings``: what a rule's match means (its `means`), one handler each;
- ``clauses``: rules that find a figure and name its indicator themselves;
- ``values``: the numbers of a match, their units and bound;
- ``hits``: what these pass around (Hit, Mention, RuleTimeout).
"""

from __future__ import annotations

from .hits import PATTERN_TIMEOUT_S, Hit, Mention, RuleTimeout
from .meanings import MEANING_HANDLERS
from .sentence import match_sentence, match_text, sentences

__all__ = [
    "MEANING_HANDLERS",
    "PATTERN_TIMEOUT_S",
    "Hit",
    "Mention",
    "RuleTimeout",
    "match_sentence",
    "match_text",
    "sentences",
]
