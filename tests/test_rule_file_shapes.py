"""The lexicon and units files are checked against their shapes (rulebook.schema) like
every rule file: an unknown, missing or mistyped key is an error naming FILE:LINE.
(normalize.yaml and structure.yaml: tests/test_normalize_rules.py, test_structure.py.)"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from chaoyang_extract import numbers
from chaoyang_extract.resources import rules_dir
from chaoyang_extract.rulebook import collect_rules, loading
from chaoyang_extract.rulebook.schema import SPECIAL_FILES


@pytest.fixture
def rules_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "rules"
    shutil.copytree(rules_dir(), folder)
    monkeypatch.setattr(loading, "rules_dir", lambda: folder)
    monkeypatch.setattr(numbers, "rules_dir", lambda: folder)
    numbers._unit_table.cache_clear()
    yield folder
    numbers._unit_table.cache_clear()


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _first_problem(folder: Path) -> str:
    rs, problems = collect_rules()
    assert rs is None and problems
    return str(problems[0])


@pytest.mark.parametrize(
    "old,new,says",
    [
        ("estimate_words:", "estimate_wordz:", "unknown key(s) 'estimate_wordz'"),
        ("flat_words: [", "flat_words: 7 #", "flat_words: expected a list"),
        ("result_cues: [", "result_cues: [1, ", "result_cues[0]: expected a text"),
    ],
)
def test_lexicon_problems_name_their_line(rules_copy: Path, old: str, new: str, says: str) -> None:
    path = rules_copy / "lexicon.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    message = _first_problem(rules_copy)
    assert message.startswith(f"{path}:{_line_of(text, old)}: "), message
    assert says in message


def test_a_missing_lexicon_key_is_named(rules_copy: Path) -> None:
    path = rules_copy / "lexicon.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nsentence_breaks:")
    end = text.index("\n", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    message = _first_problem(rules_copy)
    assert message.startswith(f"{path}:"), message
    assert "missing key 'sentence_breaks'" in message


@pytest.mark.parametrize(
    "old,new,says",
    [
        ("  千: 1000\n", "  千: many\n", "scales.千: expected a number"),
        ("base_units:\n", "base_unitz:\n", "unknown key(s) 'base_unitz'"),
        ("{std: CNY, factor: 1}", "{std: CNY, factr: 1}", "unknown key(s) 'factr'"),
    ],
)
def test_units_problems_name_their_line(rules_copy: Path, old: str, new: str, says: str) -> None:
    path = rules_copy / "units.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    message = _first_problem(rules_copy)
    assert message.startswith(f"{path}:{_line_of(text, old.strip())}: "), message
    assert says in message


def test_every_special_file_has_a_shape_and_the_builtin_ones_fit() -> None:
    from chaoyang_extract.rulebook import read_special

    assert set(SPECIAL_FILES) == {
        "lexicon.yaml",
        "units.yaml",
        "normalize.yaml",
        "structure.yaml",
        "divisions.yaml",
    }
    for name in SPECIAL_FILES:
        assert read_special(rules_dir() / name)
