"""`cyx rules check`, `cyx rules test`, `cyx indicators` and `--rules` on `extract`."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from chaoyang_extract.cli import main
from chaoyang_extract.errors import EXIT_CHECK_FAILED, EXIT_OK, EXIT_RULES
from chaoyang_extract.examples import all_examples
from chaoyang_extract.resources import rules_dir
from chaoyang_extract.rulebook import check_rules, collect_rules, load_rules

BUILTIN_INDICATORS = rules_dir() / "indicators.yaml"
BUILTIN_PREDICATES = rules_dir() / "phrasings" / "predicates.yaml"
PROBLEM_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): (?P<message>.+)$")

GOOD_INDICATOR = """\
indicators:
  - id: housing_sales_area
    zh: 商品房销售面积
    aliases: [商品房销售面积]
    measures: [level, growth]
    amount: level
    units: [平方米]
    examples:
      - text: 商品房销售面积达到120万平方米，增长5%
        kind: result
        expect:
          - {indicator: housing_sales_area, measure: level, value: 120, unit: 万平方米, value_std: 1200000, unit_std: m2}
          - {indicator: housing_sales_area, measure: growth, value: 5, unit: '%'}
"""


def cyx(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    # Whatever goes wrong is a message and an exit code, never a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(result: Result) -> list[tuple[str, int, str]]:
    """The FILE:LINE: message lines of a `rules check` run, parsed."""
    out = []
    for line in result.stdout.splitlines():
        m = PROBLEM_LINE.match(line)
        assert m, f"not FILE:LINE: message: {line!r}"
        out.append((m["file"], int(m["line"]), m["message"]))
    return out


# --------------------------------------------------------------------------- rules check


def test_check_builtin_rules_are_clean() -> None:
    result = cyx("rules", "check")
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout == ""
    assert "ok:" in result.stderr


def test_check_accepts_a_good_user_indicator(tmp_path: Path) -> None:
    write(tmp_path, "housing.yaml", GOOD_INDICATOR)
    result = cyx("rules", "check", str(tmp_path))
    assert result.exit_code == EXIT_OK, result.output
    assert f"{len(load_rules().indicators) + 1} indicators" in result.stderr


BAD_FILE = """\
indicators:
  - id: housing_sales_area
    zh: 商品房销售面积
    aliases: [商品房销售面积]
    measures: [level]
    amount: level
    units: [平方米]
    colour: red
    examples:
      - text: 商品房销售面积120万平方米
        expect:
          - {indicator: housing_sales_area, value: 120}
  - id: no_examples
    zh: 无例
    aliases: [无例指标]
    measures: [level]
rules:
  - id: lacks-values
    means: amount
    pattern: '{SEP}(?P<v>{NUM})亿元'
    examples:
      - text: 无例指标5亿元
        expect: []
  - id: broken
    pattern: '{SEP}(?P<values>\\d+'
    examples:
      - text: 5
        expect: []
  - id: clause-unknown
    indicator: no_such_indicator
    pattern: '(?P<values>{NUM}个)新村'
    examples:
      - text: 5个新村
        expect:
          - {indicator: also_unknown, valu: 5}
  - id: lacks-values
    pattern: '{SEP}{AMOUNT}'
    examples:
      - text: x
        expect: []
