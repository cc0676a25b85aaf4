"""Reading the items of a rule file: indicators, groups and phrasing rules."""

from __future__ import annotations

from typing import Any

import regex

from . import cache
from .builder_base import _Group, _is_text, _one_of, _unit_std, _where
from .examples_reader import ExampleReader
from .model import Alias, Indicator, Phrasing
from .placeholders import PLACEHOLDER, expand
from .schema import (
    GROUP_KEYS,
    INDICATOR_KEYS,
    MEANINGS,
    MEANS,
    MEASURES,
    PHRASING_KEYS,
    keys_problems,
)
from .source import line_of

__all__ = ["ItemReader"]

# Named groups the engine reads from a match; a pattern without `values` (or `flat`)
# can never yield a figure.
NEEDED_GROUPS = {name: meaning.needs for name, meaning in MEANINGS.items()}


class ItemReader(ExampleReader):
    """Indicators, groups and rules, each checked as it is read."""

    def _indicator(self, raw: Any, source: str, builtin: bool) -> None:
        if not isinstance(raw, dict) or not _is_text(raw.get("id")):
            self.problem(source, "an indicator needs an 'id'", line_of(raw))
            return
        ident = str(raw["id"])
        line = line_of(raw)
        what = f"indicator {ident}"
        problems_before = len(self.problems)
        self._indicator_id(raw, ident, source, what, line)
        measures = self._measures(raw, source, what)
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
        if raw.get("better", "higher") not in ("higher", "lower"):
            self.problem(
                source, f"{what}: 'better' must be higher or lower", line_of(raw, "better")
            )
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
            better=str(raw.get("better", "higher")),
            source=source,
            line=line,
            examples=examples,
            builtin=builtin,
        )

    def _indicator_id(self, raw: Any, ident: str, source: str, what: str, line: int) -> None:
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

    def _measures(self, raw: Any, source: str, what: str) -> frozenset[str]:
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
        return measures

    def _rule(self, raw: Any, source: str, builtin: bool) -> None:
        if not isinstance(raw, dict) or not _is_text(raw.get("id")):
            self.problem(source, "a rule needs an 'id'", line_of(raw))
            return
        ident = str(raw["id"])
        line = line_of(raw)
        what = f"rule {ident}"
        before = len(self.problems)
        means, indicator = self._rule_head(raw, ident, source, what, line)
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

    def _rule_head(
        self, raw: Any, ident: str, source: str, what: str, line: int
    ) -> tuple[Any, Any]:
        """The rule's keys, id, `means` and `indicator` checked; (means, indicator)."""
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
        return means, indicator

    def _pattern(
        self, raw: Any, source: str, what: str, means: str, *, clause: bool
    ) -> regex.Pattern[str] | None:
        pattern = raw.get("pattern")
        at = line_of(raw, "pattern")
        if not _is_text(pattern):
            self.problem(source, f"{what}: needs a 'pattern' (a regular expression)", line_of(raw))
            return None
        unknown = sorted({m.group(1) for m in PLACEHOLDER.finditer(pattern)} - set(self.ph))
        if unknown:
            known = ", ".join("{" + k + "}" for k in sorted(self.ph))
            self.problem(
                source,
                f"{what}: unknown placeholder(s) {', '.join('{' + u + '}' for u in unknown)} (known: {known})",
                at,
            )
            return None
        try:
            compiled = cache.compile(expand(pattern, self.ph, source, at))
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
