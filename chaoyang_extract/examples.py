"""Running rule examples: each example's text must give exactly its expected records."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .extract import extract_snippet
from .records import COLUMNS, Record
from .rulebook import Example, RuleSet
from .rulebook.schema import EXPECT_KEYS as _RULES_EXPECT_KEYS

# Fields an expectation may name; others are rejected by the checker.
EXPECT_KEYS = frozenset(COLUMNS) - {
    "doc",
    "region",
    "report_year",
    "quote",
    "start",
    "end",
    "line",
    "section",
    "rule",
    "region_code",
    "province",
    "prefecture",
}
# The rulebook cannot import the records module (it would be circular), so it keeps its own
# list; the two must agree.
assert EXPECT_KEYS == _RULES_EXPECT_KEYS, sorted(EXPECT_KEYS ^ _RULES_EXPECT_KEYS)

# Owner labels of an indicator's and a corpus file's examples (a rule's is its id).
INDICATOR = "indicator:"
CORPUS = "corpus:"


@dataclass(frozen=True)
class ExampleFailure:
    rule: str
    example: Example
    expected: tuple[Mapping[str, Any], ...]
    actual: tuple[Mapping[str, Any], ...]
    # Set when extracting the example raised (a pattern that timed out, an engine bug):
    # one odd example must not hide the results of the others.
    error: str | None = None

    def describe(self) -> str:
        owner = (
            self.rule.replace(":", " ", 1)
            if self.rule.startswith((INDICATOR, CORPUS))
            else f"rule {self.rule}"
        )
        lines = [f"{self.example.source}:{self.example.line}: {owner}: {self.example.text}"]
        lines.append("  expected:")
        lines += [f"    {dict(e)}" for e in self.expected] or ["    (no records)"]
        if self.error is not None:
            lines.append(f"  error: {self.error}")
            return "\n".join(lines)
        lines.append("  actual:")
        lines += [f"    {_short(a)}" for a in self.actual] or ["    (no records)"]
        return "\n".join(lines)


def _short(row: Mapping[str, Any]) -> dict[str, Any]:
    keep = (
        "indicator",
        "kind",
        "year",
        "horizon",
        "measure",
        "value",
        "value_max",
        "unit",
        "bound",
        "tier",
        "estimated",
        "scope",
    )
    return {k: row[k] for k in keep}


def _same(expected: Any, actual: Any) -> bool:
    if (
        isinstance(expected, int | float)
        and not isinstance(expected, bool)
        and isinstance(actual, int | float)
    ):
        return math.isclose(float(expected), float(actual), rel_tol=1e-9, abs_tol=1e-9)
    return bool(expected == actual)


def _defaults(kind: str, year: int) -> dict[str, Any]:
    # What an expectation means when it does not say: an annual figure, an exact value,
    # for the year the example's kind implies.
    d: dict[str, Any] = {"kind": kind, "bound": "eq", "horizon": "annual"}
    if kind == "target":
        d["tier"] = "baseline"
    return d


def matches(expect: Mapping[str, Any], row: Mapping[str, Any], kind: str, year: int) -> bool:
    full = {**_defaults(kind, year), **expect}
    if full["horizon"] == "annual" and "year" not in full:
        full["year"] = year - 1 if kind == "result" else year
    return all(_same(v, row.get(k)) for k, v in full.items())


def check_example(rs: RuleSet, rule: str, ex: Example) -> ExampleFailure | None:
    rows = [asdict(r) for r in extract_snippet(rs, ex.text, ex.kind, ex.year, ex.region)]
    unused = list(rows)
    ok = True
    for exp in ex.expect:
        hit = next((r for r in unused if matches(exp, r, ex.kind, ex.year)), None)
        if hit is None:
            ok = False
            break
        unused.remove(hit)
    if ok and not unused:
        return None
    return ExampleFailure(rule, ex, ex.expect, tuple(rows))


def all_examples(rs: RuleSet) -> Iterator[tuple[str, Example]]:
    """(owner, example) for every rule's, indicator's and corpus file's examples; an
    indicator's owner is ``indicator:ID``, a corpus file's ``corpus:NAME``, a rule's its id."""
    for rule in [*rs.predicates, *rs.clauses]:
        for ex in rule.examples:
            yield rule.id, ex
    for ind in rs.indicators.values():
        for ex in ind.examples:
            yield f"{INDICATOR}{ind.id}", ex
    for owner, examples in rs.corpus.items():
        for ex in examples:
            yield owner, ex


def run_examples(rs: RuleSet) -> tuple[int, list[ExampleFailure]]:
    failures = []
    n = 0
    for rule_id, ex in all_examples(rs):
        n += 1
        try:
            f = check_example(rs, rule_id, ex)
        except Exception as e:  # noqa: BLE001 - reported as this example's failure
            f = ExampleFailure(rule_id, ex, ex.expect, (), f"{type(e).__name__}: {e}")
        if f is not None:
            failures.append(f)
    return n, failures


__all__ = [
    "ExampleFailure",
    "Record",
    "check_example",
    "run_examples",
    "all_examples",
    "EXPECT_KEYS",
]
