"""The examples in the docstrings (small pure functions: numbers, units, bounds,
placeholders, normalising, structure helpers) hold: every module's doctests, run with the
suite, as ``pytest --doctest-modules chaoyang_extract`` would."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import chaoyang_extract

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(chaoyang_extract.__path__, "chaoyang_extract.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_small_pure_functions_carry_examples() -> None:
    tried = {name: doctest.testmod(importlib.import_module(name)).attempted for name in MODULES}
    for name in (
        "chaoyang_extract.numbers",
        "chaoyang_extract.records",
        "chaoyang_extract.matching.values",
        "chaoyang_extract.rulebook.placeholders",
        "chaoyang_extract.rulebook.regextools",
        "chaoyang_extract.structure.evidence",
        "chaoyang_extract.normalize.edits",
    ):
        assert tried[name] > 0, name
    assert sum(tried.values()) >= 40
