"""Every example in every built-in rule file gives exactly its expected records."""

from __future__ import annotations

import pytest

from chaoyang_extract.examples import all_examples, check_example
from chaoyang_extract.rules import Example, load_rules

RULES = load_rules()
EXAMPLES = list(all_examples(RULES))


def test_every_rule_has_examples() -> None:
    for rule in [*RULES.predicates, *RULES.clauses]:
        assert rule.examples, rule.id


@pytest.mark.parametrize(
    ("rule_id", "example"),
    EXAMPLES,
    ids=[f"{rule}:{ex.line}" for rule, ex in EXAMPLES],
)
def test_rule_example(rule_id: str, example: Example) -> None:
    failure = check_example(RULES, rule_id, example)
    assert failure is None, failure.describe()
