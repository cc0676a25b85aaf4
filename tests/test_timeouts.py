"""A pattern that backtracks catastrophically is skipped, with a warning, and the run goes on."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chaoyang_extract.extract import extract_document
from chaoyang_extract.rulebook import load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "chaoyang_2017.txt"
# The installed command (`python -m chaoyang_extract.cli` lacks the `rules` commands).
CYX = [str(Path(sys.executable).with_name("cyx"))]

# Exponential on a run of digits that is not followed by 亿元: each digit can be one item
# or half of a two-digit item, so 3000 digits give 2^1500 ways to fail.
SLOW_RULE = """\
rules:
  - id: slow-digits
    indicator: gdp
    pattern: '(?P<values>(?:\\d|\\d\\d)+)亿元'
    examples:
      - text: 地区生产总值780亿元
        expect: []
"""
# Digits, then 元 where the pattern wants 亿元: the match fails only after backtracking,
# and 亿元 later in the sentence stops the regex engine from ruling it out at once.
ADVERSARIAL = "地区生产总值" + "1" * 3000 + "元，亿元。\n"


@pytest.fixture
def slow_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "slow.yaml").write_text(SLOW_RULE, encoding="utf-8")
    return folder


def test_the_pattern_really_is_catastrophic() -> None:
    import regex

    pattern = regex.compile(r"(?P<values>(?:\d|\d\d)+)亿元")
    with pytest.raises(TimeoutError):
        pattern.search(ADVERSARIAL, timeout=0.5)


def test_timed_out_rule_is_skipped_for_the_document(slow_rules: Path) -> None:
    rs = load_rules([slow_rules])
    text = SAMPLE.read_text(encoding="utf-8")
    start = time.monotonic()
    res = extract_document(rs, ADVERSARIAL + text, "adv")
    assert time.monotonic() - start < 15
    assert any("slow-digits" in w and "timed out" in w for w in res.warnings), res.warnings
    # Every other rule still read the report.
    plain = extract_document(load_rules(), text, "plain")
    key = [(r.indicator, r.kind, r.year, r.measure, r.value) for r in plain.records]
    assert [(r.indicator, r.kind, r.year, r.measure, r.value) for r in res.records] == key
    assert len(key) > 20


def test_cli_run_with_a_catastrophic_rule_finishes_promptly(
    slow_rules: Path, tmp_path: Path
) -> None:
    adv = tmp_path / "in" / "adv.txt"
    clean = tmp_path / "in" / "clean.txt"
    adv.parent.mkdir()
    adv.write_text(ADVERSARIAL * 3 + SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copy(SAMPLE, clean)
    out = tmp_path / "out"
    start = time.monotonic()
    proc = subprocess.run(
        [*CYX, "extract", str(adv), str(clean), "--rules", str(slow_rules), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 30, f"took {elapsed:.1f} s"
    assert "Traceback" not in proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "timed out" in line]
    # One warning, naming the rule and the file; the clean document gets none.
    assert len(warnings) == 1, proc.stderr
    assert "slow-digits" in warnings[0] and str(adv) in warnings[0]
    rows = list(csv.DictReader(io.StringIO((out / "records.csv").read_text("utf-8-sig"))))
    per_doc = {d: [r for r in rows if r["doc"] == d] for d in ("adv", "clean")}
    assert len(per_doc["clean"]) > 20
    strip = [{k: v for k, v in r.items() if k not in ("doc", "start", "end", "line")} for r in rows]
    assert strip[: len(per_doc["adv"])] == strip[len(per_doc["adv"]) :]


def test_timed_out_alias_is_skipped_for_the_document(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow_alias.yaml").write_text(
        "indicators:\n  - id: slow_thing\n    zh: 慢\n"
        "    aliases: ['(?:\\d|\\d\\d)+亿元投资']\n    measures: [level]\n    amount: level\n"
        "    units: [元]\n    examples:\n      - text: 5亿元投资\n        expect: []\n",
        encoding="utf-8",
    )
    text = SAMPLE.read_text(encoding="utf-8")
    adversarial = "地区生产总值" + "1" * 3000 + "元，亿元投资。\n"
    res = extract_document(load_rules([rules]), adversarial + text, "adv")
    assert any("slow_thing" in w and "timed out" in w for w in res.warnings), res.warnings
    # The document is still read, by every other alias and rule.
    plain = extract_document(load_rules(), text, "plain")
    key = [(r.indicator, r.kind, r.year, r.measure, r.value) for r in plain.records]
    assert [(r.indicator, r.kind, r.year, r.measure, r.value) for r in res.records] == key
    assert len(key) > 20


def test_catastrophic_alias_is_skipped_not_fatal(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow_alias.yaml").write_text(
        "indicators:\n  - id: slow_thing\n    zh: 慢\n"
        "    aliases: ['(?:\\d|\\d\\d)+亿元投资']\n    measures: [level]\n    amount: level\n"
        "    units: [元]\n    examples:\n      - text: 5亿元投资\n        expect: []\n",
        encoding="utf-8",
    )
    report = tmp_path / "adv.txt"
    report.write_text(
        "地区生产总值" + "1" * 3000 + "元，亿元投资。\n" + SAMPLE.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [*CYX, "extract", str(report), "--rules", str(rules), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "timed out" in proc.stderr


def test_rules_test_reports_an_example_that_times_out(tmp_path: Path) -> None:
    """An example whose text makes a pattern time out is one failure, not a crash."""
    from click.testing import CliRunner

    from chaoyang_extract.cli import main
    from chaoyang_extract.errors import EXIT_CHECK_FAILED

    (tmp_path / "slow.yaml").write_text(
        "indicators:\n  - id: slow_thing\n    zh: 慢\n"
        "    aliases: ['(?:\\d|\\d\\d)+亿元投资']\n    measures: [level]\n"
        "    examples:\n      - text: '" + "1" * 3000 + "元，亿元投资'\n        expect: []\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["rules", "test", str(tmp_path)])
    assert result.exit_code == EXIT_CHECK_FAILED, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "indicator slow_thing" in result.stdout
    assert "error: TimeoutError" in result.stdout
    assert "1 failed" in result.stderr


# Issue 9, item 2: a user's alias that times out on a sentence must not take the built-in
# rows of that sentence with it. Each 发 can be one item or half of 发发, so a run of them
# not followed by 经费 has exponentially many ways to fail.
FA_ALIAS = (
    "indicators:\n  - id: rd_spending\n    zh: 研发经费\n"
    "    aliases: ['(?:发|发发)+经费']\n    measures: [level]\n    amount: level\n"
    "    units: [元]\n    examples:\n      - text: 研发经费10亿元\n        expect: []\n"
)
FA_SENTENCE = "全市地区生产总值780亿元，增长5%，" + "发" * 3000 + "。\n"


def test_a_timed_out_alias_keeps_the_builtin_rows_of_its_sentence(tmp_path: Path) -> None:
    (tmp_path / "fa.yaml").write_text(FA_ALIAS, encoding="utf-8")
    text = "2017年政府工作报告\n一、2016年工作回顾\n" + FA_SENTENCE
    res = extract_document(load_rules([tmp_path]), text, "fa")
    assert any("(?:发|发发)+经费" in w and "timed out" in w for w in res.warnings), res.warnings
    got = [(r.indicator, r.kind, r.measure, r.value) for r in res.records]
    assert got == [("gdp", "result", "level", 780.0), ("gdp", "result", "growth", 5.0)]


def test_rules_check_flags_an_alias_that_backtracks_on_its_own_words(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from chaoyang_extract.cli import main
    from chaoyang_extract.errors import EXIT_CHECK_FAILED

    (tmp_path / "fa.yaml").write_text(FA_ALIAS, encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(tmp_path)])
    assert result.exit_code == EXIT_CHECK_FAILED, result.output
    assert (
        f"{tmp_path / 'fa.yaml'}:2: indicator rd_spending: alias '(?:发|发发)+经费': pattern ran over"
        in result.stdout
    )
