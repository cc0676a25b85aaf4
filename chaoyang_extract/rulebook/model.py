"""What the rule files hold, as the engine uses it: indicators, phrasings, aliases and
their examples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import regex

__all__ = ["Alias", "Example", "Indicator", "Phrasing", "alias_label"]


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
    # Which way a result beats a target: "lower" for unemployment, prices, energy use.
    better: str = "higher"
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