"""


def test_check_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BAD_FILE)
    result = cyx("rules", "check", str(tmp_path))
    assert result.exit_code == EXIT_RULES
    found = problems(result)
    assert {f for f, _, _ in found} == {str(bad)}
    by_line = {(line, msg) for _, line, msg in found}
    expected = [
        (8, "indicator housing_sales_area: unknown key(s) 'colour'"),
        (13, "indicator no_examples: needs at least one example"),
        (20, "rule lacks-values: pattern lacks the named group 'values'"),
        (25, "rule broken: pattern does not compile"),
        (30, "rule clause-unknown: unknown indicator 'no_such_indicator'"),
        (35, "expected record: unknown key(s) 'valu'"),
        (35, "expected record names unknown indicator 'also_unknown'"),
        (36, "rule id 'lacks-values' is already defined in " + f"{bad}:18"),
    ]
    for line, fragment in expected:
        assert any(line == got and fragment in msg for got, msg in by_line), (
            line,
            fragment,
            found,
        )
    # Problems come in file order, then line order.
    assert [line for _, line, _ in found] == sorted(line for _, line, _ in found)


def test_check_collects_problems_across_files_and_folders(tmp_path: Path) -> None:
    write(tmp_path / "a", "one.yaml", "rules:\n  - id: x\n    pattern: '(?P<values>\\d+'\n")
    write(tmp_path / "b", "two.yml", "indicators:\n  - zh: 无名\n")
    result = cyx("rules", "check", str(tmp_path / "a"), "--rules", str(tmp_path / "b"))
    assert result.exit_code == EXIT_RULES
    files = {Path(f).name for f, _, _ in problems(result)}
    assert files == {"one.yaml", "two.yml"}


def test_clash_with_a_builtin_id_names_both_files(tmp_path: Path) -> None:
    user = write(
        tmp_path,
        "clash.yaml",
        GOOD_INDICATOR.replace("housing_sales_area", "gdp")
        + "rules:\n  - id: growth\n    pattern: '{SEP}(?P<dir>{DIR}){AMOUNT}'\n    means: growth\n"
        "    examples:\n      - text: 地区生产总值增长5%\n        expect: []\n",
    )
    result = cyx("rules", "check", str(tmp_path))
    assert result.exit_code == EXIT_RULES
    messages = [(f, m) for f, _, m in problems(result)]
    assert any(
        f == str(user) and "indicator id 'gdp'" in m and f"{BUILTIN_INDICATORS}:" in m
        for f, m in messages
    ), messages
    assert any(
        f == str(user) and "rule id 'growth'" in m and f"{BUILTIN_PREDICATES}:" in m
        for f, m in messages
    ), messages

    # extract refuses the clash too: exit 4, one line naming both files.
    report = write(tmp_path / "in", "r.txt", "地区生产总值增长5%。\n")
    out = cyx("extract", str(report), "-o", str(tmp_path / "out"), "--rules", str(user))
    assert out.exit_code == EXIT_RULES
    assert str(user) in out.stderr and str(BUILTIN_INDICATORS) in out.stderr
    assert not (tmp_path / "out").exists()


def test_alias_taken_by_a_builtin_is_a_problem(tmp_path: Path) -> None:
    write(
        tmp_path,
        "dup.yaml",
        GOOD_INDICATOR.replace("[商品房销售面积]", "[商品房销售面积, 生产总值]"),
    )
    result = cyx("rules", "check", str(tmp_path))
    assert result.exit_code == EXIT_RULES
    assert "alias '生产总值' is already an alias of indicator gdp" in result.stdout


def test_yaml_syntax_error_gives_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "syntax.yaml", "rules:\n  - id: x\n    pattern: [a\n")
    result = cyx("rules", "check", str(bad))
    assert result.exit_code == EXIT_RULES
    [(file, line, message)] = problems(result)
    assert (file, line) == (str(bad), 3)
    assert message.startswith("YAML syntax error")


def test_missing_rules_folder_is_a_problem(tmp_path: Path) -> None:
    result = cyx("rules", "check", str(tmp_path / "nope"))
    assert result.exit_code == EXIT_RULES
    assert f"{tmp_path / 'nope'}: no such rules file or folder" in result.stdout


def test_builtin_folder_given_as_user_folder_is_not_a_clash() -> None:
    result = cyx("rules", "check", str(rules_dir()))
    assert result.exit_code == EXIT_OK, result.output


def test_check_flags_a_catastrophic_pattern(tmp_path: Path) -> None:
    write(
        tmp_path,
        "slow.yaml",
        "rules:\n  - id: slow-digits\n    indicator: gdp\n"
        "    pattern: '(?P<values>(?:\\d|\\d\\d)+)亿元'\n"
        "    examples:\n      - text: 5亿元\n        expect: []\n",
    )
    result = cyx("rules", "check", str(tmp_path))
    assert result.exit_code == EXIT_CHECK_FAILED
    assert "rule slow-digits: pattern ran over" in result.stdout


def test_check_rules_and_load_rules_agree(tmp_path: Path) -> None:
    """load_rules raises the first of the problems check_rules lists; with none, loads."""
    write(tmp_path, "bad.yaml", BAD_FILE)
    listed = check_rules([tmp_path], probe=False)
    with pytest.raises(Exception) as err:
        load_rules([tmp_path])
    assert str(err.value) == str(listed[0])
    rs, found = collect_rules([])
    assert found == [] and rs is not None


def test_edited_rule_file_is_read_again(tmp_path: Path) -> None:
    """The rule cache must not serve a file's old content after it changed."""
    path = write(tmp_path, "h.yaml", GOOD_INDICATOR)
    assert "housing_sales_area" in load_rules([tmp_path]).indicators
    path.write_text(GOOD_INDICATOR.replace("housing_sales_area", "housing_area_sold"), "utf-8")
    assert "housing_area_sold" in load_rules([tmp_path]).indicators


