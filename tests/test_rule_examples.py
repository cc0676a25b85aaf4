"""Every example in every built-in rule file gives exactly its expected records."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaoyang_extract.examples import all_examples, check_example
from chaoyang_extract.rulebook import Example, load_rules

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


def test_every_builtin_indicator_has_an_example() -> None:
    named = {e["indicator"] for _, ex in EXAMPLES for e in ex.expect}
    assert set(RULES.indicators) <= named, sorted(set(RULES.indicators) - named)


def test_the_corpus_holds_examples_that_must_give_nothing() -> None:
    assert RULES.corpus, "rules/corpus/ holds no corpus file"
    negatives = [ex for examples in RULES.corpus.values() for ex in examples if not ex.expect]
    assert len(negatives) >= 3


def test_a_users_corpus_is_checked_and_run(tmp_path: Path) -> None:
    from chaoyang_extract.examples import run_examples
    from chaoyang_extract.rulebook import collect_rules

    (tmp_path / "corpus").mkdir()
    good = tmp_path / "corpus" / "mine.yaml"
    good.write_text(
        "examples:\n"
        "  - text: 地区生产总值增长6.5%左右\n"
        "    kind: target\n"
        "    expect: [{indicator: gdp, measure: growth, value: 6.5, bound: approx}]\n"
        "  - text: 地区生产总值增长7%\n"
        "    kind: target\n"
        "    expect: []\n",
        encoding="utf-8",
    )
    rs, problems = collect_rules([tmp_path])
    assert problems == [] and rs is not None
    n, failures = run_examples(rs)
    assert n == len(EXAMPLES) + 2
    assert [(f.rule, f.example.line) for f in failures] == [("corpus:mine", 5)]
    assert "corpus mine: 地区生产总值增长7%" in failures[0].describe()

    good.write_text("examples:\n  - text: 增长\n    kinds: target\n", encoding="utf-8")
    _, problems = collect_rules([tmp_path])
    messages = [str(p) for p in problems]
    assert any(
        m.startswith(f"{good}:3: corpus mine: example: unknown key(s) 'kinds'") for m in messages
    )
    assert any(m.startswith(f"{good}:2: corpus mine: an example needs 'expect'") for m in messages)
