"""What matching gives and passes around: hits, mentions, and the timeout of a user's rule."""

from __future__ import annotations

from dataclasses import dataclass

# A pattern that runs longer than this on one sentence is abandoned (catastrophic
# backtracking in a user's rule must not hang a batch). Only patterns from a user's
# --rules run under it: the built-in ones are linear, and a timeout costs a clock check
# on every call, which doubles the time of the many short calls the engine makes.
PATTERN_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Hit:
    indicator: str
    measure: str
    value: float
    value_max: float | None
    unit: str
    bound: str
    stretch: bool
    estimated: bool
    multi_item: bool  # 年均/累计 in the figure's own phrase
    multi_context: bool  # a five-year cue earlier in the sentence
    past: bool  # "从X提高到Y": the phrase reports where a level came to
    year: int | None
    scope: str | None
    start: int
    end: int
    rule: str
    sentence_start: int
    # A figure on another basis (剔除…因素): kept only when its list gives no headline one.
    adjusted: bool = False


@dataclass
class Mention:
    start: int
    end: int
    members: tuple[str, ...]
    lead: str
    year: int | None = None
    combined: str | None = None


class RuleTimeout(Exception):
    """Rules (ids, or alias labels) that ran over the timeout; they are skipped."""

    def __init__(self, rule: str, *more: str) -> None:
        super().__init__(rule, *more)
        self.rule = rule
        self.rules = (rule, *more)
