"""Loading the rule files: the indicator catalog, the lexicon and the phrasing patterns.

Rules are data (YAML under ``rules/``); this module turns them into compiled patterns
once per process. Placeholders such as ``{NUM}`` or ``{DIR}`` in a pattern are expanded
from ``lexicon.yaml`` and ``units.yaml`` so that a phrasing is written once for every
indicator and every way of writing a number.

Users add their own rule files (``--rules DIR``). Loading validates every file against
the schema below and collects every problem with its FILE:LINE (``collect_rules``, which
``cyx rules check`` prints); ``load_rules`` raises the first one.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from .errors import RuleError
from .resources import rules_dir
from .rulebook import read_special
from .rulebook.schema import (
    BOUNDS,
    EXAMPLE_KEYS,
    EXPECT_KEYS,
    GROUP_KEYS,
    HORIZONS,
    INDICATOR_KEYS,
    KINDS,
    MEANINGS,
    MEANS,
    MEASURES,
    PHRASING_KEYS,
    TIERS,
    TOP_KEYS,
    YEARS,
    keys_problems,
)
from .rulebook.schema import SPECIAL_FILES as SPECIAL_SHAPES
from .rulebook.source import LineMap, line_of, parse_yaml, read_rule_file

# The built-in folder's files that other modules read are not rule files.
SPECIAL_FILES = frozenset(SPECIAL_SHAPES)


@dataclass(frozen=True)
class Example:
    text: str
    kind: str
    expect: tuple[Mapping[str, Any], ...]
    year: int
    source: str
    line: int
    # The reporting region the sentence is read for (a place named in it may be that one).
    region: str | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    zh: str
    aliases: tuple[str, ...]
    measures: frozenset[str]
    amount: str | None
    percent: str | None
    units: frozenset[str]
    scopes: tuple[str, ...]
    core: bool
    source: str
    line: int = 0
    # Sentences that name the indicator and the records they give; required of an
    # indicator a user adds, so that it arrives with its own proof.
    examples: tuple[Example, ...] = ()
    # From the package's own rules folder rather than a user's --rules.
    builtin: bool = True


@dataclass(frozen=True)
class Phrasing:
    """One pattern with what its match means.

    ``indicator`` is set for clause rules (the number comes first, the rule names the
    indicator); it is None for predicate rules that read figures after a name.
    """

    id: str
    means: str
    pattern: str
    compiled: regex.Pattern[str]
    indicator: str | None
    unit_suffix: str
    examples: tuple[Example, ...]
    source: str
    line: int
    # Built-in patterns are known to run in linear time (and are probed by the tests);
    # only a user's patterns are matched under a timeout, which costs time on every call.
    builtin: bool = True


@dataclass(frozen=True)
class Alias:
    pattern: str
    members: tuple[str, ...]
    builtin: bool = True
    # A group's indicator for one figure that no word shares out over its members
    # ("城乡居民人均可支配收入16491元" is the all-resident income).
    combined: str | None = None


def alias_label(alias: Alias) -> str:
    """How a warning names an alias (and how a timed-out one is marked as skipped)."""
    return f"alias '{alias.pattern}' of {'+'.join(alias.members)}"


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


def _is_word(pattern: str) -> bool:
    # regex.escape leaves letters, digits and CJK alone and escapes every ASCII sign,
    # so a pattern it does not change matches exactly its own text.
    return bool(pattern) and regex.escape(pattern) == pattern


def _has_backref(pattern: str) -> bool:
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


def mention_patterns(
    aliases: Sequence[Alias], skip: frozenset[str] = frozenset()
) -> MentionPatterns:
    """The mention patterns of ``aliases`` without those whose label is in ``skip``."""
    # Longest alias first so that 农村居民人均可支配收入 wins over 居民人均可支配收入
    # (sorted is stable: equal lengths keep the catalog's order).
    ordered = sorted(enumerate(aliases), key=lambda ia: len(ia[1].pattern), reverse=True)
    active = [(f"a{i}", a) for i, a in ordered if alias_label(a) not in skip]
    by_group = dict(active)
    combined = regex.compile("|".join(f"(?P<{g}>{a.pattern})" for g, a in active) or "(?!)")
    rank = {g: k for k, (g, _) in enumerate(active)}
    by_word: dict[str, Alias] = {}
    word_rank: dict[str, int] = {}
    for g, a in active:
        if _is_word(a.pattern) and a.pattern not in by_word:
            # Two equal words tie; the first in the alternation is the one that matches.
            by_word[a.pattern] = a
            word_rank[a.pattern] = rank[g]
    words = re.compile(word_trie(by_word)) if by_word else None
    patterns = [(g, a) for g, a in active if not _is_word(a.pattern)]
    probe = None
    if patterns:
        # Keep the plain words' groups (matching nothing) when a back-reference might
        # count them; otherwise leave them out, which makes the probe fast.
        keep = any(_has_backref(a.pattern) for _, a in patterns)
        probe = regex.compile(
            "|".join(
                f"(?P<{g}>{a.pattern})" if not _is_word(a.pattern) else f"(?P<{g}>(?!))"
                for g, a in active
                if keep or not _is_word(a.pattern)
            )
        )
    untrusted = {alias_label(a): a for _, a in patterns if not a.builtin}
    return MentionPatterns(combined, by_group, words, by_word, probe, rank, word_rank, untrusted)


@dataclass
class RuleSet:
    indicators: dict[str, Indicator]
    aliases: list[Alias]
    lexicon: dict[str, Any]
    predicates: list[Phrasing]
    clauses: list[Phrasing]
    sources: list[str]
    version: str
    # Compiled from the above by ``_compile``.
    mention_re: regex.Pattern[str] = field(init=False)
    alias_by_group: dict[str, Alias] = field(init=False)
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
    estimate_re: regex.Pattern[str] = field(init=False)
    prefilter_re: regex.Pattern[str] = field(init=False)
    directions: dict[str, int] = field(init=False)
    pre_bounds: dict[str, str] = field(init=False)
    post_bounds: dict[str, str] = field(init=False)
    percent_units: frozenset[str] = field(init=False)

    def indicator(self, ident: str) -> Indicator:
        return self.indicators[ident]

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


def _placeholders(lexicon: Mapping[str, Any], units: Mapping[str, Any]) -> dict[str, str]:
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


def expand(pattern: str, placeholders: Mapping[str, str]) -> str:
    """Replace ``{NAME}`` with its pattern; ``{2}``-style quantifiers are left alone."""

    def sub(m: regex.Match[str]) -> str:
        name = m.group(1)
        return placeholders[name] if name in placeholders else m.group(0)

    return str(regex.sub(r"\{([A-Z][A-Z0-9_]*)\}", sub, pattern))


# Named groups the engine reads from a match; a pattern without `values` (or `flat`)
# can never yield a figure.
NEEDED_GROUPS = {name: meaning.needs for name, meaning in MEANINGS.items()}
_PLACEHOLDER = regex.compile(r"\{([A-Z][A-Z0-9_]*)\}")


def load_rules(extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """The built-in rules plus any user folders or files; raises the first RuleError."""
    extra = tuple(str(p) for p in extra_dirs)
    return _load(extra, _stamp(extra))


def _stamp(extra: Sequence[str]) -> tuple[tuple[str, int, int], ...]:
    # Part of the cache key, so that a rule file edited within one process (a test, a
    # notebook) is read again rather than served stale. Taken on every load_rules call,
    # so one directory scan gives names and stats together.
    stamps: list[tuple[str, int, int]] = []
    for root in (str(rules_dir()), *extra):
        stamps += _stamps_under(root)
    return tuple(stamps)


def _stamps_under(root: str) -> list[tuple[str, int, int]]:
    """(path, mtime, size) of each rule file ``_listing`` finds under ``root``: a key, not
    a listing, so paths stay plain strings (building Paths cost most of the time)."""
    try:
        st = os.stat(root)
    except OSError:
        return []
    if not stat.S_ISDIR(st.st_mode):
        return [(root, st.st_mtime_ns, st.st_size)] if stat.S_ISREG(st.st_mode) else []
    found: list[tuple[str, int, int]] = []
    todo = [root]
    while todo:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():
                todo.append(entry.path)
            elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                try:
                    est = entry.stat()
                except OSError:
                    continue
                found.append((entry.path, est.st_mtime_ns, est.st_size))
    found.sort()
    return found


@functools.lru_cache(maxsize=8)
def _load(extra: tuple[str, ...], _key: tuple[tuple[str, int, int], ...]) -> RuleSet:
    rs, problems = collect_rules([Path(e) for e in extra])
    if problems:
        raise problems[0]
    assert rs is not None
    return rs


def collect_rules(extra_dirs: Sequence[Path] = ()) -> tuple[RuleSet | None, list[RuleError]]:
    """Load the built-in rules plus ``extra_dirs`` and collect every problem.

    Returns the rule set (None when nothing usable loaded; with problems, it lacks the
    faulty items) and the problems in file order, then line order.
    """
    problems: list[RuleError] = []
    builtin = rules_dir()
    try:
        lexicon = read_special(builtin / "lexicon.yaml")
        units = read_special(builtin / "units.yaml")
        ph = _placeholders(lexicon, units)
    except RuleError as err:
        return None, [err]
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        return None, [RuleError(str(builtin / "lexicon.yaml"), f"lexicon does not load: {err!r}")]

    builder = _Builder(ph, problems)
    files = _rule_files(builtin, extra_dirs, problems)
    for path, is_builtin in files:
        builder.add_file(path, is_builtin)
    built = builder.finish(lexicon)
    rs: RuleSet | None = built
    try:
        _compile(built, ph)
    except (regex.error, KeyError, TypeError, ValueError) as err:
        problems.append(RuleError(str(builtin / "lexicon.yaml"), f"patterns do not compile: {err}"))
        rs = None
    order = {str(p): i for i, (p, _) in enumerate(files)}
    problems.sort(key=lambda e: (order.get(e.path, -1), e.line or 0))
    return rs, problems


def check_rules(extra_dirs: Sequence[Path] = (), *, probe: bool = True) -> list[RuleError]:
    """Every problem of the built-in rules plus ``extra_dirs``: schema, ids, examples'
    form and, with ``probe``, patterns that backtrack catastrophically."""
    rs, problems = collect_rules(extra_dirs)
    if rs is not None and probe:
        problems.extend(probe_patterns(rs))
    return problems


def _listing(d: Path) -> list[Path]:
    if d.is_file():
        return [d]
    if not d.is_dir():
        return []
    yaml_files: list[Path] = []
    yml_files: list[Path] = []
    # os.walk, not Path.rglob: this runs on every load_rules call (the cache key), and
    # rglob's pure-Python globbing cost more than the API's own work on a short text.
    for root, dirs, names in os.walk(d, followlinks=True):
        dirs.sort()
        for name in names:
            path = Path(root, name)
            if name.endswith(".yaml") and path.is_file():
                yaml_files.append(path)
            elif name.endswith(".yml") and path.is_file():
                yml_files.append(path)
    return sorted(yaml_files) + sorted(yml_files)


def _rule_files(
    builtin: Path, extra: Sequence[Path], problems: list[RuleError]
) -> list[tuple[Path, bool]]:
    """(file, is built-in) in load order; a file named twice (or the built-in folder
    given as a user folder) is read once."""
    files: list[tuple[Path, bool]] = []
    seen: set[Path] = set()
    for p in _listing(builtin):
        seen.add(p.resolve())
        if p.name not in SPECIAL_FILES:
            files.append((p, True))
    for d in extra:
        found = _listing(d)
        if not d.exists():
            problems.append(RuleError(str(d), "no such rules file or folder"))
        elif not found:
            problems.append(RuleError(str(d), "folder holds no *.yaml rule files"))
        for p in found:
            if p.resolve() not in seen:
                seen.add(p.resolve())
                files.append((p, False))
    return files


def _where(source: str, line: int) -> str:
    return f"{source}:{line}"


def _is_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _one_of(v: Any, allowed: Iterable[str]) -> bool:
    # A YAML list or mapping is unhashable: `in` on a set would raise rather than answer.
    return isinstance(v, str) and v in allowed


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


class _Builder:
    """Collects the items of the rule files, with every problem found on the way."""

    def __init__(self, ph: Mapping[str, str], problems: list[RuleError]) -> None:
        self.ph = ph
        self.problems = problems
        self.indicators: dict[str, Indicator] = {}
        self.groups: list[tuple[str, Any, bool]] = []  # (source, raw, built-in)
        self.predicates: list[Phrasing] = []
        self.clauses: list[Phrasing] = []
        self.rule_where: dict[str, str] = {}
        self.sources: list[str] = []
        self.hashed: list[tuple[str, bytes]] = []
        # (source, line, owner, indicator id) of each expected record, checked at the end
        # when the whole catalog is known.
        self.expected_ids: list[tuple[str, int, str, str]] = []
        # Every id an indicator claims, valid or not, so that a faulty indicator is
        # reported once rather than again by each rule and example that names it.
        self.declared: set[str] = set()
        # (alias, owner, source, line) in load order, for the duplicate check.
        self.alias_claims: list[tuple[str, str, str, int]] = []
        # (source, line, rule id, indicator id) of clause rules.
        self.clause_refs: list[tuple[str, int, str, str]] = []

    def problem(self, source: str, message: str, line: int | None) -> None:
        self.problems.append(RuleError(source, message, line))

    def add_file(self, path: Path, builtin: bool) -> None:
        source = str(path)
        try:
            data_bytes, text = read_rule_file(path)
            data = parse_yaml(text, source)
        except RuleError as err:
            self.problems.append(err)
            return
        self.sources.append(source)
        self.hashed.append((path.name, data_bytes))
        if data is None:
            return
        if not isinstance(data, dict):
            self.problem(
                source, "a rule file is a mapping with 'indicators', 'groups' or 'rules'", 1
            )
            return
        for message, line in keys_problems(data, frozenset(TOP_KEYS), "rule file"):
            self.problem(source, message, line)
        for key in TOP_KEYS:
            items = data.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                self.problem(
                    source, f"'{key}' must be a list (items start with '- ')", line_of(data, key)
                )
                continue
            for raw in items:
                if key == "indicators":
                    self._indicator(raw, source, builtin)
                elif key == "groups":
                    self.groups.append((source, raw, builtin))
                else:
                    self._rule(raw, source, builtin)

    def _indicator(self, raw: Any, source: str, builtin: bool) -> None:
        if not isinstance(raw, dict) or not _is_text(raw.get("id")):
            self.problem(source, "an indicator needs an 'id'", line_of(raw))
            return
        ident = str(raw["id"])
        line = line_of(raw)
        what = f"indicator {ident}"
        problems_before = len(self.problems)
        for message, at in keys_problems(raw, INDICATOR_KEYS, what):
            self.problem(source, message, at)
        if not regex.fullmatch(r"[a-z][a-z0-9_]*", ident):
            self.problem(source, f"indicator id '{ident}' is not snake_case (a-z, 0-9, _)", line)
        if ident in self.indicators:
            other = self.indicators[ident]
            self.problem(
                source,
                f"indicator id '{ident}' is already defined in {_where(other.source, other.line)}",
                line,
            )
        if not _is_text(raw.get("zh")):
            self.problem(source, f"{what}: needs 'zh' (its Chinese name)", line)
        measures_raw = raw.get("measures")
        measures = (
            frozenset(str(m) for m in measures_raw)
            if isinstance(measures_raw, list)
            else frozenset()
        )
        if not measures or not measures <= MEASURES:
            self.problem(
                source,
                f"{what}: 'measures' must be a list of some of {', '.join(sorted(MEASURES))}",
                line_of(raw, "measures"),
            )
        for key in ("amount", "percent"):
            val = raw.get(key)
            if val is None:
                continue
            if str(val) not in MEASURES:
                self.problem(
                    source,
                    f"{what}: '{key}' must be one of {', '.join(sorted(MEASURES))}",
                    line_of(raw, key),
                )
            elif measures and str(val) not in measures:
                # The engine drops a figure whose measure the indicator does not list.
                self.problem(
                    source, f"{what}: '{key}: {val}' is not among its measures", line_of(raw, key)
                )
        aliases = self._aliases(raw, source, what, required=True)
        self.declared.add(ident)
        self.alias_claims.extend((a, what, source, line_of(raw, "aliases")) for a in aliases)
        units = self._text_list(raw, "units", source, what)
        for u in units:
            if _unit_std(u) is None:
                self.problem(
                    source, f"{what}: unit '{u}' is not in units.yaml", line_of(raw, "units")
                )
        scopes = self._text_list(raw, "scopes", source, what)
        if "core" in raw and not isinstance(raw["core"], bool):
            self.problem(source, f"{what}: 'core' must be true or false", line_of(raw, "core"))
        before_examples = len(self.problems)
        examples = self._examples(raw.get("examples"), source, what, line_of(raw, "examples"))
        if not builtin and not examples and len(self.problems) == before_examples:
            self.problem(
                source,
                f"{what}: needs at least one example (a sentence that names it, and the records it gives)",
                line_of(raw, "examples"),
            )
        if len(self.problems) > problems_before or ident in self.indicators:
            return
        self.indicators[ident] = Indicator(
            id=ident,
            zh=str(raw["zh"]),
            aliases=aliases,
            measures=measures,
            amount=str(raw["amount"]) if raw.get("amount") else None,
            percent=str(raw["percent"]) if raw.get("percent") else None,
            units=frozenset(units),
            scopes=scopes,
            core=bool(raw.get("core", False)),
            source=source,
            line=line,
            examples=examples,
            builtin=builtin,
        )

    def _text_list(self, raw: Any, key: str, source: str, what: str) -> tuple[str, ...]:
        val = raw.get(key)
        if val is None:
            return ()
        if not isinstance(val, list) or not all(_is_text(v) for v in val):
            self.problem(source, f"{what}: '{key}' must be a list of words", line_of(raw, key))
            return ()
        return tuple(str(v) for v in val)

    def _aliases(self, raw: Any, source: str, what: str, *, required: bool) -> tuple[str, ...]:
        aliases = self._text_list(raw, "aliases", source, what)
        if required and not aliases and isinstance(raw.get("aliases", []), list):
            self.problem(source, f"{what}: needs 'aliases' (how reports name it)", line_of(raw))
        line = line_of(raw, "aliases")
        for a in aliases:
            try:
                compiled = regex.compile(a)
            except regex.error as err:
                self.problem(source, f"{what}: alias '{a}' does not compile: {err}", line)
                continue
            if compiled.groupindex:
                # The engine names each alias's own group to learn which one matched.
                self.problem(source, f"{what}: alias '{a}' must not hold named groups", line)
            elif compiled.search("") is not None:
                self.problem(source, f"{what}: alias '{a}' matches empty text", line)
        return aliases

    def _examples(self, raw: Any, source: str, owner: str, line: int) -> tuple[Example, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(source, f"{owner}: 'examples' must be a list", line)
            return ()
        out = []
        for ex in raw:
            example = self._example(ex, source, owner, line)
            if example is not None:
                out.append(example)
        return tuple(out)

    def _example(self, ex: Any, source: str, owner: str, at: int) -> Example | None:
        if not isinstance(ex, dict):
            self.problem(
                source, f"{owner}: an example is a mapping with 'text', 'kind' and 'expect'", at
            )
            return None
        line = line_of(ex)
        before = len(self.problems)
        for message, where in keys_problems(ex, EXAMPLE_KEYS, f"{owner}: example"):
            self.problem(source, message, where)
        text = ex.get("text")
        if not _is_text(text):
            self.problem(source, f"{owner}: an example needs 'text' (a sentence)", line)
        kind = ex.get("kind", "result")
        if not _one_of(kind, KINDS):
            self.problem(
                source, f"{owner}: example kind must be result or target", line_of(ex, "kind")
            )
        year = ex.get("year", 2020)
        if not isinstance(year, int) or isinstance(year, bool) or year not in YEARS:
            self.problem(
                source,
                f"{owner}: example year must be a report year ({YEARS.start}-{YEARS.stop - 1})",
                line_of(ex, "year"),
            )
        region = ex.get("region")
        if region is not None and not _is_text(region):
            self.problem(
                source, f"{owner}: example region must be a place name", line_of(ex, "region")
            )
        expect = ex.get("expect")
        if "expect" not in ex:
            self.problem(
                source, f"{owner}: an example needs 'expect' (the records; [] for none)", line
            )
        elif not isinstance(expect, list):
            self.problem(
                source, f"{owner}: 'expect' must be a list of records", line_of(ex, "expect")
            )
        records = [
            self._expected(e, source, owner, line_of(ex, "expect"))
            for e in (expect if isinstance(expect, list) else [])
        ]
        if len(self.problems) > before:
            return None
        return Example(
            text=str(text),
            kind=str(kind),
            expect=tuple(r for r in records if r is not None),
            year=int(year),
            source=source,
            line=line,
            region=str(region) if region is not None else None,
        )

    def _expected(self, e: Any, source: str, owner: str, at: int) -> dict[str, Any] | None:
        if not isinstance(e, dict):
            self.problem(source, f"{owner}: an expected record is a mapping of column: value", at)
            return None
        line = line_of(e) if isinstance(e, LineMap) else at
        what = f"{owner}: expected record"
        for message, where in keys_problems(e, EXPECT_KEYS, what):
            self.problem(source, message, where)

        def bad(key: str, want: str) -> None:
            self.problem(source, f"{what}: '{key}' must be {want}", line)

        if not _is_text(e.get("indicator")):
            self.problem(source, f"{what}: needs 'indicator' (a catalog id)", line)
        else:
            self.expected_ids.append((source, line, owner, str(e["indicator"])))
        choices = {
            "kind": frozenset(KINDS),
            "measure": MEASURES,
            "horizon": HORIZONS,
            "bound": BOUNDS,
        }
        for key, allowed in choices.items():
            if key in e and not _one_of(e[key], allowed):
                bad(key, "one of " + ", ".join(sorted(allowed)))
        if "tier" in e and e["tier"] is not None and not _one_of(e["tier"], TIERS):
            bad("tier", "baseline, stretch or null")
        for key in ("value", "value_std"):
            if key in e and not _is_number(e[key]):
                bad(key, "a number")
        if "value_max" in e and e["value_max"] is not None and not _is_number(e["value_max"]):
            bad("value_max", "a number or null")
        if "year" in e and not (
            isinstance(e["year"], int) and not isinstance(e["year"], bool) and e["year"] in YEARS
        ):
            bad("year", f"a year ({YEARS.start}-{YEARS.stop - 1})")
        if "estimated" in e and not isinstance(e["estimated"], bool):
            bad("estimated", "true or false")
        for key in ("indicator_zh", "unit", "unit_std"):
            if key in e and not isinstance(e[key], str):
                bad(key, "text")
        if "scope" in e and e["scope"] is not None and not isinstance(e["scope"], str):
            bad("scope", "text or null")
        return dict(e)

    def _rule(self, raw: Any, source: str, builtin: bool) -> None:
        if not isinstance(raw, dict) or not _is_text(raw.get("id")):
            self.problem(source, "a rule needs an 'id'", line_of(raw))
            return
        ident = str(raw["id"])
        line = line_of(raw)
        what = f"rule {ident}"
        before = len(self.problems)
        for message, at in keys_problems(raw, PHRASING_KEYS, what):
            self.problem(source, message, at)
        if ident in self.rule_where:
            self.problem(
                source, f"rule id '{ident}' is already defined in {self.rule_where[ident]}", line
            )
        else:
            self.rule_where[ident] = _where(source, line)
        means = raw.get("means", "amount")
        if not _one_of(means, MEANS):
            self.problem(
                source,
                f"{what}: 'means' must be one of {', '.join(sorted(MEANS))}",
                line_of(raw, "means"),
            )
        indicator = raw.get("indicator")
        if _is_text(indicator):
            self.clause_refs.append((source, line_of(raw, "indicator"), ident, str(indicator)))
        if indicator is not None and not _is_text(indicator):
            self.problem(
                source, f"{what}: 'indicator' must be a catalog id", line_of(raw, "indicator")
            )
        elif indicator is not None and means != "amount":
            # A clause rule reads the amount before the indicator's name ("3.6万贫困人口").
            self.problem(
                source,
                f"{what}: a rule with 'indicator' reads an amount; 'means' must be amount",
                line_of(raw, "means"),
            )
        suffix = raw.get("unit_suffix", "")
        if not isinstance(suffix, str):
            self.problem(source, f"{what}: 'unit_suffix' must be text", line_of(raw, "unit_suffix"))
        compiled = self._pattern(raw, source, what, str(means), clause=indicator is not None)
        before_examples = len(self.problems)
        examples = self._examples(raw.get("examples"), source, what, line_of(raw, "examples"))
        if not examples and len(self.problems) == before_examples:
            self.problem(source, f"{what}: needs at least one example", line_of(raw, "examples"))
        if len(self.problems) > before or compiled is None:
            return
        rule = Phrasing(
            id=ident,
            means=str(means),
            pattern=str(raw["pattern"]),
            compiled=compiled,
            indicator=str(indicator) if indicator is not None else None,
            unit_suffix=str(suffix),
            examples=examples,
            source=source,
            line=line,
            builtin=builtin,
        )
        (self.clauses if rule.indicator else self.predicates).append(rule)

    def _pattern(
        self, raw: Any, source: str, what: str, means: str, *, clause: bool
    ) -> regex.Pattern[str] | None:
        pattern = raw.get("pattern")
        at = line_of(raw, "pattern")
        if not _is_text(pattern):
            self.problem(source, f"{what}: needs a 'pattern' (a regular expression)", line_of(raw))
            return None
        unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(pattern)} - set(self.ph))
        if unknown:
            known = ", ".join("{" + k + "}" for k in sorted(self.ph))
            self.problem(
                source,
                f"{what}: unknown placeholder(s) {', '.join('{' + u + '}' for u in unknown)} (known: {known})",
                at,
            )
            return None
        try:
            compiled = regex.compile(expand(pattern, self.ph))
        except regex.error as err:
            self.problem(source, f"{what}: pattern does not compile: {err}", at)
            return None
        for group in NEEDED_GROUPS.get(means, ()):
            if group not in compiled.groupindex:
                self.problem(
                    source,
                    f"{what}: pattern lacks the named group '{group}' that means '{means}' needs",
                    at,
                )
        if not clause and "sep" not in compiled.groupindex:
            # The engine reads a list item's start from `sep` after a name.
            self.problem(
                source,
                f"{what}: a rule without 'indicator' follows a name and needs the named "
                "group 'sep' (start the pattern with {SEP})",
                at,
            )
        return compiled

    def finish(self, lexicon: dict[str, Any]) -> RuleSet:
        aliases = [
            Alias(a, (ind.id,), ind.builtin)
            for ind in self.indicators.values()
            for a in ind.aliases
        ]
        for source, raw, builtin in self.groups:
            group = self._group(raw, source, builtin)
            if group is not None:
                aliases.extend(group.aliases)
        owner_of: dict[str, str] = {}
        for alias, owner, source, line in self.alias_claims:
            if alias in owner_of:
                # Equal aliases tie in the longest-first order; the later one never wins.
                self.problem(
                    source,
                    f"{owner}: alias '{alias}' is already an alias of {owner_of[alias]}",
                    line,
                )
            else:
                owner_of[alias] = f"{owner} ({_where(source, line)})"
        for source, line, rule_id, ident in self.clause_refs:
            if ident not in self.declared:
                self.problem(source, f"rule {rule_id}: unknown indicator '{ident}'", line)
        for source, line, owner, ident in self.expected_ids:
            if ident not in self.declared:
                self.problem(
                    source, f"{owner}: expected record names unknown indicator '{ident}'", line
                )
        clauses = [r for r in self.clauses if r.indicator in self.indicators]
        return RuleSet(
            self.indicators,
            aliases,
            lexicon,
            self.predicates,
            clauses,
            self.sources,
            self._version(),
        )

    def _group(self, raw: Any, source: str, builtin: bool) -> _Group | None:
        if not isinstance(raw, dict):
            self.problem(source, "a group is a mapping with 'aliases' and 'members'", line_of(raw))
            return None
        what = "group"
        before = len(self.problems)
        for message, at in keys_problems(raw, GROUP_KEYS, what):
            self.problem(source, message, at)
        members = self._text_list(raw, "members", source, what)
        if not members:
            self.problem(
                source, "a group needs 'members' (catalog ids, in 分别 order)", line_of(raw)
            )
        for m in members:
            if m not in self.declared:
                self.problem(
                    source,
                    f"group member '{m}' is not a catalog indicator",
                    line_of(raw, "members"),
                )
        combined = raw.get("combined")
        if combined is not None and combined not in self.declared:
            self.problem(
                source,
                f"group combined '{combined}' is not a catalog indicator",
                line_of(raw, "combined"),
            )
        aliases = self._aliases(raw, source, what, required=True)
        label = "group " + "+".join(members)
        self.alias_claims.extend((a, label, source, line_of(raw, "aliases")) for a in aliases)
        if not all(m in self.indicators for m in members):
            return None
        if len(self.problems) > before:
            return None
        if combined is not None and combined not in self.indicators:
            return None
        return _Group(tuple(Alias(a, members, builtin, combined) for a in aliases))

    def _version(self) -> str:
        h = hashlib.sha256()
        for name, data in sorted(self.hashed, key=lambda nd: nd[0]):
            h.update(name.encode())
            h.update(data)
        return h.hexdigest()[:12]


@dataclass(frozen=True)
class _Group:
    aliases: tuple[Alias, ...]


def _unit_std(unit: str) -> str | None:
    from .numbers import unit_info

    info = unit_info(unit)
    return info.unit_std if info is not None else None


# Inputs on which a backtracking pattern blows up: a run of what patterns repeat
# (digits, numerals, figures, separators), then a break where the match fails, then the
# words patterns end on. Without those words the regex engine sees that a required
# literal is absent and gives up at once, so the probe would prove nothing.
# 600 characters: an exponential pattern needs only dozens to run for years, while a
# merely quadratic one (a \d+ retried from every start) stays fast at a sentence's length.
_PROBE_RUNS = ("1" * 600, "一" * 600, "5%、" * 200, "，" * 600, "增长1.5%" * 100, "1.1." * 150)
_PROBE_TAIL = (
    "！X亿元万元元美元%个百分点万人人次人个户家项吨亩平方米公里千瓦时"
    "增长下降提高减少达到超过突破以上以内左右持平力争预计年均累计"
)
_PROBES = tuple(run + _PROBE_TAIL for run in _PROBE_RUNS)
PROBE_TIMEOUT_S = 0.5


# What is not literal text in a pattern: escapes (\\d, \\p{Han}), group heads ((?P<x>, (?:),
# back-references by name and counted repeats.
_SYNTAX = regex.compile(
    r"\\(?:[pPN]\{[^}]*\}|.)|\(\?(?:P?<(?![=!])[^>]*>|P=[^)]*\)|<[=!]|[^)]?)|\{\d*(?:,\d*)?\}"
)
_LITERAL = regex.compile(r"[\p{Han}\p{L}\p{N}%％]+")
# Enough of a pattern's own words to reach each of its repeats, without a run per letter.
_OWN_PROBES = 8


def _own_probes(pattern: str) -> tuple[str, ...]:
    """Probes made of the pattern's own words: a pattern that repeats an alternation of
    them ("(?:发|发发)+经费") backtracks only on a run of those words, which the generic
    probes (digits, numerals, figures) do not hold. Each run of one word ends on a break
    and is followed by all the pattern's words, so that the engine cannot rule the match
    out at once for lack of a required word."""
    words = list(dict.fromkeys(_LITERAL.findall(_SYNTAX.sub(" ", pattern))))[:_OWN_PROBES]
    tail = "！" + "".join(words) + _PROBE_TAIL
    return tuple(dict.fromkeys(w * max(1, 600 // len(w)) + tail for w in words))


def probe_patterns(rs: RuleSet, timeout: float = PROBE_TIMEOUT_S) -> list[RuleError]:
    """Rules and aliases that run longer than ``timeout`` on an adversarial probe, used the
    way the engine uses them: extraction would time out and skip them on such text."""
    problems: list[RuleError] = []
    # (what, source, line, pattern, anchored): predicates are matched at the end of a
    # name; clause rules and aliases are searched through the sentence.
    checks: list[tuple[str, str, int, regex.Pattern[str], bool]] = [
        (f"rule {r.id}", r.source, r.line, r.compiled, r.indicator is None)
        for r in [*rs.predicates, *rs.clauses]
    ]
    for ind in rs.indicators.values():
        for a in ind.aliases:
            what = f"indicator {ind.id}: alias '{a}'"
            checks.append((what, ind.source, ind.line, regex.compile(a), False))
    for what, source, line, compiled, anchored in checks:
        for probe in (*_PROBES, *_own_probes(compiled.pattern)):
            try:
                if anchored:
                    compiled.match(probe, timeout=timeout)
                else:
                    for _ in compiled.finditer(probe, timeout=timeout):
                        pass
            except TimeoutError:
                problems.append(
                    RuleError(
                        source,
                        f"{what}: pattern ran over {timeout:g} s on a {len(probe)}-character "
                        f"probe ('{probe[:12]}…'); extraction would time out and skip it",
                        line,
                    )
                )
                break
    return problems


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


def _compile(rs: RuleSet, ph: Mapping[str, str]) -> None:
    lex = rs.lexicon
    rs.mentions = mention_patterns(rs.aliases)
    rs.mention_re = rs.mentions.combined
    rs.alias_by_group = rs.mentions.by_group
    rs.name_gate = _gate(
        rs.mentions.by_word,
        ((a.pattern, a.builtin) for a in rs.aliases if not _is_word(a.pattern)),
    )
    rs.clause_gate = _gate((), ((r.compiled.pattern, r.builtin) for r in rs.clauses))
    rs.predicate_gates = []
    for r in rs.predicates:
        required = required_words(r.compiled.pattern) if r.builtin else None
        rs.predicate_gates.append((r, re.compile(word_trie(required)) if required else None))
    leads = [str(w) for w in lex["lead_words"]]
    lead_alt = "|".join(sorted(leads, key=len, reverse=True))
    rs.lead_re = regex.compile(f"(?:{lead_alt}|(?P<place>{lex['lead_place']}))*")
    rs.clause_break_re = regex.compile(str(lex["clause_breaks"]))
    rs.partial_re = regex.compile(str(lex["partial_cues"]))
    rs.sentence_break_re = regex.compile(str(lex["sentence_breaks"]))
    rs.conj_re = regex.compile(_alternation(lex["subject_joins"]))
    num, unit = ph["NUM"], ph["UNIT"]
    rs.values_re = regex.compile(
        f"(?P<num>{num})(?P<unit>{unit})?(?:{ph['POST']})?(?P<sep>{ph['VALSEP']})?"
    )
    rs.multi_cue_re = regex.compile("|".join(str(c) for c in lex["multi_year_cues"]))
    rs.multi_filler_re = regex.compile(_alternation(lex["multi_year_fillers"]))
    rs.cumulative_lead_re = regex.compile(_words_or_never(lex.get("cumulative_leads")))
    rs.respectively_re = regex.compile(_words_or_never(lex.get("respectively_words")))
    rs.each_re = regex.compile(_words_or_never(lex.get("each_words")))
    rs.subject_chain_re = regex.compile(str(lex.get("subject_chain") or "(?!)"))
    rs.own_jurisdiction_re = regex.compile(str(lex.get("own_jurisdiction") or "(?!)"))
    rs.place_scope_break_re = regex.compile(str(lex.get("place_scope_break") or "(?!)"))
    rs.result_cue_re = regex.compile(_alternation(lex["result_cues"]))
    rs.target_cue_re = regex.compile(_alternation(lex["target_cues"]))
    rs.estimate_re = regex.compile(_alternation(lex["estimate_words"]))
    rs.directions = {str(k): int(v) for k, v in lex["directions"].items()}
    rs.pre_bounds = {str(w): b for b, ws in lex["pre_bounds"].items() for w in ws}
    rs.post_bounds = {str(w): b for b, ws in lex["post_bounds"].items() for w in ws}
    rs.percent_units = frozenset({"%", "个百分点", "百分点"})
    # Cheap test for "could this sentence hold a figure at all".
    rs.prefilter_re = regex.compile(str(lex["figure_signs"]))
