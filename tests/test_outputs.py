"""What `cyx extract` writes: --format (csv, parquet, jsonl, xlsx), -o -, --wide, --partition."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from chaoyang_extract import __version__
from chaoyang_extract.batch import parse_formats
from chaoyang_extract.cli import main
from chaoyang_extract.outputs import RunInfo, wide_frame, write_xlsx
from chaoyang_extract.records import COLUMNS, Record

from .conftest import SAMPLE

PLAN_2019 = "2019年政府工作报告\n今年主要预期目标是：地区生产总值增长7%左右，力争7.5%。\n"
NO_YEAR = "主要预期目标：地区生产总值增长6%左右。\n"


def cyx(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_every_format_holds_the_same_rows(tmp_path: Path) -> None:
    res = cyx(
        "extract", str(SAMPLE), "-o", str(tmp_path), "--format", "csv,parquet,jsonl,xlsx", "-q"
    )
    assert res.exit_code == 0, res.output
    rows = csv_rows(tmp_path / "chaoyang_2017.csv")
    assert (tmp_path / "chaoyang_2017.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    lines = (tmp_path / "chaoyang_2017.jsonl").read_text(encoding="utf-8").splitlines()
    objs = [json.loads(line) for line in lines]
    assert len(objs) == len(rows) > 30
    assert all(tuple(o) == COLUMNS for o in objs)
    first = objs[0]
    assert (
        first["report_year"] == 2017
        and first["value_max"] is None
        and isinstance(first["estimated"], bool)
    )
    assert [o["quote"] for o in objs] == [r["quote"] for r in rows]

    table = pq.read_table(tmp_path / "chaoyang_2017.parquet")
    assert table.num_rows == len(rows)

    wb = openpyxl.load_workbook(tmp_path / "chaoyang_2017.xlsx")
    assert wb.sheetnames == ["records", "metadata"]
    ws = wb["records"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws.max_row == len(rows) + 1
    assert [c.value for c in ws[2]][COLUMNS.index("quote")] == rows[0]["quote"]
    assert ws.cell(2, COLUMNS.index("value") + 1).value == float(rows[0]["value"])


def test_xlsx_is_pleasant_in_excel(tmp_path: Path) -> None:
    res = cyx(
        "extract", str(SAMPLE), "-o", str(tmp_path), "--format", "xlsx", "--year", "2017", "-q"
    )
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "chaoyang_2017.csv").exists()
    wb = openpyxl.load_workbook(tmp_path / "chaoyang_2017.xlsx")
    ws = wb["records"]
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    quote_col = openpyxl.utils.get_column_letter(COLUMNS.index("quote") + 1)
    kind_col = openpyxl.utils.get_column_letter(COLUMNS.index("kind") + 1)
    assert widths[quote_col] > widths[kind_col] >= len("result")
    assert max(widths.values()) <= 60
    meta = dict(
        (k, v) for k, v in wb["metadata"].iter_rows(min_row=2, values_only=True) if k != "input"
    )
    assert meta["version"] == __version__ and len(meta["rules_version"]) == 12
    # No run date: it would make every rerun's workbook differ (it is in --summary-json).
    assert "created" not in meta and meta["year"] == "2017"
    inputs = [v for k, v in wb["metadata"].iter_rows(min_row=2, values_only=True) if k == "input"]
    assert inputs == [str(SAMPLE)]


def test_xlsx_keeps_text_as_text(tmp_path: Path) -> None:
    df = pd.DataFrame({"quote": ["=SUM(A1:A2)", "a\x0cb", None], "value": [1.5, None, 2.0]})
    write_xlsx(df, tmp_path / "t.xlsx", RunInfo(rules_version="abc"))
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["records"]
    assert [c.value for c in ws["A"]] == ["quote", "=SUM(A1:A2)", "a b", None]
    assert ws["A2"].data_type == "s"
    assert [c.value for c in ws["B"]] == ["value", 1.5, None, 2.0]


def test_formats_are_validated() -> None:
    assert parse_formats(["xlsx,CSV", "jsonl"]) == ("csv", "jsonl", "xlsx")
    res = cyx("extract", str(SAMPLE), "--format", "csv,dta")
    assert res.exit_code == 2 and "unknown format 'dta'" in res.output


def test_dash_output_writes_csv_to_stdout(tmp_path: Path) -> None:
    res = cyx("extract", str(SAMPLE), "-o", "-")
    assert res.exit_code == 0, res.output
    assert not res.stdout.startswith("\ufeff")
    cyx("extract", str(SAMPLE), "-o", str(tmp_path), "-q")
    on_disk = (tmp_path / "chaoyang_2017.csv").read_text(encoding="utf-8-sig")
    assert res.stdout == on_disk
    # The summary goes to stderr, leaving stdout a clean table.
    assert "document(s) read" in res.stderr and "wrote the table to stdout" in res.stderr
    frame = pd.read_csv(io.StringIO(res.stdout))
    assert list(frame.columns) == list(COLUMNS)
    # A pipe end to end: stdin in, stdout out.
    piped = cyx("extract", "-", "-o", "-", "-q", input=SAMPLE.read_bytes())
    assert piped.stdout == on_disk.replace("chaoyang_2017,", "-,")


def test_dash_output_takes_only_csv() -> None:
    for extra in (["--format", "parquet"], ["--wide"], ["--partition"]):
        res = cyx("extract", str(SAMPLE), "-o", "-", *extra)
        assert res.exit_code == 2, extra


def test_wide_view(tmp_path: Path) -> None:
    (tmp_path / "plan_2019.txt").write_text(PLAN_2019, encoding="utf-8")
    res = cyx(
        "extract", str(SAMPLE), str(tmp_path / "plan_2019.txt"), "-o", str(tmp_path / "o"),
        "--wide", "--format", "csv,parquet,jsonl,xlsx", "-q",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    out = tmp_path / "o"
    for ext in ("csv", "parquet", "jsonl", "xlsx"):
        assert (out / f"records.{ext}").exists() and (out / f"records_wide.{ext}").exists()
    long = csv_rows(out / "records.csv")
    wide = csv_rows(out / "records_wide.csv")
    key = ("doc", "region", "report_year", "year", "horizon", "kind", "tier")
    assert list(wide[0])[: len(key)] == list(key)
    assert len({tuple(r[k] for k in key) for r in wide}) == len(wide)
    # Every long row is one cell of the wide view, in the standard unit.
    for r in long:
        (row,) = [w for w in wide if all(w[k] == r[k] for k in key)]
        col = f"{r['indicator']}_{r['measure']}" + (f"_{r['scope']}" if r["scope"] else "")
        assert float(row[col]) == float(r["value_std"])
    plan = [w for w in wide if w["doc"] == "plan_2019"]
    assert [(w["kind"], w["tier"], w["gdp_growth"]) for w in plan] == [
        ("target", "baseline", "7.0"),
        ("target", "stretch", "7.5"),
    ]
    cols = list(wide[0])
    assert (
        cols.index("gdp_level")
        < cols.index("gdp_growth")
        < cols.index("fixed_asset_investment_level")
    )
    table = pq.read_table(out / "records_wide.parquet")
    assert table.schema.field("report_year").type == pa.int16()
    assert table.schema.field("gdp_growth").type == pa.float64()
    assert table.schema.metadata[b"cyx_version"] == __version__.encode()
    jl = [
        json.loads(x) for x in (out / "records_wide.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(jl) == len(wide) and jl[-1]["gdp_growth"] == 7.5 and jl[-1]["gdp_level"] is None


def test_wide_frame_of_no_records() -> None:
    df = wide_frame([])
    assert list(df.columns) == ["doc", "region", "report_year", "year", "horizon", "kind", "tier"]
    assert len(df) == 0


def test_partitioned_parquet_is_one_dataset(tmp_path: Path) -> None:
    (tmp_path / "plan_2019.txt").write_text(PLAN_2019, encoding="utf-8")
    (tmp_path / "undated.txt").write_text(NO_YEAR, encoding="utf-8")
    inputs = [str(SAMPLE), str(tmp_path / "plan_2019.txt"), str(tmp_path / "undated.txt")]
    res = cyx(
        "extract", *inputs, "-o", str(tmp_path / "o"), "--partition", "--format", "csv,parquet"
    )
    assert res.exit_code == 0, res.output
    folder = tmp_path / "o" / "records.parquet"
    parts = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet"))
    assert parts == ["2017/part-0.parquet", "2019/part-0.parquet", "undated/part-0.parquet"]
    part = pq.read_table(folder / "2017" / "part-0.parquet")
    assert part.schema.metadata[b"cyx_version"] == __version__.encode()
    assert part.schema.field("report_year").type == pa.int16()
    dataset = ds.dataset(folder, format="parquet").to_table()
    rows = csv_rows(tmp_path / "o" / "records.csv")
    assert dataset.num_rows == len(rows)
    years = dataset.column("report_year").to_pylist()
    assert (
        years.count(2019) == 2
        and years.count(None) == sum(r["report_year"] == "" for r in rows) > 0
    )
    assert "1 row(s) have no report year" in res.stderr
    # Plain pd.read_parquet reads the folder with integer years and their nulls (folders
    # named report_year=… gave a category, and an error with a null partition).
    frame = pd.read_parquet(folder, dtype_backend="numpy_nullable")
    assert len(frame) == len(rows) and set(frame["doc"]) == {
        "chaoyang_2017",
        "plan_2019",
        "undated",
    }
    assert str(frame["report_year"].dtype) == "Int16"
    assert str(pd.read_parquet(folder)["report_year"].dtype) == "Int16"

    # A rerun replaces the dataset; a plain file from an earlier run gives way too.
    res = cyx("extract", str(SAMPLE), "-o", str(tmp_path / "o"), "--name", "records", "--partition")
    assert res.exit_code == 0
    assert "no report year" not in res.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["2017", "_cyx_manifest.json"]
    # Without null years, pandas reads the folder as it is.
    assert len(pd.read_parquet(folder)) == len(csv_rows(tmp_path / "o" / "records.csv"))
    cyx("extract", str(SAMPLE), "-o", str(tmp_path / "p"), "--name", "x", "-q")
    assert (tmp_path / "p" / "x.parquet").is_file()
    res = cyx("extract", str(SAMPLE), "-o", str(tmp_path / "p"), "--name", "x", "--partition", "-q")
    assert res.exit_code == 0 and (tmp_path / "p" / "x.parquet").is_dir()


def test_partition_never_replaces_a_folder_it_did_not_write(tmp_path: Path) -> None:
    mine = tmp_path / "records.parquet"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work", encoding="utf-8")
    res = cyx("extract", str(SAMPLE), "-o", str(tmp_path), "--name", "records", "--partition")
    assert res.exit_code == 5
    assert "is a folder that holds files cyx did not write" in res.stderr
    assert (mine / "thesis.docx").read_text(encoding="utf-8") == "years of work"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_partition_needs_parquet() -> None:
    res = cyx("extract", str(SAMPLE), "--partition", "--format", "csv")
    assert res.exit_code == 2 and "--partition needs parquet" in res.output


def test_output_error_exits_5_and_bad_inputs_are_still_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    res = cyx("extract", str(SAMPLE), str(tmp_path / "missing.txt"), "-o", str(blocker / "out"))
    assert res.exit_code == 5
    assert "missing.txt: no such file or folder" in res.stderr
    assert str(blocker / "out") in res.stderr


def test_tables_get_ordinary_file_permissions(tmp_path: Path) -> None:
    import os

    res = cyx(
        "extract",
        str(SAMPLE),
        "-o",
        str(tmp_path),
        "--partition",
        "--format",
        "csv,parquet,xlsx",
        "-q",
    )
    assert res.exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    expected = 0o666 & ~mask
    for p in (tmp_path / "chaoyang_2017.csv", tmp_path / "chaoyang_2017.xlsx"):
        assert p.stat().st_mode & 0o777 == expected
    assert (tmp_path / "chaoyang_2017.parquet").stat().st_mode & 0o777 == 0o777 & ~mask


@pytest.mark.parametrize("n", [0, 3])
def test_jsonl_of_no_and_some_records(tmp_path: Path, n: int) -> None:
    from chaoyang_extract.table import jsonl_text

    rec = Record(
        "d", None, 2017, "gdp", "地区生产总值", "result", 2016, "annual", "level", 780.0, None,
        "亿元", 7.8e10, "CNY", "eq", None, True, None, "地区生产总值780亿元", 0, 11, 1, "", "r",
    )  # fmt: skip
    text = jsonl_text([rec] * n)
    assert text.count("\n") == n
    if n:
        assert json.loads(text.splitlines()[0])["value_std"] == 7.8e10


def test_dash_output_reports_a_reader_that_left(tmp_path: Path, sample_text: str) -> None:
    import subprocess
    import sys

    for i in range(12):  # well past a pipe's 64 KiB buffer
        (tmp_path / f"r{i:02d}.txt").write_text(sample_text, encoding="utf-8")
    cmd = [sys.executable, "-c", "from chaoyang_extract.cli import run; run()"]
    proc = subprocess.Popen(
        [*cmd, "extract", str(tmp_path), "-o", "-", "-q", "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100).startswith(b"doc,region,")
    proc.stdout.close()  # like `| head -c 100`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 5
    assert err.strip().splitlines() == ["cyx: -: cannot write to stdout: Broken pipe"]


def test_csv_writer_gives_the_bytes_pandas_gives() -> None:
    import dataclasses
    import random

    from chaoyang_extract.table import csv_text, frame_csv_text, to_frame

    base = Record(
        "d", "朝阳市", 2017, "gdp", "地区生产总值", "result", 2016, "annual", "level", 780.0,
        None, "亿元", 7.8e10, "CNY", "eq", None, True, None, "q", 0, 11, 1, "s", "r",
    )  # fmt: skip
    numbers = [
        0.0,
        -0.0,
        -9.0,
        5.25,
        1 / 3,
        1e-5,
        0.0001,
        2.5e-7,
        7.8e10,
        1e16,
        1e22,
        123456789012345.6,
    ]
    texts = ["a,b", 'say "hi"', "line\nbreak", "cr\rx", " lead", "", "tab\tx", "中文，逗号", '"']
    rnd = random.Random(5)
    records = [
        dataclasses.replace(
            base,
            value=rnd.choice(numbers),
            value_max=rnd.choice([None, *numbers]),
            value_std=rnd.choice(numbers),
            quote=rnd.choice(texts),
            region=rnd.choice([None, *texts]),
            report_year=rnd.choice([None, 2017]),
            year=rnd.choice([None, 2016]),
            tier=rnd.choice([None, "stretch"]),
            estimated=rnd.choice([True, False]),
        )
        for _ in range(300)
    ]
    for recs in (records, [], [base]):
        assert csv_text(recs) == frame_csv_text(to_frame(recs))


def test_frame_is_what_casting_each_column_gives() -> None:
    """to_frame builds each column's array directly; it must equal pandas' own cast of a
    frame of Python objects, nulls included, and with no rows."""
    import dataclasses

    import pandas as pd
    from pandas.testing import assert_frame_equal

    from chaoyang_extract.records import COLUMNS
    from chaoyang_extract.table import PANDAS_DTYPES, SCHEMA, to_frame

    base = Record(
        "d", "朝阳市", 2017, "gdp", "地区生产总值", "result", 2016, "annual", "level", 780.0,
        None, "亿元", 7.8e10, "CNY", "eq", None, True, None, "q", 0, 11, 1, "s", "r",
    )  # fmt: skip
    variants = [
        base,
        dataclasses.replace(base, region=None, report_year=None, year=None, section=""),
        dataclasses.replace(base, value_max=9.5, tier="stretch", scope="省级", estimated=False),
        dataclasses.replace(base, start=2**31 - 1, line=70000, report_year=-32768),
    ]
    for recs in (variants, variants[1:2], []):
        rows = [[getattr(r, c) for c in COLUMNS] for r in recs]
        plain = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
        plain["section"] = [s or None for s in plain["section"]]
        for f in SCHEMA:
            plain[f.name] = plain[f.name].astype(PANDAS_DTYPES[str(f.type)])
        assert_frame_equal(to_frame(recs), plain)
