"""The backtracking probe: rules and aliases that would run for years on some text are
found by running them on adversarial text, under a time limit, before a batch does."""

from __future__ import annotations

import regex

from ..errors import RuleError
from .ruleset import RuleSet

__all__ = ["PROBE_TIMEOUT_S", "probe_patterns"]


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
