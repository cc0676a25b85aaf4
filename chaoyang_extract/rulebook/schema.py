"""What rule files may say: the vocabularies, and the shape of every kind of rule file.

One home for the words the rest of the code and the docs share (measures, meanings,
kinds, bounds, …), and a small declarative description of the lexicon, structure,
normalize and units files, checked by ``check`` with FILE:LINE errors for unknown,
missing and mistyped keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import RuleError
from .source import LineMap, line_of

__all__ = [
    "BOUNDS",
    "CORPUS_FOLDER",
    "CORPUS_KEYS",
    "EXAMPLE_KEYS",
    "EXPECT_KEYS",
    "GROUP_KEYS",
    "GROUPS",
    "HORIZONS",
    "INDICATOR_KEYS",
    "KINDS",
    "MEANINGS",
    "MEANS",
    "MEASURES",
    "MEASURE_ORDER",
    "PHRASING_KEYS",
    "SPECIAL_FILES",
    "TIERS",
    "TOP_KEYS",
    "YEARS",
    "Key",
    "Meaning",
    "check",
    "keys_problems",
]

# In the order tables show them (the wide view's columns).
MEASURE_ORDER = ("level", "growth", "rate", "share", "count", "change")
MEASURES = frozenset(MEASURE_ORDER)
KINDS = ("result", "target")
BOUNDS = frozenset({"eq", "ge", "le", "approx", "range"})
HORIZONS = frozenset({"annual", "multi_year"})
TIERS = frozenset({"baseline", "stretch"})


@dataclass(frozen=True)
class Meaning:
    """What a phrasing's match means (its `means`): the named groups it needs, and the
    words docs/RULES.md gives it."""

    needs: tuple[str, ...]
    doc: str


# Every `means` a phrasing may have. The engine has one handler for each
# (matching's MEANING_HANDLERS), and a test holds docs/RULES.md to this table.
MEANINGS: dict[str, Meaning] = {
    "amount": Meaning(("values",), "the figure is the indicator's amount (the default)"),
    "growth": Meaning(("values", "dir"), "a change, signed by the direction word"),
    "flat": Meaning(("flat",), "与上年持平: growth 0"),
    "skip": Meaning(
        ("values",),
        "a part of the indicator (扣除房地产开发投资后增长8.5%), read past without a row so "
        "the list goes on",
    ),
    "adjusted": Meaning(
        ("values",),
        "the indicator on another basis (剔除减税降费因素下降8.1%): a row only when the "
        "list gives no headline figure of that measure",
    ),
}
MEANS = frozenset(MEANINGS)

# Named groups the engine reads from a match, with what needs them.
GROUPS: dict[str, str] = {
    "values": "the number(s) with their unit: one, a range (5%—5.5%) or a list (6.1%和7.1%)",
    "dir": "a direction word (增长, 下降 …): it signs the figure",
    "flat": "the 持平 word",
    "sep": "the separator before a list item; start the pattern with `{SEP}`",
    "pre": "bound words before the number (超过, 不低于 …)",
    "post": "bound words after the number (以上, 左右 …)",
    "stretch": "力争/争取: a second figure is the stretch target",
    "year": 'an explicit year ("2016年达到…")',
    "scope": "a scope qualifier (省级 …)",
    "fromval": "the start of 从X增加到Y: the row is Y, a level reached, so a result (also "
    "in the plan part, unless the sentence names a target year)",
}

# Report years an example may claim: the People's Republic's reports, and some future.
YEARS = range(1949, 2101)

# Keys a rule file may use; anything else is a typo the checker reports.
TOP_KEYS = ("indicators", "groups", "rules")
INDICATOR_KEYS = frozenset(
    {"id", "zh", "aliases", "measures", "amount", "percent", "units", "scopes", "core", "better"}
    | {"note", "examples"}
)
GROUP_KEYS = frozenset({"aliases", "members", "combined", "note"})
PHRASING_KEYS = frozenset(
    {"id", "means", "pattern", "examples", "indicator", "unit_suffix", "note"}
)
EXAMPLE_KEYS = frozenset({"text", "kind", "expect", "year", "region", "note"})
# A corpus file (a rules folder's corpus/*.yaml): examples of how reports write figures,
# beside the rules rather than inside one.
CORPUS_KEYS = frozenset({"examples", "note"})
CORPUS_FOLDER = "corpus"
# Columns an expected record may name: what a rule decides about a figure, not where the
# figure stands (doc, offsets, section), which an example cannot know.
EXPECT_KEYS = frozenset(
    {"indicator", "indicator_zh", "kind", "year", "horizon", "measure", "value"}
    | {"value_max", "unit", "value_std", "unit_std", "bound", "tier", "estimated", "scope"}
)


def keys_problems(
    raw: Mapping[Any, Any], allowed: frozenset[str] | Sequence[str], what: str
) -> list[tuple[str, int]]:
    """(message, line) for each unknown key of ``raw`` and each key written twice."""
    out = []
    unknown = [k for k in raw if k not in allowed]
    if unknown:
        names = ", ".join(f"'{k}'" for k in unknown)
        out.append(
            (
                f"{what}: unknown key(s) {names} (allowed: {', '.join(sorted(allowed))})",
                line_of(raw, unknown[0]),
            )
        )
    if isinstance(raw, LineMap):
        for key, line in raw.repeated:
            out.append((f"{what}: key '{key}' is written twice; the last one wins", line))
    return out


# --------------------------------------------------------------------------- shapes

_NAMES = {str: "text", int: "whole number", float: "number", bool: "true or false"}
_NAMES |= {list: "list", dict: "mapping"}


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its type, whether it must be there, and for a mapping or a
    list, what its keys (a fixed set) or its items and values must be."""

    kind: type | tuple[type, ...]
    required: bool = True
    keys: Mapping[str, Key] | None = None  # a mapping with these keys only
    items: Key | None = None  # each item of a list, each value of a free mapping
    doc: str = ""

    def name(self) -> str:
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        return " or ".join(_NAMES.get(k, k.__name__) for k in kinds)


