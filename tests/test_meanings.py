"""Each `means` a phrasing may have is one handler of the engine and one row of
docs/RULES.md, both held to the one table of meanings (rulebook.schema.MEANINGS); the
named groups the doc lists are the schema's GROUPS; and the first predicate rule that
matches an item wins, in the load order the doc states."""

from __future__ import annotations

import re
from pathlib import Path

from chaoyang_extract.matching import MEANING_HANDLERS, match_text
from chaoyang_extract.resources import rules_dir
from chaoyang_extract.rulebook import load_rules
from chaoyang_extract.rulebook.schema import GROUPS, MEANINGS

DOC = Path(__file__).resolve().parent.parent / "docs" / "RULES.md"
CODE = re.compile(r"`([^`]+)`")


def test_every_meaning_has_one_handler() -> None:
    assert list(MEANING_HANDLERS) == list(MEANINGS)


def test_every_builtin_phrasing_means_a_meaning_with_a_handler() -> None:
    rs = load_rules()
    phrasings = rules_dir() / "phrasings"
    used = {r.means for r in [*rs.predicates, *rs.clauses] if Path(r.source).parent == phrasings}
    assert used, "no built-in phrasing loaded"
    assert used <= set(MEANING_HANDLERS)


def test_every_meaning_is_used_by_a_builtin_rule_with_examples() -> None:
    # So that the rule examples' test runs each handler.
    rs = load_rules()
    used = {r.means for r in [*rs.predicates, *rs.clauses] if r.examples}
    assert used == set(MEANINGS)


def _table_after(heading: str) -> list[list[str]]:
    """The cells of each body row of the first table after the line ``heading``."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    assert heading in lines, f"docs/RULES.md lost the line {heading!r}"
    rest = lines[lines.index(heading) + 1 :]
    start = next(i for i, line in enumerate(rest) if line.startswith("|"))
    rows = []
    for line in rest[start + 2 :]:  # past the header and its |---| line
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def test_doc_means_cell_names_every_meaning() -> None:
    rows = _table_after("## Rules (phrasings)")
    means = next(cells for cells in rows if cells[0] == "`means`")
    assert CODE.findall(means[2]) == list(MEANINGS)


def test_doc_meanings_table_is_the_schema() -> None:
    rows = _table_after("What a match means (`means`):")
    assert rows == [[f"`{name}`", meaning.doc] for name, meaning in MEANINGS.items()]


def test_doc_groups_table_is_the_schema() -> None:
    rows = _table_after("Named groups the engine reads from a match:")
    assert [(group, doc) for group, _, doc in rows] == [
        (f"`{g}`", doc) for g, doc in GROUPS.items()
    ]
    for group, needed_by, _ in rows:
        # The meanings whose patterns must have the group; other groups are optional,
        # or (`sep`) needed by every rule that follows a name, whatever it means.
        needs = [m for m, meaning in MEANINGS.items() if group.strip("`") in meaning.needs]
        assert CODE.findall(needed_by) == needs, group


def _rule(ident: str, surge: str) -> str:
    return (
        f"  - id: {ident}\n    means: growth\n"
        f"    pattern: '{{SEP}}(?P<dir>{surge})(?P<values>{{NUM}}%)'\n"
        f"    examples:\n      - text: 地区生产总值{surge}5%\n        expect: []\n"
    )


def test_first_predicate_rule_in_load_order_reads_the_item(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "rules:\n"
        + _rule("a-rises", "增长")
        + _rule("a-first", "猛增")
        + _rule("a-second", "猛增"),
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text("rules:\n" + _rule("b-only", "猛增"), encoding="utf-8")
    text = "全市地区生产总值增长5.2%，猛增3%。"

    def rules_of(*paths: Path) -> list[tuple[float, str]]:
        hits, _ = match_text(load_rules(list(paths)), text, None)
        return [(h.value, h.rule) for h in hits]

    # A built-in rule reads 增长 first; of the user's, the folder's first file and that
    # file's first rule; files given one by one, in the order given.
    assert rules_of(tmp_path) == [(5.2, "growth"), (3.0, "a-first")]
    assert rules_of(tmp_path / "b.yaml", tmp_path / "a.yaml") == [(5.2, "growth"), (3.0, "b-only")]
