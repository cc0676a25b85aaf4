"""The one placeholder grammar of every rule file: ``{NAME}`` (capitals, digits, _) stands
for a named pattern, which may hold placeholders itself. ``{2}`` and ``{1,3}`` stay
quantifiers.

    >>> expand("{NUM}%", {"NUM": r"\\d+"})
    '(?:\\\\d+)%'
    >>> expand("a{2}{X}", {"X": "{Y}b", "Y": "c"})
    'a{2}(?:(?:c)b)'
    >>> expand("{NOPE}", {}, "x.yaml")
    Traceback (most recent call last):
    ...
    chaoyang_extract.errors.RuleError: x.yaml: unknown placeholder {NOPE} in '{NOPE}'
"""

from __future__ import annotations

from collections.abc import Mapping

import regex

from ..errors import RuleError

__all__ = ["PLACEHOLDER", "expand", "names"]

PLACEHOLDER = regex.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_MAX_DEPTH = 8


def expand(
    pattern: str, values: Mapping[str, str], where: str = "", line: int | None = None
) -> str:
    """Fill every placeholder; each becomes a non-capturing group, so that an alternation
    inside it stays put. RuleError(where, …, line) for an unknown name or a cycle."""
    return _expand(pattern, values, where, line, 0)


def _expand(
    pattern: str, values: Mapping[str, str], where: str, line: int | None, depth: int
) -> str:
    if depth > _MAX_DEPTH:
        raise RuleError(where, f"placeholders nest too deep in {pattern!r}", line)

    def fill(m: regex.Match[str]) -> str:
        name = m.group(1)
        if name not in values:
            raise RuleError(where, f"unknown placeholder {{{name}}} in {pattern!r}", line)
        return "(?:" + _expand(values[name], values, where, line, depth + 1) + ")"

    return str(PLACEHOLDER.sub(fill, pattern))


def names(pattern: str) -> set[str]:
    """The placeholder names ``pattern`` uses directly."""
    return set(PLACEHOLDER.findall(pattern))
