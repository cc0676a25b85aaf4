"""`cyx extract` end to end: the sample's table, repeated text, the Parquet schema."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from chaoyang_extract import __version__
from chaoyang_extract.cli import main
from chaoyang_extract.records import COLUMNS

from .conftest import ROOT, SAMPLE

EXPECTED = ROOT / "tests" / "expected" / "chaoyang_2017.csv"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_sample_table_matches_the_checked_in_table(tmp_path: Path) -> None:
    code, out = run("extract", str(SAMPLE), "-o", str(tmp_path), "-v")
    assert code == 0, out
    got = (tmp_path / "chaoyang_2017.csv").read_bytes()
    # If a rule change is intended, regenerate with:
    #   cyx extract data/chaoyang_2017.txt -o tests/expected && rm tests/expected/*.parquet
    assert got == EXPECTED.read_bytes()
    assert got.startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "chaoyang_2017.parquet").exists()
    assert "report year 2017" in out and "朝阳市" in out
    assert "wrote" in out


def test_sample_core_figures(tmp_path: Path) -> None:
    run("extract", str(SAMPLE), "-o", str(tmp_path), "--name", "t")
    rows = read_rows(tmp_path / "t.csv")
    assert {r["report_year"] for r in rows} == {"2017"}
    assert {r["region"] for r in rows} == {"朝阳市"}

    def find(ind: str, kind: str, measure: str, tier: str = "") -> list[dict[str, str]]:
        return [
            r
            for r in rows
            if (r["indicator"], r["kind"], r["measure"], r["tier"]) == (ind, kind, measure, tier)
        ]

    (gdp_level,) = find("gdp", "result", "level")
    assert (gdp_level["value"], gdp_level["unit"], gdp_level["year"]) == ("780.0", "亿元", "2016")
    assert gdp_level["estimated"] == "TRUE"
    assert float(gdp_level["value_std"]) == 7.8e10 and gdp_level["unit_std"] == "CNY"
    (gdp_growth,) = find("gdp", "result", "growth")
    assert float(gdp_growth["value"]) == -9
    (stretch,) = find("gdp", "target", "growth", "stretch")
    assert (float(stretch["value"]), stretch["bound"], stretch["year"]) == (7, "ge", "2017")
    urban = find("urban_disposable_income", "result", "level")
    rural = find("rural_disposable_income", "result", "level")
    assert [float(urban[0]["value"]), float(rural[0]["value"])] == [22500, 11260]
    villages = find("poor_villages_exited", "result", "count")
    assert {r["scope"] for r in villages} == {"省级", "市级"}
    (poor,) = find("poverty_exits", "result", "count")
    assert (poor["value"], poor["unit"], poor["unit_std"]) == ("5.25", "万人", "person")
    (jobs_rate,) = find("registered_unemployment_rate", "target", "rate", "baseline")
    assert jobs_rate["bound"] == "le"
    # Traps: central-budget investment and the parks' share are not investment levels.
    fai_levels = find("fixed_asset_investment", "result", "level")
    assert [r["value"] for r in fai_levels] == ["243.0"]


def test_quotes_point_into_the_input(tmp_path: Path, sample_text: str) -> None:
    run("extract", str(SAMPLE), "-o", str(tmp_path))
    for r in read_rows(tmp_path / "chaoyang_2017.csv"):
        start, end = int(r["start"]), int(r["end"])
        assert sample_text[start:end] == r["quote"]
        assert sample_text.count("\n", 0, start) + 1 == int(r["line"])


def test_repeated_text_gives_each_figure_once(tmp_path: Path, sample_text: str) -> None:
    copies = tmp_path / "in" / "chaoyang_2017.txt"
    copies.parent.mkdir()
    copies.write_text(sample_text * 8, encoding="utf-8")
    run("extract", str(SAMPLE), "-o", str(tmp_path / "once"))
    code, out = run("extract", str(copies), "-o", str(tmp_path / "eight"))
    assert code == 0, out
    once = (tmp_path / "once" / "chaoyang_2017.csv").read_bytes()
    eight = (tmp_path / "eight" / "chaoyang_2017.csv").read_bytes()
    # Same rows, offsets at the first occurrence.
    assert once == eight


def test_parquet_schema(tmp_path: Path) -> None:
    run("extract", str(SAMPLE), "-o", str(tmp_path))
    table = pq.read_table(tmp_path / "chaoyang_2017.parquet")
    assert tuple(table.schema.names) == COLUMNS
    types = dict(zip(table.schema.names, table.schema.types, strict=True))
    assert types["report_year"] == pa.int16() and types["year"] == pa.int16()
    assert types["value"] == pa.float64() and types["value_max"] == pa.float64()
    assert types["start"] == pa.int32() and types["line"] == pa.int32()
    assert types["estimated"] == pa.bool_()
    assert types["doc"] == pa.string()
    meta = table.schema.metadata
    assert meta[b"cyx_version"] == __version__.encode()
    assert len(meta[b"cyx_rules_version"]) == 12
    csv_rows = read_rows(tmp_path / "chaoyang_2017.csv")
    assert table.num_rows == len(csv_rows)


def test_several_inputs_one_table(tmp_path: Path, sample_text: str) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a_2017.txt").write_text(sample_text, encoding="utf-8")
    (folder / "b_2017.txt").write_text(sample_text, encoding="utf-8")
    code, out = run("extract", str(folder), str(SAMPLE), "-o", str(tmp_path / "o"), "--name", "all")
    assert code == 0, out
    rows = read_rows(tmp_path / "o" / "all.csv")
    docs = [r["doc"] for r in rows]
    assert sorted(set(docs)) == ["a_2017", "b_2017", "chaoyang_2017"]
    n = docs.count("chaoyang_2017")
    assert docs.count("a_2017") == n == docs.count("b_2017") > 30


def test_overrides(tmp_path: Path) -> None:
    report = tmp_path / "plan.txt"
    report.write_text("今年主要预期目标是：地区生产总值增长7%左右。\n", encoding="utf-8")
    code, out = run("extract", str(report), "-o", str(tmp_path))
    assert code == 0
    assert "report year not found" in out
    assert {r["year"] for r in read_rows(tmp_path / "plan.csv")} == {""}

    code, out = run(
        "extract", str(report), "-o", str(tmp_path), "--year", "2019", "--region", "某县"
    )
    assert code == 0
    (row,) = read_rows(tmp_path / "plan.csv")
    assert (row["report_year"], row["year"], row["region"]) == ("2019", "2019", "某县")
    assert (row["indicator"], row["kind"], row["value"], row["bound"]) == (
        "gdp",
        "target",
        "7.0",
        "approx",
    )


def test_help_explains_options() -> None:
    code, out = run("extract", "--help")
    assert code == 0
    for opt in ("--output", "--name", "--year", "--region", "--rules"):
        assert opt in out
    code, out = run("--help")
    assert code == 0 and "extract" in out and "Exit codes" in out
