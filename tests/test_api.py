"""The Python API (`extract_text`, `extract_paths`) and what importing the package costs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import chaoyang_extract
from chaoyang_extract import extract_paths, extract_text
from chaoyang_extract.errors import InputError
from chaoyang_extract.records import COLUMNS

from .conftest import SAMPLE

SPEC_DTYPES = {
    "doc": "string", "region": "string", "report_year": "Int16", "indicator": "string",
    "indicator_zh": "string", "kind": "string", "year": "Int16", "horizon": "string",
    "measure": "string", "value": "float64", "value_max": "float64", "unit": "string",
    "value_std": "float64", "unit_std": "string", "bound": "string", "tier": "string",
    "estimated": "boolean", "scope": "string", "quote": "string", "start": "Int32",
    "end": "Int32", "line": "Int32", "section": "string", "rule": "string",
    "region_code": "Int32", "province": "string", "prefecture": "string",
}  # fmt: skip


def test_extract_text_gives_the_spec_frame(sample_text: str) -> None:
    df = extract_text(sample_text, "chaoyang_2017")
    assert tuple(df.columns) == COLUMNS
    assert {c: str(t) for c, t in df.dtypes.items()} == SPEC_DTYPES
    gdp = df[(df.indicator == "gdp") & (df.kind == "result") & (df.measure == "level")]
    assert gdp["value"].tolist() == [780.0] and gdp["region"].tolist() == ["朝阳市"]
    assert gdp[["region_code", "province", "prefecture"]].values.tolist() == [
        [211300, "辽宁省", "朝阳市"]
    ]
    assert set(df["doc"]) == {"chaoyang_2017"}
    # Offsets point into the text given.
    row = df.iloc[0]
    assert sample_text[int(row["start"]) : int(row["end"])] == row["quote"]


def test_extract_text_overrides_and_default_doc() -> None:
    df = extract_text("今年主要预期目标是：地区生产总值增长7%左右。", year=2019, region="某县")
    assert df[
        ["doc", "report_year", "year", "region", "kind", "value", "bound"]
    ].values.tolist() == [["-", 2019, 2019, "某县", "target", 7.0, "approx"]]
    assert extract_text("").empty and tuple(extract_text("").columns) == COLUMNS


def test_extract_paths_matches_the_cli_table(tmp_path: Path, sample_text: str) -> None:
    from click.testing import CliRunner

    from chaoyang_extract.cli import main

    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "b_2017.txt").write_text(sample_text, encoding="utf-8")
    (tmp_path / "in" / "a_2017.txt").write_text(sample_text, encoding="utf-8")
    CliRunner().invoke(
        main, ["extract", str(tmp_path / "in"), str(SAMPLE), "-o", str(tmp_path), "-q"]
    )
    from_cli = (tmp_path / "records.csv").read_text(encoding="utf-8-sig")
    df = extract_paths([tmp_path / "in", str(SAMPLE)])
    assert df["doc"].unique().tolist() == ["a_2017", "b_2017", "chaoyang_2017"]
    from chaoyang_extract.table import frame_csv_text

    assert frame_csv_text(df) == from_cli
    assert extract_paths([tmp_path / "in", SAMPLE], jobs=2).equals(df)
    assert extract_paths(str(tmp_path / "in" / "*.txt"))["doc"].unique().tolist() == ["a_2017"]


def test_extract_paths_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"PK\x03\x04zip")
    with pytest.raises(InputError, match="bad.txt: binary file"):
        extract_paths([bad, SAMPLE])
    with pytest.warns(UserWarning, match="bad.txt: binary file"):
        df = extract_paths([bad, SAMPLE], errors="warn")
    assert set(df["doc"]) == {"chaoyang_2017"}
    with pytest.raises(InputError, match="no such file"):
        extract_paths(tmp_path / "nope.txt")


def test_api_is_exported_lazily() -> None:
    assert "extract_text" in chaoyang_extract.__all__
    with pytest.raises(AttributeError):
        _ = chaoyang_extract.no_such_name
    # `cyx --help` imports the CLI; it must not pay for pandas or pyarrow.
    code = "import sys, chaoyang_extract.cli; print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("char", ["\ud800", "\udcff"])
def test_extract_text_names_a_lone_surrogate(char: str) -> None:
    """Issue 9, item 14: not a bare UnicodeEncodeError from deep inside."""
    text = "2017年主要预期目标：地区生产总值增长6.5%左右。" + char
    with pytest.raises(InputError) as caught:
        extract_text(text, "r2017", year=2017)
    assert str(caught.value) == (
        f"r2017: text holds a lone surrogate (U+{ord(char):04X}) at offset 27, which is not "
        "a character; decode the report with errors='replace'"
    )
