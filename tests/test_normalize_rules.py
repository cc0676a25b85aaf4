"""rules/normalize.yaml read through the rulebook: every problem a RuleError at its line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chaoyang_extract.errors import RuleError
from chaoyang_extract.normalize import normalize
from chaoyang_extract.normalize import rules as normalize_rules
from chaoyang_extract.resources import rules_dir

GOOD = (rules_dir() / "normalize.yaml").read_text(encoding="utf-8")


def _line(text: str, start: str) -> int:
    """The 1-based line of ``text`` that starts with ``start`` (there must be one)."""
    (line,) = [i for i, s in enumerate(text.splitlines(), 1) if s.startswith(start)]
    return line


@pytest.fixture
def with_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Path]]:
    """Point normalize at a rules folder holding the given normalize.yaml text."""
    path = tmp_path / "normalize.yaml"

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        normalize_rules.builtin_rules.cache_clear()
        return path

    monkeypatch.setattr(normalize_rules, "rules_dir", lambda: tmp_path)
    try:
        yield write
    finally:
        monkeypatch.undo()
        normalize_rules.builtin_rules.cache_clear()


def _error(with_rules: Callable[[str], Path], text: str) -> tuple[Path, str]:
    path = with_rules(text)
    with pytest.raises(RuleError) as caught:
        normalize("增长4.5%-5%")
    return path, str(caught.value)


def _replace(old: str, new: str) -> str:
    assert GOOD.count(old) == 1, old
    return GOOD.replace(old, new)


def test_the_copy_of_the_builtin_rules_normalizes_alike(with_rules: Callable[[str], Path]) -> None:
    # The fixture really points normalize at the copy: the same rules, the same text.
    with_rules(GOOD)
    assert normalize("增长4.5%-5%").text == "增长4.5%—5%"
    with_rules(_replace('range_dash: "—"', 'range_dash: "~"'))
    assert normalize("增长4.5%-5%").text == "增长4.5%~5%"


def test_unknown_key(with_rules: Callable[[str], Path]) -> None:
    text = GOOD.replace("clause_final:", "clause_finals: '；'\nclause_final:", 1)
    path, message = _error(with_rules, text)
    assert message.startswith(f"{path}:{_line(text, 'clause_finals:')}: ")
    assert "unknown key(s) 'clause_finals'" in message


def test_missing_key(with_rules: Callable[[str], Path]) -> None:
    text = _replace('range_dash: "—"\n', "")
    path, message = _error(with_rules, text)
    # A missing key has no line of its own: the error names where the mapping starts.
    assert message.startswith(f"{path}:{_line(text, 'sentence_final:')}: ")
    assert "missing key 'range_dash'" in message


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('range_dash: "—"', "range_dash: 3", "range_dash"),
        ("continuation_min_chars: 20", "continuation_min_chars: '20'", "continuation_min_chars"),
        ("fragment_max_chars: 12", "fragment_max_chars: true", "fragment_max_chars"),
        ('  - "各位代表[：，！]"', "  - 3.5", "paragraph_starts"),
        ('  "｡": "。"', '  "｡": [。]', "char_map"),
    ],
)
def test_value_of_the_wrong_type(
    with_rules: Callable[[str], Path], old: str, new: str, key: str
) -> None:
    text = _replace(old, new)
    path, message = _error(with_rules, text)
    # A list item names its list's key; a mapping's value, its own key.
    line = _line(text, new if key == "char_map" else f"{key}:")
    assert message.startswith(f"{path}:{line}: ")
    assert key in message and "expected a" in message


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("decimal_stop: '\\d{1,2}(?:", "decimal_stop: '\\d{1,2}((?:", "decimal_stop"),
        ('reading: "(?:zh|ch|sh|', 'reading: "((?:zh|ch|sh|', "reading"),
        ('  - "各位代表[：，！]"', '  - "各位代表[：，！"', "paragraph_starts"),
    ],
)
def test_pattern_that_does_not_compile(
    with_rules: Callable[[str], Path], old: str, new: str, key: str
) -> None:
    text = _replace(old, new)
    path, message = _error(with_rules, text)
    # The items of a list carry no lines: a bad paragraph start names the list's key.
    assert message.startswith(f"{path}:{_line(text, key + ':')}: ")
    assert re.search(rf"{key}(\[\d+\])?: bad pattern", message), message


@pytest.mark.parametrize(
    ("old", "new", "line_start", "words"),
    [
        ('clause_final: "；："', 'clause_final: ""', "clause_final:", "non-empty"),
        ("fragment_max_chars: 12", "fragment_max_chars: 0", "fragment_max_chars:", "positive"),
        ('  "﹒": "."', '  "﹒": ".."', '  "﹒"', "single characters"),
    ],
)
def test_what_the_shape_cannot_say(
    with_rules: Callable[[str], Path], old: str, new: str, line_start: str, words: str
) -> None:
    text = _replace(old, new)
    path, message = _error(with_rules, text)
    assert message.startswith(f"{path}:{_line(text, line_start)}: ")
    assert words in message
