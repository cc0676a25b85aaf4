"""docs/RULES.md's worked example works exactly as the doc shows it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from click.testing import CliRunner

from chaoyang_extract.cli import main
from chaoyang_extract.errors import EXIT_OK
from chaoyang_extract.rulebook import load_rules

DOC = Path(__file__).resolve().parent.parent / "docs" / "RULES.md"


def block(name: str) -> str:
    """The fenced block that follows ``<!-- worked-example: NAME -->`` in the doc."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(rf"<!-- worked-example: {name} -->\n```\w+\n(.*?)```", text, re.S)
    assert m, f"docs/RULES.md lost its '{name}' block"
    return m.group(1)


def setup(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "my_rules"
    rules.mkdir()
    (rules / "rd.yaml").write_text(block("rules"), encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text(block("report"), encoding="utf-8")
    return rules, report


def test_doc_rules_adds_a_new_indicator(tmp_path: Path) -> None:
    rules, _ = setup(tmp_path)
    assert "rd_spending" not in load_rules().indicators
    rs = load_rules([rules])
    assert rs.indicators["rd_spending"].zh == "研发经费投入"
    assert rs.indicators["rd_spending"].examples


def test_doc_rules_pass_check_and_test(tmp_path: Path) -> None:
    rules, _ = setup(tmp_path)
    runner = CliRunner()
    check = runner.invoke(main, ["rules", "check", str(rules)])
    assert check.exit_code == EXIT_OK, check.output
    test = runner.invoke(main, ["rules", "test", str(rules)])
    assert test.exit_code == EXIT_OK, test.output
    # The doc's own examples ran: 3 for the indicator, 2 for the rule.
    builtin = runner.invoke(main, ["rules", "test"])
    count = re.compile(r"(\d+) example\(s\)")
    m_user, m_builtin = count.search(test.stderr), count.search(builtin.stderr)
    assert m_user and m_builtin
    assert int(m_user.group(1)) == int(m_builtin.group(1)) + 5


def test_doc_report_gives_the_doc_rows(tmp_path: Path) -> None:
    rules, report = setup(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["extract", str(report), "--rules", str(rules), "-o", str(out), "-q"]
    )
    assert result.exit_code == EXIT_OK, result.output
    expected = list(csv.DictReader(io.StringIO(block("rows"))))
    actual = list(csv.DictReader(io.StringIO((out / "report.csv").read_text("utf-8-sig"))))
    columns = list(expected[0])
    assert [{c: row[c] for c in columns} for row in actual] == expected


def test_doc_indicator_shows_in_the_catalog(tmp_path: Path) -> None:
    rules, _ = setup(tmp_path)
    result = CliRunner().invoke(main, ["indicators", "--rules", str(rules), "--format", "csv"])
    line = next(x for x in result.stdout.splitlines() if x.startswith("rd_spending,"))
    # The line the doc prints.
    assert line in DOC.read_text(encoding="utf-8")
