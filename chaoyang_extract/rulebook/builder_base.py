"""The state a rule-file reader builds up, and the checks every item kind shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from ..errors import RuleError
from .model import Alias, Example, Indicator, Phrasing
from .source import line_of

__all__ = ["BuilderBase"]


def _where(source: str, line: int) -> str:
    return f"{source}:{line}"


def _is_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _one_of(v: Any, allowed: Iterable[str]) -> bool:
    # A YAML list or mapping is unhashable: `in` on a set would raise rather than answer.
    return isinstance(v, str) and v in allowed


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


@dataclass(frozen=True)
class _Group:
    aliases: tuple[Alias, ...]


def _unit_std(unit: str) -> str | None:
    from ..numbers import unit_info

    info = unit_info(unit)
    return info.unit_std if info is not None else None


class BuilderBase:
    """Collects the items of the rule files, with every problem found on the way."""

    def __init__(self, ph: Mapping[str, str], problems: list[RuleError]) -> None:
        self.ph = ph
        self.problems = problems
        self.indicators: dict[str, Indicator] = {}
        self.groups: list[tuple[str, Any, bool]] = []  # (source, raw, built-in)
        self.predicates: list[Phrasing] = []
        self.clauses: list[Phrasing] = []
        self.corpus: dict[str, tuple[Example, ...]] = {}
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
