"""Batch runs of `cyx extract`: every kind of input, --jobs, failures that do not stop the
others, the progress bar and summary, --require and --summary-json."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from chaoyang_extract import batch, sources
from chaoyang_extract.cli import main

from .conftest import SAMPLE

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CITY = CORPUS / "dev-city"
PLAN = "2019年政府工作报告\n2019年主要预期目标：地区生产总值增长7%左右，固定资产投资增长8%。\n"
REVIEW = "2018年工作回顾\n全市地区生产总值完成500亿元，增长6.5%。\n"


def cyx(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def docs_of(csv_path: Path) -> list[str]:
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        return [row["doc"] for row in csv.DictReader(f)]


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


@pytest.fixture
def reports(tmp_path: Path, sample_text: str) -> Path:
    """A folder tree of reports; sorted by path, a/b/review_2019.txt comes before a/plan_2019.txt."""
    root = tmp_path / "reports"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "plan_2019.txt").write_text(PLAN, encoding="utf-8")
    (root / "a" / "b" / "review_2019.txt").write_text(REVIEW, encoding="utf-8")
    (root / "notes.md").write_text(PLAN, encoding="utf-8")
    (root / "chaoyang_2017.txt").write_text(sample_text, encoding="utf-8")
    return root


def test_folder_is_read_recursively_in_sorted_order(reports: Path, tmp_path: Path) -> None:
    res = cyx("extract", str(reports), "-o", str(tmp_path / "o"), "-q")
    assert res.exit_code == 0, res.output
    assert unique(docs_of(tmp_path / "o" / "records.csv")) == [
        "review_2019",
        "plan_2019",
        "chaoyang_2017",
    ]


def test_glob_pattern_expanded_by_cyx(reports: Path, tmp_path: Path) -> None:
    res = cyx("extract", str(reports / "**" / "*_2019.txt"), "-o", str(tmp_path / "o"), "-q")
    assert res.exit_code == 0, res.output
    assert unique(docs_of(tmp_path / "o" / "records.csv")) == ["review_2019", "plan_2019"]
    res = cyx("extract", str(reports / "*.nothing"), "-o", str(tmp_path / "p"))
    assert res.exit_code == 3
    assert "*.nothing: no file matches this pattern" in res.stderr


def test_stdin_is_doc_dash(tmp_path: Path) -> None:
    res = cyx("extract", "-", "-o", str(tmp_path), "-q", input=PLAN.encode("gb18030"))
    assert res.exit_code == 0, res.output
    docs = docs_of(tmp_path / "records.csv")
    assert docs and set(docs) == {"-"}


def test_from_list_keeps_the_list_order(reports: Path, tmp_path: Path) -> None:
    lst = tmp_path / "list.txt"
    lst.write_text(
        "# reports to read\n\n"
        f"{reports / 'a' / 'b' / 'review_2019.txt'}\n"
        f"{reports / 'chaoyang_2017.txt'}\n"
        f"  {reports / 'a' / 'plan_2019.txt'}  \n",
        encoding="utf-8",
    )
    res = cyx("extract", "--from-list", str(lst), "-o", str(tmp_path / "o"), "-q")
    assert res.exit_code == 0, res.output
    assert unique(docs_of(tmp_path / "o" / "records.csv")) == [
        "review_2019",
        "chaoyang_2017",
        "plan_2019",
    ]
    # The list itself can come on stdin.
    res = cyx(
        "extract", "--from-list", "-", "-o", str(tmp_path / "s"), "-q", input=lst.read_bytes()
    )
    assert res.exit_code == 0, res.output
    assert unique(docs_of(tmp_path / "s" / "records.csv")) == [
        "review_2019",
        "chaoyang_2017",
        "plan_2019",
    ]


def test_no_input_is_a_usage_error() -> None:
    res = cyx("extract")
    assert res.exit_code == 2
    assert "--from-list" in res.output


def test_same_file_twice_is_read_once_and_shared_stems_warn(reports: Path, tmp_path: Path) -> None:
    plan = reports / "a" / "plan_2019.txt"
    other = tmp_path / "other" / "plan_2019.txt"
    other.parent.mkdir()
    other.write_text(REVIEW, encoding="utf-8")
    res = cyx("extract", str(plan), str(plan), str(other), "-o", str(tmp_path / "o"))
    assert res.exit_code == 0, res.output
    assert res.stderr.count("doc 'plan_2019' names 2 files") == 1
    assert "2 document(s) read" in res.stderr


@pytest.mark.skipif(not CITY.is_dir(), reason="shared corpus not present")
def test_jobs_do_not_change_the_table(reports: Path, tmp_path: Path) -> None:
    inputs = [str(CITY), str(reports), str(SAMPLE)]
    outs = {}
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"j{jobs}"
        res = cyx("extract", *inputs, "-o", str(out), "--jobs", jobs, "--format", "csv,jsonl", "-q")
        assert res.exit_code == 0, res.output
        outs[jobs] = ((out / "records.csv").read_bytes(), (out / "records.jsonl").read_bytes())
    assert outs["1"] == outs["2"] == outs["3"]
    docs = unique(docs_of(tmp_path / "j2" / "records.csv"))
    assert docs[:2] == ["ankang_2018", "hanzhong_2017"] and docs[-1] == "chaoyang_2017"


def test_bad_documents_never_stop_the_others(reports: Path, tmp_path: Path) -> None:
    (reports / "scan.txt").write_bytes(b"%PDF-1.7 binary")
    (reports / "empty.txt").write_bytes(b"")
    for jobs in ("1", "2"):
        out = tmp_path / f"o{jobs}"
        res = cyx(
            "extract", str(reports), str(tmp_path / "missing.txt"), "-o", str(out), "--jobs", jobs,
            "-v",
        )  # fmt: skip
        assert res.exit_code == 3, res.output
        err = res.stderr.splitlines()
        assert f"cyx: {reports / 'scan.txt'}: not a readable PDF (damaged?)" in err
        assert f"cyx: {tmp_path / 'missing.txt'}: no such file or folder" in err
        assert f"cyx: warning: {reports / 'empty.txt'}: empty file, no figures" in err
        assert unique(docs_of(out / "records.csv")) == ["review_2019", "plan_2019", "chaoyang_2017"]
        assert "4 document(s) read" in res.stderr and "1 without rows, 2 failed" in res.stderr
        assert f"without rows: {reports / 'empty.txt'}" in res.stderr


def test_a_crash_inside_extraction_fails_only_that_document(
    reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chaoyang_extract import extract as extract_mod

    real = extract_mod.extract_document

    def flaky(rs: object, text: str, doc: str, **kw: object) -> object:
        if doc == "review_2019":
            raise RecursionError("maximum recursion depth exceeded")
        return real(rs, text, doc, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(extract_mod, "extract_document", flaky)
    res = cyx("extract", str(reports), "-o", str(tmp_path), "--jobs", "1", "-q")
    assert res.exit_code == 3
    assert (
        "review_2019.txt: extraction failed (RecursionError: maximum recursion depth exceeded)"
        in res.stderr
    )
    assert unique(docs_of(tmp_path / "records.csv")) == ["plan_2019", "chaoyang_2017"]


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the workers must inherit the patch"
)
def test_a_dying_worker_fails_only_its_document(
    reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chaoyang_extract import extract as extract_mod

    real = extract_mod.extract_document

    def fatal(rs: object, text: str, doc: str, **kw: object) -> object:
        if doc == "plan_2019":
            os._exit(1)  # like a segfault or the OOM killer
        return real(rs, text, doc, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(extract_mod, "extract_document", fatal)
    for i in range(6):
        (reports / f"copy_{i}.txt").write_text(REVIEW, encoding="utf-8")
    res = cyx("extract", str(reports), "-o", str(tmp_path), "--jobs", "2", "-q")
    assert res.exit_code == 3
    errors = [line for line in res.stderr.splitlines() if "warning" not in line]
    assert errors == [
        f"cyx: {reports / 'a' / 'plan_2019.txt'}: extraction failed (its worker process died)"
    ]
    docs = unique(docs_of(tmp_path / "records.csv"))
    assert docs == ["review_2019", "chaoyang_2017", *(f"copy_{i}" for i in range(6))]


def test_summary_lists_totals_and_quiet_silences_it(reports: Path, tmp_path: Path) -> None:
    res = cyx("extract", str(reports), "-o", str(tmp_path), "-v")
    assert res.exit_code == 0
    assert "plan_2019: region ?, report year 2019" in res.stderr
    assert "3 document(s) read," in res.stderr and "0 without rows, 0 failed" in res.stderr
    assert f"wrote {tmp_path / 'records.csv'}" in res.stderr
    res = cyx("extract", str(reports), "-o", str(tmp_path), "-q")
    assert res.exit_code == 0 and "document(s) read" not in res.stderr


def _run_on_a_terminal(args: list[str]) -> str:
    """stderr of cyx run with stderr on a pseudo-terminal, as a user at a shell sees it."""
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTY_")}
    env.update(TERM="xterm", COLUMNS="100")
    cmd = [sys.executable, "-c", "from chaoyang_extract.cli import run; run()", *args]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_only_on_a_terminal(reports: Path, tmp_path: Path) -> None:
    shown = _run_on_a_terminal(["extract", str(reports), "-o", str(tmp_path / "t"), "--jobs", "2"])
    assert "extracting" in shown and "3/3" in shown
    assert "3 document(s) read" in shown
    quiet = _run_on_a_terminal(["extract", str(reports), "-o", str(tmp_path / "q"), "--quiet"])
    assert "extracting" not in quiet and "document(s) read" not in quiet
    # Not a terminal (CliRunner captures stderr): no bar, only the summary.
    res = cyx("extract", str(reports), "-o", str(tmp_path / "c"))
    assert "extracting" not in res.stderr and "3 document(s) read" in res.stderr


def test_require_names_each_document_that_lacks_a_figure(reports: Path, tmp_path: Path) -> None:
    res = cyx(
        "extract",
        str(reports),
        "-o",
        str(tmp_path),
        "-q",
        "--require",
        "gdp:target,fixed_asset_investment:result",
    )
    assert res.exit_code == 1
    err = res.stderr.splitlines()
    assert (
        f"cyx: {reports / 'a' / 'plan_2019.txt'}: lacks required fixed_asset_investment:result"
        in err
    )
    assert (
        f"cyx: {reports / 'a' / 'b' / 'review_2019.txt'}: lacks required gdp:target, fixed_asset_investment:result"
        in err
    )
    assert not any("chaoyang_2017" in line for line in err)
    # The table is written all the same.
    assert (tmp_path / "records.csv").exists()
    # A kind-less requirement is met by a result or a target.
    res = cyx("extract", str(reports), "-o", str(tmp_path), "-q", "--require", "gdp")
    assert res.exit_code == 0, res.output


def test_require_rejects_unknown_indicators(tmp_path: Path) -> None:
    res = cyx("extract", str(SAMPLE), "-o", str(tmp_path), "--require", "gpd:target")
    assert res.exit_code == 2
    assert "'gpd' is not a catalog indicator" in res.output
    res = cyx("extract", str(SAMPLE), "-o", str(tmp_path), "--require", "gdp:goal")
    assert res.exit_code == 2


def test_unreadable_input_outranks_an_unmet_requirement(reports: Path, tmp_path: Path) -> None:
    (reports / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n....")
    res = cyx(
        "extract",
        str(reports),
        "-o",
        str(tmp_path),
        "-q",
        "--require",
        "fixed_asset_investment:result",
    )
    assert res.exit_code == 3
    assert "lacks required" in res.stderr and "bad.txt: binary file" in res.stderr


def test_summary_json_for_pipelines(reports: Path, tmp_path: Path) -> None:
    (reports / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n....")
    (reports / "empty.txt").write_bytes(b"")
    summary = tmp_path / "ci" / "summary.json"
    args = ["extract", str(reports), "-o", str(tmp_path / "o"), "-q", "--require", "gdp:target"]
    res = cyx(*args, "--summary-json", str(summary))
    assert res.exit_code == 3
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["exit_code"] == 3
    assert data["documents"] == 5 and data["documents_read"] == 4
    assert data["rows"] == len(docs_of(tmp_path / "o" / "records.csv"))
    assert data["documents_without_rows"] == [str(reports / "empty.txt")]
    assert data["failures"] == [
        {"path": str(reports / "bad.txt"), "reason": "binary file (PNG image), not a text report"}
    ]
    assert [u["doc"] for u in data["unmet_requirements"]] == ["review_2019", "empty"]
    assert data["unmet_requirements"][0]["lacks"] == ["gdp:target"]
    assert data["outputs"] == [
        str(tmp_path / "o" / "records.csv"),
        str(tmp_path / "o" / "records.parquet"),
    ]
    assert len(data["rules_version"]) == 12
    assert data["created"][:2] == "20"
    first = summary.read_bytes()
    csv_first = (tmp_path / "o" / "records.csv").read_bytes()
    cyx(*args, "--summary-json", str(summary), "--jobs", "2")
    again = json.loads(summary.read_bytes())
    assert {**again, "created": ""} == {**json.loads(first), "created": ""}
    assert (tmp_path / "o" / "records.csv").read_bytes() == csv_first


def test_read_list_skips_comments_and_blanks() -> None:
    assert sources.read_list("a.txt\n\n# c\n  b c.txt \r\n") == ["a.txt", "b c.txt"]


def test_parse_requirements() -> None:
    known = ["gdp", "cpi"]
    assert [str(q) for q in batch.parse_requirements("gdp:target, cpi,gdp:target", known)] == [
        "gdp:target",
        "cpi",
    ]
    with pytest.raises(ValueError, match="at least one"):
        batch.parse_requirements(" , ", known)
