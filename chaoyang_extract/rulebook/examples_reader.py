"""Reading a rule's or an indicator's examples and their expected records."""

from __future__ import annotations

from typing import Any

from .builder_base import BuilderBase, _is_number, _is_text, _one_of
from .model import Example
from .schema import (
    BOUNDS,
    EXAMPLE_KEYS,
    EXPECT_KEYS,
    HORIZONS,
    KINDS,
    MEASURES,
    TIERS,
    YEARS,
    keys_problems,
)
from .source import LineMap, line_of

__all__ = ["ExampleReader"]


class ExampleReader(BuilderBase):
    """Examples: a sentence and every record it must give."""

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
