"""Start-up cost: what a run imports only when it needs it. Each case runs a fresh
interpreter, since this test process has long imported everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from .conftest import ROOT, SAMPLE

# Prints, after the run, which of the costly modules it imported.
PROBE = """
import sys
{run}
print(sorted(m for m in ("pandas", "pyarrow.compute", "cn2an", "matplotlib") if m in sys.modules))
"""


def imported(run: str) -> str:
    code = PROBE.format(run=run)
    # Run from the checkout, so that it is this tree's package that the child imports.
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return out.stdout.strip().splitlines()[-1]


def test_default_extract_imports_no_pandas(tmp_path: Path) -> None:
    # csv and parquet, the default formats: pandas (a quarter of a second) and
    # pyarrow.compute serve only the other formats, the wide view and --partition.
    args = ["extract", str(SAMPLE), "-q", "-o", str(tmp_path)]
    run = f"from chaoyang_extract.cli import main\nmain({args!r}, standalone_mode=False)"
    got = imported(run)
    assert "pandas" not in got and "pyarrow.compute" not in got, got
    assert "matplotlib" not in got, got  # scorecard charts only
    assert (tmp_path / "chaoyang_2017.csv").stat().st_size > 0
    table = pq.read_table(tmp_path / "chaoyang_2017.parquet")
    assert table.num_rows > 30
    assert table.to_pandas()["report_year"].dtype == "Int16"


def test_the_probe_sees_pandas_when_a_run_needs_it(tmp_path: Path) -> None:
    args = ["extract", str(SAMPLE), "-q", "-o", str(tmp_path), "--format", "xlsx"]
    run = f"from chaoyang_extract.cli import main\nmain({args!r}, standalone_mode=False)"
    assert "pandas" in imported(run)


def test_arabic_figures_do_not_import_cn2an() -> None:
    run = "from chaoyang_extract.numbers import parse_number\nassert parse_number('6.5') == 6.5"
    assert imported(run) == "[]"


def test_a_chinese_numeral_still_parses_in_a_fresh_interpreter() -> None:
    run = (
        "from chaoyang_extract.numbers import parse_number\n"
        "assert parse_number('1,234.5') == 1234.5\n"
        "assert (parse_number('三十二'), parse_number('两'), parse_number('一点五')) == (32, 2, 1.5)"
    )
    assert imported(run) == "['cn2an']"
