"""The compiled rule set: what every other module asks for patterns and word lists.

``compile_ruleset`` fills in, once, everything the engine reads from the lexicon and the
loaded rules: the mention patterns, the gates that let most sentences go unread, and the
lexicon's patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import regex

from . import cache
from .mentions import MentionPatterns, mention_patterns
from .model import Alias, Example, Indicator, Phrasing
from .regextools import is_word, required_words, word_trie

__all__ = ["RuleSet", "compile_ruleset", "lexicon_placeholders"]


@dataclass
class RuleSet:
    indicators: dict[str, Indicator]
    aliases: list[Alias]
    lexicon: dict[str, Any]
    predicates: list[Phrasing]
    clauses: list[Phrasing]
    sources: list[str]
    version: str
    # The examples of the rules folders' corpus files, by file (``corpus:NAME``).
    corpus: dict[str, tuple[Example, ...]]
    # Compiled from the above by ``compile_ruleset``.
    mentions: MentionPatterns = field(init=False)
    # Find a word in every sentence where a name / a clause rule can match (see
    # _gate); None when every sentence must be read.
    name_gate: re.Pattern[str] | None = field(init=False)
    clause_gate: re.Pattern[str] | None = field(init=False)
    # Each predicate with, if it is built-in, a pattern that finds the words one of which
    # each of its matches holds (None: not known).
    predicate_gates: list[tuple[Phrasing, re.Pattern[str] | None]] = field(init=False)
    # Mention patterns without aliases that timed out, by the labels left out.
    _mention_variants: dict[frozenset[str], MentionPatterns] = field(
        init=False, default_factory=dict
    )
    lead_re: regex.Pattern[str] = field(init=False)
    clause_break_re: regex.Pattern[str] = field(init=False)
    partial_re: regex.Pattern[str] = field(init=False)
    sentence_break_re: regex.Pattern[str] = field(init=False)
    conj_re: regex.Pattern[str] = field(init=False)
    values_re: regex.Pattern[str] = field(init=False)
    multi_cue_re: regex.Pattern[str] = field(init=False)
    multi_filler_re: regex.Pattern[str] = field(init=False)
    cumulative_lead_re: regex.Pattern[str] = field(init=False)
    respectively_re: regex.Pattern[str] = field(init=False)
    each_re: regex.Pattern[str] = field(init=False)
    subject_chain_re: regex.Pattern[str] = field(init=False)
    own_jurisdiction_re: regex.Pattern[str] = field(init=False)
    place_scope_break_re: regex.Pattern[str] = field(init=False)
    result_cue_re: regex.Pattern[str] = field(init=False)
    target_cue_re: regex.Pattern[str] = field(init=False)
    goal_clause_re: regex.Pattern[str] = field(init=False)
    own_share_re: regex.Pattern[str] = field(init=False)
    estimate_re: regex.Pattern[str] = field(init=False)
    prefilter_re: regex.Pattern[str] = field(init=False)
    directions: dict[str, int] = field(init=False)
    pre_bounds: dict[str, str] = field(init=False)
    post_bounds: dict[str, str] = field(init=False)
    percent_units: frozenset[str] = field(init=False)

    def mention_patterns(self, skip: frozenset[str]) -> MentionPatterns:
        """The mention patterns without the aliases named in ``skip``."""
        left_out = skip.intersection(self.mentions.untrusted) if skip else skip
        if not left_out:
            return self.mentions
        found = self._mention_variants.get(left_out)
        if found is None:
            found = self._mention_variants[left_out] = mention_patterns(self.aliases, left_out)
        return found


def _alternation(words: Iterable[str], escape: bool = True) -> str:
    items = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(regex.escape(w) if escape else w for w in items) + ")"


def _words_or_never(words: Iterable[str] | None) -> str:
    # An optional lexicon list left empty turns its feature off (an empty alternation
    # would match everywhere).
    return _alternation(words) if words else "(?!)"


def lexicon_placeholders(lexicon: Mapping[str, Any], units: Mapping[str, Any]) -> dict[str, str]:
    ph = {k: str(v) for k, v in lexicon["placeholders"].items()}
    base_units = [str(u) for u in units["base_units"] if str(u) not in ("%",)]
    pct = ph["PCTUNIT"]
    ph["UNIT"] = f"(?:{pct}|{ph['SCALE']}?{_alternation(base_units)})"
    seps = list(lexicon["list_separators"]) + list(lexicon["range_separators"])
    ph["VALSEP"] = _alternation(seps)
    ph["POST"] = _alternation(w for ws in lexicon["post_bounds"].values() for w in ws)
    # A list may repeat the bound after each figure ("增长7.3%左右和7.8%左右"); the last one
    # is the figures' bound.
    ph["VALUES"] = (
        "(?P<values>(?:{NUM}{UNIT}?(?:{POST})?{VALSEP})*{NUM}{UNIT})".replace("{NUM}", ph["NUM"])
        .replace("{UNIT}", ph["UNIT"])
        .replace("{POST}", ph["POST"])
        .replace("{VALSEP}", ph["VALSEP"])
    )
    ph["DIR"] = _alternation(lexicon["directions"])
    ph["FLAT"] = _alternation(lexicon["flat_words"])
    ph["PRE"] = _alternation(w for ws in lexicon["pre_bounds"].values() for w in ws)
    ph["STRETCH"] = _alternation(lexicon["stretch_words"])
    fillers = [regex.escape(str(w)) for w in lexicon["fillers"]]
    fillers += [regex.escape(str(w)) for w in lexicon["multi_year_fillers"]]
    fillers.sort(key=len, reverse=True)
    fillers = [str(p) for p in lexicon.get("filler_patterns") or []] + fillers
    # A filler may close its own clause: "按可比价格计算，增长9.4%".
    ph["FILL"] = "(?:(?:(?P<year>\\d{4})年(?:末|底)?|" + "|".join(fillers) + ")，?)*"
    ph["SEP"] = "(?P<sep>[，、])?"
    ph["AMOUNT"] = (
        "(?P<pre>{PRE})?{VALUES}(?P<post>{POST})?".replace("{PRE}", ph["PRE"])
        .replace("{VALUES}", ph["VALUES"])
        .replace("{POST}", ph["POST"])
    )
    return ph


def _gate(words: Iterable[str], patterns: Iterable[tuple[str, bool]]) -> re.Pattern[str] | None:
    """A pattern that finds a word in every sentence where one of ``words`` or one of
    ``patterns`` (pattern, built-in) matches: the words themselves and those each
    pattern requires (``required_words``).

    A hit starts from a name or from a clause rule's match, so the engine need not read
    a sentence without such a word: about nine in ten. None when some pattern promises
    no word, or comes from a user's file: a user's pattern runs (under a timeout) on
    every sentence, as it always did.
    """
    found = set(words)
    for pattern, builtin in patterns:
        if not builtin:
            return None
        required = required_words(pattern)
        if required is None:
            return None
        found |= required
    return re.compile(word_trie(found) if found else "(?!)")


def compile_ruleset(rs: RuleSet, ph: Mapping[str, str]) -> None:
    lex = rs.lexicon
    rs.mentions = mention_patterns(rs.aliases)
    rs.name_gate = _gate(
        rs.mentions.by_word,
        ((a.pattern, a.builtin) for a in rs.aliases if not is_word(a.pattern)),
    )
    rs.clause_gate = _gate((), ((r.compiled.pattern, r.builtin) for r in rs.clauses))
    rs.predicate_gates = []
    for r in rs.predicates:
        required = required_words(r.compiled.pattern) if r.builtin else None
        rs.predicate_gates.append((r, re.compile(word_trie(required)) if required else None))
    leads = [str(w) for w in lex["lead_words"]]
    lead_alt = "|".join(sorted(leads, key=len, reverse=True))
    rs.lead_re = cache.compile(f"(?:{lead_alt}|(?P<place>{lex['lead_place']}))*")
    rs.clause_break_re = cache.compile(str(lex["clause_breaks"]))
    rs.partial_re = cache.compile(str(lex["partial_cues"]))
    rs.sentence_break_re = cache.compile(str(lex["sentence_breaks"]))
    rs.conj_re = cache.compile(_alternation(lex["subject_joins"]))
    num, unit = ph["NUM"], ph["UNIT"]
    rs.values_re = cache.compile(
        f"(?P<num>{num})(?P<unit>{unit})?(?:{ph['POST']})?(?P<sep>{ph['VALSEP']})?"
    )
    rs.multi_cue_re = cache.compile("|".join(str(c) for c in lex["multi_year_cues"]))
    rs.multi_filler_re = cache.compile(_alternation(lex["multi_year_fillers"]))
    rs.cumulative_lead_re = cache.compile(_words_or_never(lex.get("cumulative_leads")))
    rs.respectively_re = cache.compile(_words_or_never(lex.get("respectively_words")))
    rs.each_re = cache.compile(_words_or_never(lex.get("each_words")))
    rs.subject_chain_re = cache.compile(str(lex.get("subject_chain") or "(?!)"))
    rs.own_jurisdiction_re = cache.compile(str(lex.get("own_jurisdiction") or "(?!)"))
    rs.place_scope_break_re = cache.compile(str(lex.get("place_scope_break") or "(?!)"))
    rs.result_cue_re = cache.compile(_alternation(lex["result_cues"]))
    rs.target_cue_re = cache.compile(_alternation(lex["target_cues"]))
    rs.goal_clause_re = cache.compile(str(lex.get("goal_clause") or "(?!)"))
    rs.own_share_re = cache.compile(str(lex.get("own_share") or "(?!)"))
    rs.estimate_re = cache.compile(_alternation(lex["estimate_words"]))
    rs.directions = {str(k): int(v) for k, v in lex["directions"].items()}
    rs.pre_bounds = {str(w): b for b, ws in lex["pre_bounds"].items() for w in ws}
    rs.post_bounds = {str(w): b for b, ws in lex["post_bounds"].items() for w in ws}
    rs.percent_units = frozenset({"%", "个百分点", "百分点"})
    # Cheap test for "could this sentence hold a figure at all".
    rs.prefilter_re = cache.compile(str(lex["figure_signs"]))
