"""Issue 9: what `cyx extract` may replace and where it may write: --partition's own files
only, whole output sets, formula-safe CSV, --summary-json through special files, --name
inside -o, empty runs that keep a good table, -o FILE.ext, byte-identical XLSX."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from chaoyang_extract import outputs
from chaoyang_extract.cli import main
from chaoyang_extract.outset import OutputSet, sweep
from chaoyang_extract.records import Record
from chaoyang_extract.table import csv_text, jsonl_text

from .conftest import SAMPLE

FORMATS = "csv,parquet,jsonl,xlsx"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def cyx(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# --------------------------------------------------------------------------- item 3


def test_partition_never_deletes_a_file_it_did_not_write(tmp_path: Path) -> None:
    args = ["extract", str(SAMPLE), "-o", str(tmp_path), "--name", "records", "--partition", "-q"]
    assert cyx(*args).exit_code == 0
    folder = tmp_path / "records.parquet"
    assert (folder / "_cyx_manifest.json").is_file()
    mine = folder / "2016" / "mydata.parquet"
    mine.parent.mkdir()
    pq.write_table(pa.table({"x": [1]}), mine)
    res = cyx(*args)
    assert res.exit_code == 5
    assert "holds files cyx did not write" in res.stderr
    assert pq.read_table(mine).column("x").to_pylist() == [1]
    # The same in the layout of earlier versions, which had no manifest.
    shutil.rmtree(folder)
    (folder / "report_year=2016").mkdir(parents=True)
    pq.write_table(pa.table({"x": [1]}), folder / "report_year=2016" / "mydata.parquet")
    assert cyx(*args).exit_code == 5
    assert (folder / "report_year=2016" / "mydata.parquet").is_file()
    # A user's part-0.parquet is not cyx's either: it lacks cyx's metadata.
    (folder / "report_year=2016" / "mydata.parquet").rename(
        folder / "report_year=2016" / "part-0.parquet"
    )
    assert cyx(*args).exit_code == 5
    # A changed file of cyx's own dataset is the user's now.
    shutil.rmtree(folder)
    assert cyx(*args).exit_code == 0
    with (folder / "2017" / "part-0.parquet").open("ab") as f:
        f.write(b"notes")
    assert cyx(*args).exit_code == 5


def test_partition_replaces_its_own_dataset_also_of_earlier_versions(tmp_path: Path) -> None:
    folder = tmp_path / "records.parquet"
    (folder / "report_year=2016").mkdir(parents=True)
    table = pa.table({"doc": ["a"]}).replace_schema_metadata({b"cyx_version": b"0.1"})
    pq.write_table(table, folder / "report_year=2016" / "part-0.parquet")
    args = ["extract", str(SAMPLE), "-o", str(tmp_path), "--name", "records", "--partition", "-q"]
    assert cyx(*args).exit_code == 0
    assert sorted(snapshot(folder)) == ["2017/part-0.parquet", "_cyx_manifest.json"]
    assert cyx(*args).exit_code == 0


# --------------------------------------------------------------------------- item 4


@pytest.fixture
def old_set(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    res = cyx("extract", str(SAMPLE), "-o", str(out), "--name", "t", "--format", FORMATS, "-q")
    assert res.exit_code == 0
    return out, snapshot(out)


def test_a_full_disk_after_some_formats_leaves_the_old_set(
    old_set: tuple[Path, dict[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, before = old_set
    other = tmp_path / "other.txt"
    other.write_text(SAMPLE.read_text(encoding="utf-8").replace("增长", "下降"), "utf-8")

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    # CSV, Parquet and JSON lines are written by then; the XLSX finds the disk full.
    monkeypatch.setattr(outputs, "write_xlsx", full)
    res = cyx("extract", str(other), "-o", str(out), "--name", "t", "--format", FORMATS, "-q")
    assert res.exit_code == 5 and "No space left on device" in res.stderr
    assert snapshot(out) == before


def _docs_in_set(out: Path) -> dict[str, list[str]]:
    import pandas as pd

    return {
        "csv": pd.read_csv(out / "t.csv", encoding="utf-8-sig")["doc"].tolist(),
        "parquet": pq.read_table(out / "t.parquet").column("doc").to_pylist(),
        "jsonl": [
            json.loads(x)["doc"] for x in (out / "t.jsonl").read_text(encoding="utf-8").splitlines()
        ],
        "xlsx": [
            r[0]
            for r in openpyxl.load_workbook(out / "t.xlsx")["records"].iter_rows(
                min_row=2, values_only=True
            )
        ],
    }


def test_concurrent_runs_on_one_name_never_mix(tmp_path: Path, sample_text: str) -> None:
    out = tmp_path / "out"
    runs = []
    for i in range(3):
        # Each run's table names its own doc, so a mixed set shows.
        (tmp_path / f"in{i}").mkdir()
        (tmp_path / f"in{i}" / f"run{i}.txt").write_text(sample_text * (i + 1), "utf-8")
        runs.append(tmp_path / f"in{i}" / f"run{i}.txt")
    cmd = [sys.executable, "-c", "from chaoyang_extract.cli import run; run()"]
    for _ in range(2):
        procs = [
            subprocess.Popen(
                [*cmd, "extract", str(r), "-o", str(out), "--name", "t", "--format", FORMATS, "-q"]
            )
            for r in runs
        ]
        assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
        docs = {k: sorted(set(v)) for k, v in _docs_in_set(out).items()}
        assert len({tuple(v) for v in docs.values()}) == 1, docs
        assert sorted(p.name for p in out.iterdir()) == [
            f"t.{f}" for f in sorted(FORMATS.split(","))
        ]


def test_a_run_waits_for_the_folder_lock_and_keeps_the_old_set_meanwhile(
    old_set: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    from chaoyang_extract.outset import folder_lock

    out, before = old_set
    other = tmp_path / "other_2017.txt"
    other.write_text(SAMPLE.read_text(encoding="utf-8") * 2, "utf-8")
    cmd = [sys.executable, "-c", "from chaoyang_extract.cli import run; run()"]
    with folder_lock(out):
        proc = subprocess.Popen(
            [*cmd, "extract", str(other), "-o", str(out), "--name", "t", "--format", FORMATS, "-q"]
        )
        time.sleep(4)  # long enough to extract; it now waits for the folder
        assert proc.poll() is None
        assert snapshot(out) == before
    assert proc.wait(timeout=60) == 0
    assert all(set(v) == {"other_2017"} for v in _docs_in_set(out).values())
    assert sorted(snapshot(out)) == sorted(before)


# --------------------------------------------------------------------------- item 8


def _record(**kw: Any) -> Record:
    base = Record(
        "d", "朝阳市", 2017, "gdp", "地区生产总值", "result", 2016, "annual", "growth", -9.0,
        None, "%", -9.0, "%", "eq", None, False, None, "q", 0, 11, 1, "s", "r",
    )  # fmt: skip
    import dataclasses

    return dataclasses.replace(base, **kw)


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised() -> None:
    risky = _record(
        doc="=2*3", region="@SUM(A1)", quote="-3.6万贫困人口", section="+cmd|' /C calc'!A0"
    )
    tabbed = _record(quote="\t=1+1", rule="\r=1")
    text = csv_text([risky, tabbed, _record(doc="-")])
    lines = text.splitlines()
    assert lines[1].startswith("'=2*3,'@SUM(A1),2017,")
    assert ",-9.0,," in lines[1]  # numbers stay numbers
    assert "'-3.6万贫困人口" in lines[1] and ",'+cmd|' /C calc'!A0," in lines[1]
    assert ",'\t=1+1," in text and ",'\r=1,,,\n" in text
    assert lines[-1].startswith("-,")  # stdin's doc: a lone sign is no formula
    # JSON lines keep the exact text.
    obj = json.loads(jsonl_text([risky]))
    assert (obj["doc"], obj["region"], obj["quote"]) == ("=2*3", "@SUM(A1)", "-3.6万贫困人口")


def test_formula_cells_end_to_end(tmp_path: Path, sample_text: str) -> None:
    report = tmp_path / "=2*3.txt"
    report.write_text(sample_text, encoding="utf-8")
    res = cyx("extract", str(report), "-o", str(tmp_path / "o"), "--name", "t", "--wide",
              "--format", FORMATS, "-q")  # fmt: skip
    assert res.exit_code == 0, res.output
    o = tmp_path / "o"
    for name in ("t.csv", "t_wide.csv"):
        body = (o / name).read_text(encoding="utf-8-sig").splitlines()[1:]
        assert body and all(line.startswith("'=2*3,") for line in body)
    assert set(pq.read_table(o / "t.parquet").column("doc").to_pylist()) == {"=2*3"}
    assert set(pq.read_table(o / "t_wide.parquet").column("doc").to_pylist()) == {"=2*3"}
    assert json.loads((o / "t.jsonl").read_text(encoding="utf-8").splitlines()[0])["doc"] == "=2*3"
    ws = openpyxl.load_workbook(o / "t.xlsx")["records"]
    assert ws["A2"].value == "=2*3" and ws["A2"].data_type == "s"


# --------------------------------------------------------------------------- item 10


def test_summary_json_writes_through_symlinks_fifos_and_devices(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "summary.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    base = ["extract", str(SAMPLE), "-o", str(tmp_path / "o"), "-q", "--summary-json"]
    assert cyx(*base, str(link)).exit_code == 0
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["rows"] > 0

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert cyx(*base, str(fifo)).exit_code == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and json.loads(got[0])["rows"] > 0

    res = cyx(*base, "/dev/full")
    assert res.exit_code == 5 and "/dev/full" in res.stderr
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_summary_json_to_stdout(tmp_path: Path) -> None:
    res = cyx("extract", str(SAMPLE), "-o", str(tmp_path), "-q", "--summary-json", "-")
    assert res.exit_code == 0 and json.loads(res.stdout)["rows"] > 0
    cmd = [sys.executable, "-c", "from chaoyang_extract.cli import run; run()"]
    for where in ("/dev/stdout", "-"):
        proc = subprocess.run(
            [*cmd, "extract", str(SAMPLE), "-o", str(tmp_path), "-q", "--summary-json", where],
            capture_output=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["rows"] > 0
    res = cyx("extract", str(SAMPLE), "-o", "-", "--summary-json", "-")
    assert res.exit_code == 2


# --------------------------------------------------------------------------- item 11


@pytest.mark.parametrize("name", ["../x", "/abs", "x/../../y", "", " ", "..", "a/b"])
def test_name_that_leaves_the_output_folder_is_refused(tmp_path: Path, name: str) -> None:
    out = tmp_path / "deep" / "out"
    res = cyx("extract", str(SAMPLE), "-o", str(out), "--name", name)
    assert res.exit_code == 2
    assert len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith("cyx: --name")
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- item 13


def test_a_run_without_rows_keeps_the_earlier_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cyx("extract", str(SAMPLE), "-o", str(out), "--name", "t", "-q").exit_code == 0
    before = snapshot(out)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "png.txt").write_bytes(PNG)
    res = cyx("extract", str(tmp_path / "empty.txt"), str(tmp_path / "png.txt"), "-o", str(out),
              "--name", "t")  # fmt: skip
    assert res.exit_code == 3
    assert snapshot(out) == before
    assert f"no rows; left {out / 't.csv'}, {out / 't.parquet'} as they were" in res.stderr
    res = cyx("extract", str(tmp_path / "empty.txt"), "-o", str(out), "--name", "t")
    assert res.exit_code == 0 and snapshot(out) == before
    # With no earlier table, the header-only table is written (pipelines get the columns).
    res = cyx("extract", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "new"), "-q")
    assert res.exit_code == 0 and (tmp_path / "new" / "empty.csv").read_bytes().count(b"\n") == 1


# --------------------------------------------------------------------------- conventions


def test_output_with_a_table_extension_is_that_one_file(tmp_path: Path) -> None:
    for ext in ("csv", "parquet", "jsonl", "xlsx"):
        target = tmp_path / ext / f"result.{ext}"
        assert cyx("extract", str(SAMPLE), "-o", str(target), "-q").exit_code == 0
        assert target.is_file() and [p.name for p in target.parent.iterdir()] == [target.name]
    res = cyx("extract", str(SAMPLE), "-o", str(tmp_path / "p" / "r.parquet"), "--partition", "-q")
    assert res.exit_code == 0 and (tmp_path / "p" / "r.parquet" / "2017").is_dir()
    for extra in (["--format", "parquet"], ["--wide"], ["--name", "x"]):
        res = cyx("extract", str(SAMPLE), "-o", str(tmp_path / "bad.csv"), *extra)
        assert res.exit_code == 2, extra
    assert not (tmp_path / "bad.csv").exists()
    # Without a table extension -o stays a folder.
    assert cyx("extract", str(SAMPLE), "-o", str(tmp_path / "res.d"), "-q").exit_code == 0
    assert (tmp_path / "res.d" / "chaoyang_2017.csv").is_file()


def test_xlsx_is_byte_identical_for_identical_input(tmp_path: Path) -> None:
    args = ["extract", str(SAMPLE), "--format", "xlsx", "--wide", "-q", "-o"]
    assert cyx(*args, str(tmp_path / "a")).exit_code == 0
    time.sleep(2.1)  # zip times have a two-second resolution
    assert cyx(*args, str(tmp_path / "b")).exit_code == 0
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_default_output_is_one_summary_line_plus_warnings(tmp_path: Path, sample_text: str) -> None:
    for i in range(10):
        (tmp_path / "in" / str(i)).mkdir(parents=True)
        (tmp_path / "in" / str(i) / f"r_{i}.txt").write_text(sample_text, encoding="utf-8")
    res = cyx("extract", str(tmp_path / "in"), "-o", str(tmp_path / "o"))
    assert res.exit_code == 0
    lines = res.stderr.splitlines()
    assert [x for x in lines if not x.startswith("cyx: warning:")] == [
        f"10 document(s) read, 400 rows, 0 without rows, 0 failed; wrote "
        f"{tmp_path / 'o' / 'records.csv'}, {tmp_path / 'o' / 'records.parquet'}"
    ]
    verbose = cyx("extract", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-v")
    assert "r_3: region 朝阳市, report year 2017: 40 figures" in verbose.stderr


# --------------------------------------------------------------------------- temporaries


def test_sweep_removes_only_temporaries_that_nobody_holds(tmp_path: Path) -> None:
    dead = tmp_path / ".t.csv.99999999-abcdefgh.tmp"
    dead.write_text("half", encoding="utf-8")
    legacy = tmp_path / ".t.parquet.k2j4h5g6.tmp"
    legacy.mkdir()
    old = tmp_path / ".t.parquet.123-abcdefgh.old"
    old.mkdir()
    users = [tmp_path / ".notes.abcdefgh.tmp", tmp_path / "t.csv.12-abcdefgh.tmp"]
    for u in users:
        u.write_text("mine", encoding="utf-8")
    with OutputSet() as live:
        held = live.file(tmp_path / "u.csv")
        held_dir = live.folder(tmp_path / "u.parquet", lambda p: True)
        assert sorted(sweep(tmp_path)) == sorted([dead, legacy, old])
        assert held.exists() and held_dir.is_dir() and all(u.exists() for u in users)
    assert not held.exists() and not held_dir.exists()