# --------------------------------------------------------------------------- rules test


def test_rules_test_runs_every_builtin_example() -> None:
    result = cyx("rules", "test")
    assert result.exit_code == EXIT_OK, result.output
    # Every example: the rules', the indicators' and the corpus files'.
    n = len(list(all_examples(load_rules())))
    assert f"{n} example(s), {n} passed, 0 failed" in result.stderr


def test_rules_test_shows_expected_and_actual_rows(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", GOOD_INDICATOR.replace("value: 120,", "value: 121,"))
    result = cyx("rules", "test", "--rules", str(tmp_path))
    assert result.exit_code == EXIT_CHECK_FAILED
    out = result.stdout
    assert (
        f"{tmp_path / 'h.yaml'}:9: indicator housing_sales_area: 商品房销售面积达到120万平方米"
        in out
    )
    expected, actual = out.split("  expected:")[1].split("  actual:")
    assert "'value': 121" in expected
    assert "'value': 120.0" in actual and "'measure': 'level'" in actual
    assert "1 failed" in result.stderr


def test_example_region_is_the_place_a_sentence_is_read_for(tmp_path: Path) -> None:
    # The same sentence gives the figure for 茂名市's report and nothing for 南京市's.
    def rules(region: object) -> str:
        return GOOD_INDICATOR.replace(
            "      - text: 商品房销售面积达到120万平方米，增长5%\n        kind: result\n",
            "      - text: 去年茂名商品房销售面积达到120万平方米，增长5%\n"
            f"        kind: result\n        region: {region}\n",
        )

    write(tmp_path, "h.yaml", rules("茂名市"))
    assert cyx("rules", "test", str(tmp_path)).exit_code == EXIT_OK
    write(tmp_path, "h.yaml", rules("南京市"))
    result = cyx("rules", "test", str(tmp_path))
    assert result.exit_code == EXIT_CHECK_FAILED
    assert "(no records)" in result.stdout
    write(tmp_path, "h.yaml", rules("[1, 2]"))
    result = cyx("rules", "check", str(tmp_path))
    assert result.exit_code == EXIT_RULES
    assert "example region must be a place name" in result.output


def test_rules_test_passes_a_good_user_rule(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", GOOD_INDICATOR)
    result = cyx("rules", "test", str(tmp_path))
    assert result.exit_code == EXIT_OK, result.output


def test_rules_test_with_broken_rules_exits_4(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", BAD_FILE)
    result = cyx("rules", "test", str(tmp_path))
    assert result.exit_code == EXIT_RULES
    assert f"{tmp_path / 'bad.yaml'}:8:" in result.stderr


# --------------------------------------------------------------------------- indicators


def test_indicators_table_lists_the_catalog() -> None:
    result = cyx("indicators")
    assert result.exit_code == EXIT_OK
    lines = result.stdout.splitlines()
    # The same headers as the CSV view (issue 9).
    assert lines[0].split() == ["id", "zh", "unit_std", "measures", "aliases"]
    gdp = next(line for line in lines if line.startswith("gdp "))
    assert "地区生产总值" in gdp and "CNY/USD" in gdp and "level; growth" in gdp
    assert len(lines) == 2 + len(load_rules().indicators)


def test_indicators_csv_for_scripts() -> None:
    result = cyx("indicators", "--format", "csv")
    assert result.exit_code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    catalog = load_rules().indicators
    assert [r["id"] for r in rows] == list(catalog)
    by_id = {r["id"]: r for r in rows}
    assert by_id["gdp"]["zh"] == "地区生产总值"
    # Aliases that are patterns read as names, not as regular expressions (issue 9).
    assert by_id["gdp"]["aliases"].split("; ") == [
        "经济 (before 增长/增速)" if "(?" in a else a for a in catalog["gdp"].aliases
    ]
    assert "(?" not in result.stdout and "\\" not in result.stdout
    assert list(rows[0]) == ["id", "zh", "unit_std", "measures", "aliases"]
    assert by_id["gdp"]["unit_std"] == "CNY/USD"
    assert by_id["registered_unemployment_rate"]["unit_std"] == "%"
    assert by_id["registered_unemployment_rate"]["measures"] == "rate"
    assert by_id["grain_output"]["unit_std"] == "kg"


def test_indicators_include_user_rules(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", GOOD_INDICATOR)
    result = cyx("indicators", "--format", "csv", "--rules", str(tmp_path))
    row = next(
        r for r in csv.DictReader(io.StringIO(result.stdout)) if r["id"] == "housing_sales_area"
    )
    assert row == {
        "id": "housing_sales_area",
        "zh": "商品房销售面积",
        "aliases": "商品房销售面积",
        "unit_std": "m2",
        "measures": "level; growth",
    }


# --------------------------------------------------------------------------- extract --rules


def test_extract_reads_a_user_indicator(tmp_path: Path) -> None:
    rules = write(tmp_path / "rules", "h.yaml", GOOD_INDICATOR)
    report = write(
        tmp_path,
        "r.txt",
        "朝阳市2024年政府工作报告\n一、2023年工作回顾\n商品房销售面积达到120万平方米，增长5%。\n",
    )
    out = tmp_path / "out"
    plain = cyx("extract", str(report), "-o", str(out), "-q")
    assert plain.exit_code == EXIT_OK
    assert "housing_sales_area" not in (out / "r.csv").read_text(encoding="utf-8-sig")
    result = cyx("extract", str(report), "-o", str(out), "-q", "--rules", str(rules.parent))
    assert result.exit_code == EXIT_OK, result.output
    rows = list(csv.DictReader(io.StringIO((out / "r.csv").read_text(encoding="utf-8-sig"))))
    got = {(r["indicator"], r["measure"], r["value"], r["unit_std"], r["year"]) for r in rows}
    assert got == {
        ("housing_sales_area", "level", "120.0", "m2", "2023"),
        ("housing_sales_area", "growth", "5.0", "%", "2023"),
    }


def test_extract_with_a_broken_rule_file_exits_4_with_file_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "rules", "bad.yaml", "indicators:\n  - id: x\n    zh: [a\n")
    report = write(tmp_path, "r.txt", "地区生产总值增长5%。\n")
    result = cyx("extract", str(report), "-o", str(tmp_path / "out"), "--rules", str(bad))
    assert result.exit_code == EXIT_RULES
    [line] = result.stderr.splitlines()
    assert f"{bad}:3: YAML syntax error" in line
    assert not (tmp_path / "out").exists()


def test_version_and_quiet_on_every_command(tmp_path: Path) -> None:
    """Issue 9: -V for --version; -q on every subcommand."""
    from chaoyang_extract import __version__

    assert cyx("-V").stdout.strip() == f"cyx, version {__version__}"
    assert cyx("rules", "check", "-q").stderr == ""
    assert cyx("rules", "test", "-q").stderr == ""
    assert cyx("indicators", "-q").exit_code == EXIT_OK
    assert cyx("rules", "check", "-q", str(tmp_path / "nope")).stdout != ""  # problems show


def test_missing_rules_folder_exits_alike_in_check_and_extract(tmp_path: Path) -> None:
    """Issue 9: `rules check nope/` and `extract --rules nope/` agree (exit 4)."""
    report = write(tmp_path, "r.txt", "地区生产总值增长5%。\n")
    nope = str(tmp_path / "nope")
    codes = {
        cyx("rules", "check", nope).exit_code,
        cyx("rules", "test", nope).exit_code,
        cyx("extract", str(report), "--rules", nope, "-o", str(tmp_path / "out")).exit_code,
    }
    assert codes == {EXIT_RULES}
