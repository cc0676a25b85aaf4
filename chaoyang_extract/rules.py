"""Loading the rule files: the indicator catalog, the lexicon and the phrasing patterns.

Rules are data (YAML under ``rules/``); this module turns them into compiled patterns
once per process. Placeholders such as ``{NUM}`` or ``{DIR}`` in a pattern are expanded
from ``lexicon.yaml`` and ``units.yaml`` so that a phrasing is written once for every
indicator and every way of writing a number.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import yaml

from .errors import RuleError
from .resources import rules_dir

MEASURES = frozenset({"level", "growth", "rate", "share", "count", "change"})
MEANS = frozenset({"growth", "amount", "flat"})

# Keys a rule file may use; anything else is a typo the checker reports.
INDICATOR_KEYS = frozenset(
    {"id", "zh", "aliases", "measures", "amount", "percent", "units", "scopes", "core", "note"}
)
GROUP_KEYS = frozenset({"aliases", "members"})
PHRASING_KEYS = frozenset(
    {"id", "means", "pattern", "examples", "indicator", "unit_suffix", "note"}
)
EXAMPLE_KEYS = frozenset({"text", "kind", "expect", "year", "note"})


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


@dataclass(frozen=True)
class Example:
    text: str
    kind: str
    expect: tuple[Mapping[str, Any], ...]
    year: int
    source: str
    line: int


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


@dataclass(frozen=True)
class Alias:
    pattern: str
    members: tuple[str, ...]


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
    lead_re: regex.Pattern[str] = field(init=False)
    clause_break_re: regex.Pattern[str] = field(init=False)
    partial_re: regex.Pattern[str] = field(init=False)
    sentence_break_re: regex.Pattern[str] = field(init=False)
    conj_re: regex.Pattern[str] = field(init=False)
    values_re: regex.Pattern[str] = field(init=False)
    multi_cue_re: regex.Pattern[str] = field(init=False)
    multi_filler_re: regex.Pattern[str] = field(init=False)
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


def _alternation(words: Iterable[str], escape: bool = True) -> str:
    items = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(regex.escape(w) if escape else w for w in items) + ")"


def _line_of(text: str, needle: str) -> int:
    """Best-effort 1-based line of a value in a YAML file (for FILE:LINE messages)."""
    idx = text.find(needle)
    return text.count("\n", 0, idx) + 1 if idx >= 0 else 1


def load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RuleError(str(path), f"cannot read rule file: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise RuleError(str(path), "rule file is not UTF-8") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise RuleError(str(path), f"YAML syntax error: {problem}", line) from None


def _placeholders(lexicon: Mapping[str, Any], units: Mapping[str, Any]) -> dict[str, str]:
    ph = {k: str(v) for k, v in lexicon["placeholders"].items()}
    base_units = [str(u) for u in units["base_units"] if str(u) not in ("%",)]
    pct = ph["PCTUNIT"]
    ph["UNIT"] = f"(?:{pct}|{ph['SCALE']}?{_alternation(base_units)})"
    seps = list(lexicon["list_separators"]) + list(lexicon["range_separators"])
    ph["VALSEP"] = _alternation(seps)
    ph["VALUES"] = (
        "(?P<values>(?:{NUM}{UNIT}?{VALSEP})*{NUM}{UNIT})".replace("{NUM}", ph["NUM"])
        .replace("{UNIT}", ph["UNIT"])
        .replace("{VALSEP}", ph["VALSEP"])
    )
    ph["DIR"] = _alternation(lexicon["directions"])
    ph["FLAT"] = _alternation(lexicon["flat_words"])
    ph["PRE"] = _alternation(w for ws in lexicon["pre_bounds"].values() for w in ws)
    ph["POST"] = _alternation(w for ws in lexicon["post_bounds"].values() for w in ws)
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


def _examples(raw: Any, source: str, text: str, rule_id: str) -> tuple[Example, ...]:
    out = []
    for ex in raw or []:
        if not isinstance(ex, dict) or "text" not in ex:
            raise RuleError(
                source, f"rule {rule_id}: an example needs 'text'", _line_of(text, rule_id)
            )
        unknown = set(ex) - EXAMPLE_KEYS
        if unknown:
            raise RuleError(
                source,
                f"rule {rule_id}: unknown example key(s) {', '.join(sorted(unknown))}",
                _line_of(text, str(ex["text"])),
            )
        kind = str(ex.get("kind", "result"))
        if kind not in ("result", "target"):
            raise RuleError(
                source,
                f"rule {rule_id}: example kind must be result or target",
                _line_of(text, str(ex["text"])),
            )
        out.append(
            Example(
                text=str(ex["text"]),
                kind=kind,
                expect=tuple(dict(e) for e in ex.get("expect") or []),
                year=int(ex.get("year", 2020)),
                source=source,
                line=_line_of(text, str(ex["text"])),
            )
        )
    return tuple(out)


def _rule_files(dirs: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        if d.is_file():
            files.append(d)
            continue
        if not d.is_dir():
            raise RuleError(str(d), "no such rules folder")
        files.extend(sorted(p for p in d.rglob("*.yaml") if p.is_file()))
        files.extend(sorted(p for p in d.rglob("*.yml") if p.is_file()))
    return files


def load_rules(extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """The built-in rules plus any user folders; raises RuleError with FILE:LINE."""
    return _load(tuple(str(p) for p in extra_dirs))


@functools.lru_cache(maxsize=8)
def _load(extra: tuple[str, ...]) -> RuleSet:
    builtin = rules_dir()
    lexicon = load_yaml(builtin / "lexicon.yaml")
    units = load_yaml(builtin / "units.yaml")
    ph = _placeholders(lexicon, units)

    indicators: dict[str, Indicator] = {}
    aliases: list[Alias] = []
    predicates: list[Phrasing] = []
    clauses: list[Phrasing] = []
    rule_ids: dict[str, str] = {}
    sources: list[str] = []
    groups_raw: list[tuple[str, str, dict[str, Any]]] = []

    special = {"lexicon.yaml", "units.yaml", "normalize.yaml", "structure.yaml"}
    files = [p for p in _rule_files([builtin]) if p.name not in special]
    files += _rule_files([Path(e) for e in extra])
    for path in files:
        source = str(path)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        data = load_yaml(path)
        sources.append(source)
        if data is None:
            continue
        if not isinstance(data, dict):
            raise RuleError(
                source, "a rule file holds a mapping with 'indicators', 'groups' or 'rules'", 1
            )
        unknown_top = set(data) - {"indicators", "groups", "rules"}
        if unknown_top:
            key = sorted(unknown_top)[0]
            raise RuleError(source, f"unknown top-level key '{key}'", _line_of(text, f"{key}:"))
        for raw in data.get("indicators") or []:
            ind = _indicator(raw, source, text)
            if ind.id in indicators:
                raise RuleError(
                    source,
                    f"indicator id '{ind.id}' is already defined in {indicators[ind.id].source}",
                    _line_of(text, f"id: {ind.id}"),
                )
            indicators[ind.id] = ind
        for raw in data.get("groups") or []:
            groups_raw.append((source, text, raw))
        for raw in data.get("rules") or []:
            rule = _phrasing(raw, source, text, ph)
            if rule.id in rule_ids:
                raise RuleError(
                    source,
                    f"rule id '{rule.id}' is already defined in {rule_ids[rule.id]}",
                    rule.line,
                )
            rule_ids[rule.id] = source
            (clauses if rule.indicator else predicates).append(rule)

    for ind in indicators.values():
        for a in ind.aliases:
            aliases.append(Alias(a, (ind.id,)))
    for source, text, raw in groups_raw:
        if not isinstance(raw, dict) or not raw.get("members") or not raw.get("aliases"):
            raise RuleError(
                source, "a group needs 'aliases' and 'members'", _line_of(text, "groups:")
            )
        unknown = set(raw) - GROUP_KEYS
        if unknown:
            raise RuleError(
                source,
                f"unknown group key(s) {', '.join(sorted(unknown))}",
                _line_of(text, "groups:"),
            )
        members = tuple(str(m) for m in raw["members"])
        for m in members:
            if m not in indicators:
                raise RuleError(
                    source, f"group member '{m}' is not a catalog indicator", _line_of(text, m)
                )
        for a in raw["aliases"]:
            aliases.append(Alias(str(a), members))
    for rule in clauses:
        if rule.indicator not in indicators:
            raise RuleError(
                rule.source, f"rule {rule.id}: unknown indicator '{rule.indicator}'", rule.line
            )

    version = _version(files)
    rs = RuleSet(indicators, aliases, lexicon, predicates, clauses, sources, version)
    _compile(rs, ph)
    return rs


def _version(files: Sequence[Path]) -> str:
    import hashlib

    h = hashlib.sha256()
    for p in sorted(files, key=lambda p: p.name):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _indicator(raw: Any, source: str, text: str) -> Indicator:
    if not isinstance(raw, dict) or "id" not in raw:
        raise RuleError(source, "an indicator needs an 'id'", _line_of(text, "indicators:"))
    ident = str(raw["id"])
    line = _line_of(text, f"id: {ident}")
    unknown = set(raw) - INDICATOR_KEYS
    if unknown:
        raise RuleError(
            source, f"indicator {ident}: unknown key(s) {', '.join(sorted(unknown))}", line
        )
    if not regex.fullmatch(r"[a-z][a-z0-9_]*", ident):
        raise RuleError(source, f"indicator id '{ident}' is not snake_case", line)
    if "zh" not in raw:
        raise RuleError(source, f"indicator {ident}: needs 'zh' (its Chinese name)", line)
    measures = frozenset(str(m) for m in raw.get("measures") or [])
    bad = measures - MEASURES
    if not measures or bad:
        raise RuleError(
            source, f"indicator {ident}: measures must be some of {sorted(MEASURES)}", line
        )
    for key in ("amount", "percent"):
        val = raw.get(key)
        if val is not None and str(val) not in MEASURES:
            raise RuleError(
                source, f"indicator {ident}: {key} must be one of {sorted(MEASURES)}", line
            )
    aliases = tuple(str(a) for a in raw.get("aliases") or [])
    for a in aliases:
        try:
            regex.compile(a)
        except regex.error as err:
            raise RuleError(
                source, f"indicator {ident}: alias '{a}' does not compile: {err}", _line_of(text, a)
            ) from None
    return Indicator(
        id=ident,
        zh=str(raw["zh"]),
        aliases=aliases,
        measures=measures,
        amount=str(raw["amount"]) if raw.get("amount") else None,
        percent=str(raw["percent"]) if raw.get("percent") else None,
        units=frozenset(str(u) for u in raw.get("units") or []),
        scopes=tuple(str(s) for s in raw.get("scopes") or []),
        core=bool(raw.get("core", False)),
        source=source,
    )


# Named groups the engine reads from a match; a pattern without `values` (or `flat`)
# can never yield a figure.
NEEDED_GROUPS = {"growth": ("values", "dir"), "amount": ("values",), "flat": ("flat",)}


def _phrasing(raw: Any, source: str, text: str, ph: Mapping[str, str]) -> Phrasing:
    if not isinstance(raw, dict) or "id" not in raw:
        raise RuleError(source, "a rule needs an 'id'", _line_of(text, "rules:"))
    ident = str(raw["id"])
    line = _line_of(text, f"id: {ident}")
    unknown = set(raw) - PHRASING_KEYS
    if unknown:
        raise RuleError(source, f"rule {ident}: unknown key(s) {', '.join(sorted(unknown))}", line)
    if "pattern" not in raw:
        raise RuleError(source, f"rule {ident}: needs a 'pattern'", line)
    means = str(raw.get("means", "amount"))
    if means not in MEANS:
        raise RuleError(source, f"rule {ident}: means must be one of {sorted(MEANS)}", line)
    pattern = str(raw["pattern"])
    expanded = expand(pattern, ph)
    try:
        compiled = regex.compile(expanded)
    except regex.error as err:
        raise RuleError(
            source, f"rule {ident}: pattern does not compile: {err}", _line_of(text, pattern[:20])
        ) from None
    for group in NEEDED_GROUPS[means]:
        if group not in compiled.groupindex:
            raise RuleError(
                source,
                f"rule {ident}: pattern lacks the named group '{group}' that '{means}' needs",
                line,
            )
    examples = _examples(raw.get("examples"), source, text, ident)
    if not examples:
        raise RuleError(source, f"rule {ident}: needs at least one example", line)
    return Phrasing(
        id=ident,
        means=means,
        pattern=pattern,
        compiled=compiled,
        indicator=str(raw["indicator"]) if raw.get("indicator") else None,
        unit_suffix=str(raw.get("unit_suffix", "")),
        examples=examples,
        source=source,
        line=line,
    )


def _compile(rs: RuleSet, ph: Mapping[str, str]) -> None:
    lex = rs.lexicon
    # Longest alias first so that 农村居民人均可支配收入 wins over 居民人均可支配收入.
    ordered = sorted(enumerate(rs.aliases), key=lambda ia: len(ia[1].pattern), reverse=True)
    parts = []
    rs.alias_by_group = {}
    for i, alias in ordered:
        name = f"a{i}"
        rs.alias_by_group[name] = alias
        parts.append(f"(?P<{name}>{alias.pattern})")
    rs.mention_re = regex.compile("|".join(parts))
    leads = [str(w) for w in lex["lead_words"]]
    lead_alt = "|".join(sorted(leads, key=len, reverse=True))
    rs.lead_re = regex.compile(f"(?:{lead_alt}|(?P<place>{lex['lead_place']}))*")
    rs.clause_break_re = regex.compile(str(lex["clause_breaks"]))
    rs.partial_re = regex.compile(str(lex["partial_cues"]))
    rs.sentence_break_re = regex.compile(str(lex["sentence_breaks"]))
    rs.conj_re = regex.compile(_alternation(["和", "、", "及", "与", "以及"]))
    num, unit = ph["NUM"], ph["UNIT"]
    rs.values_re = regex.compile(f"(?P<num>{num})(?P<unit>{unit})?(?P<sep>{ph['VALSEP']})?")
    rs.multi_cue_re = regex.compile("|".join(str(c) for c in lex["multi_year_cues"]))
    rs.multi_filler_re = regex.compile(_alternation(lex["multi_year_fillers"]))
    rs.result_cue_re = regex.compile(_alternation(lex["result_cues"]))
    rs.target_cue_re = regex.compile(_alternation(lex["target_cues"]))
    rs.estimate_re = regex.compile(_alternation(lex["estimate_words"]))
    rs.directions = {str(k): int(v) for k, v in lex["directions"].items()}
    rs.pre_bounds = {str(w): b for b, ws in lex["pre_bounds"].items() for w in ws}
    rs.post_bounds = {str(w): b for b, ws in lex["post_bounds"].items() for w in ws}
    rs.percent_units = frozenset({"%", "个百分点", "百分点"})
    # Cheap test for "could this sentence hold a figure at all".
    rs.prefilter_re = regex.compile(str(lex["figure_signs"]))