def _optional(kind: type | tuple[type, ...], **kw: Any) -> Key:
    return Key(kind, required=False, **kw)


def check(data: Any, spec: Mapping[str, Key], source: str, what: str = "") -> list[RuleError]:
    """Every way ``data`` (a loaded file or mapping) departs from ``spec``."""
    where = f"{what}: " if what else ""
    if not isinstance(data, Mapping):
        return [RuleError(source, f"{where}expected a mapping", line_of(data))]
    problems = [
        RuleError(source, message, line)
        for message, line in keys_problems(data, frozenset(spec), what or "file")
    ]
    for name, key in spec.items():
        if name not in data:
            if key.required:
                problems.append(RuleError(source, f"{where}missing key '{name}'", line_of(data)))
            continue
        problems += _check_value(
            data[name], key, source, f"{what}.{name}" if what else name, line_of(data, name)
        )
    return problems


def _check_value(value: Any, key: Key, source: str, what: str, line: int) -> list[RuleError]:
    kinds = key.kind if isinstance(key.kind, tuple) else (key.kind,)
    # YAML reads 1 as int where a number is asked for, and true is no number.
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if float in kinds and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        return [RuleError(source, f"{what}: expected a {key.name()}", line)]
    if key.keys is not None:
        return check(value, key.keys, source, what)
    problems: list[RuleError] = []
    if key.items is not None and isinstance(value, list):
        for i, item in enumerate(value):
            at = line_of(item) if isinstance(item, LineMap) else line
            problems += _check_value(item, key.items, source, f"{what}[{i}]", at)
    elif key.items is not None and isinstance(value, Mapping):
        for k, item in value.items():
            problems += _check_value(item, key.items, source, f"{what}.{k}", line_of(value, k))
    return problems


def _texts(required: bool = True) -> Key:
    return Key(list, required=required, items=Key(str))


def _text_map(required: bool = True) -> Key:
    return Key(dict, required=required, items=Key(str))


# --------------------------------------------------------------------------- lexicon.yaml

LEXICON: dict[str, Key] = {
    "placeholders": _text_map(),
    "lead_words": _texts(),
    "lead_place": Key(str),
    "clause_breaks": Key(str),
    "partial_cues": Key(str),
    "sentence_breaks": Key(str),
    "directions": Key(dict, items=Key(int)),
    "figure_signs": Key(str),
    "flat_words": _texts(),
    "pre_bounds": Key(dict, items=_texts()),
    "post_bounds": Key(dict, items=_texts()),
    "fillers": _texts(),
    "filler_patterns": _texts(required=False),
    "multi_year_fillers": _texts(),
    "cumulative_leads": _texts(),
    "own_jurisdiction": Key(str),
    "place_scope_break": Key(str),
    "respectively_words": _texts(),
    "each_words": _texts(),
    "subject_chain": Key(str),
    "stretch_words": _texts(),
    "estimate_words": _texts(),
    "list_separators": _texts(),
    "subject_joins": _texts(),
    "range_separators": _texts(),
    "multi_year_cues": _texts(),
    "result_cues": _texts(),
    "target_cues": _texts(),
    "goal_clause": Key(str, required=False),
    "own_share": Key(str, required=False),
    "scope_names": _text_map(required=False),
}

# --------------------------------------------------------------------------- divisions.yaml

DIVISIONS: dict[str, Key] = {
    "suffixes": _texts(),
    "no_prefecture": _texts(),
    "own_level_words": _texts(),
    "abbreviated": _text_map(required=False),
}

# --------------------------------------------------------------------------- units.yaml

UNITS: dict[str, Key] = {
    "scales": Key(dict, items=Key(float)),
    "base_units": Key(dict, items=Key(dict, keys={"std": Key(str), "factor": Key(float)})),
}

# --------------------------------------------------------------------------- normalize.yaml

NORMALIZE: dict[str, Key] = {
    "sentence_final": Key(str),
    "closing_marks": Key(str),
    "clause_final": Key(str),
    "continuation_end": Key(str),
    "continuation_min_chars": Key(int),
    "dangling_end": Key(str),
    "body_marks": Key(str),
    "fragment_max_chars": Key(int),
    "no_line_start": Key(str),
    "range_dashes": Key(str),
    "range_dash": Key(str),
    "paragraph_starts": _texts(),
    "decimal_stop": Key(str),
    "char_map": _text_map(),
    "reading": Key(str),
    "keep_tokens": Key(list, items=Key((str, int))),
}

# --------------------------------------------------------------------------- structure.yaml

_EVIDENCE_ITEM = Key(
    dict,
    keys={
        "id": Key(str),
        "weight": _optional((int, float)),
        "offset": _optional(int),
        "months": _optional(list, items=Key(int)),
        "reverse": _optional(bool),
        "ends_with": _optional(list, items=Key(str)),
        "patterns": Key((str, list)),
    },
)
_CUES = Key(dict, items=Key(dict, keys={"strong": _texts(False), "generic": _texts(False)}))
_BY_PERIOD = Key(dict, required=False, items=Key((str, list)))

STRUCTURE: dict[str, Key] = {
    "version": Key(int),
    "years": Key(
        dict,
        keys={
            "min": Key(int),
            "max": Key(int),
            "cn_digits": Key(dict, items=Key(int)),
            "cn_numerals": Key(dict, items=Key(int)),
            "late_months": _optional(list, items=Key(int)),
            "conflict_ratio": _optional(float),
        },
    ),
    "placeholders": _text_map(),
    "year_evidence": Key(list, items=_EVIDENCE_ITEM),
    "file_name_year": Key(str),
    "region_evidence": Key(list, items=_EVIDENCE_ITEM),
    "five_year_plans": Key(
        list, items=Key(dict, keys={"start": Key(int), "names": Key((str, list))})
    ),
    "headings": Key(
        dict,
        keys={
            "max_title": Key(int),
            "max_unnumbered": Key(int),
            "prefix": Key(str),
            "suffix": _optional(str),
            "forbidden": Key(str),
            "numbering": Key(list, items=Key(dict, keys={"id": Key(str), "pattern": Key(str)})),
            "unnumbered": Key((str, list)),
            "restart_lines": _texts(False),
            "end_lines": _texts(False),
        },
    ),
    "heading_cues": _CUES,
    "paragraph_cues": Key(
        dict,
        keys={
            "lead": _optional(str),
            "min_len": _optional(int),
            "start": _BY_PERIOD,
            "anywhere": _BY_PERIOD,
        },
    ),
}

# Files of the built-in rules folder that are not rule files, with their shapes.
SPECIAL_FILES: dict[str, Mapping[str, Key]] = {
    "lexicon.yaml": LEXICON,
    "divisions.yaml": DIVISIONS,
    "units.yaml": UNITS,
    "normalize.yaml": NORMALIZE,
    "structure.yaml": STRUCTURE,
}
