"""Issue 9, the input side: nothing is lost in silence (unreadable folders, closed streams),
and odd but valid input (UTF-16 without a BOM, CR line ends, lone surrogates) is read."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SAMPLE

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
PLAN = "2019年政府工作报告\n2019年主要预期目标：地区生产总值增长7%左右，固定资产投资增长8%。\n"


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------- item 1


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder that another user can reach (pytest's own tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="cyx-unreadable-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for p in [folder, *folder.rglob("*")]:
            if p.is_dir():
                p.chmod(0o755)
        shutil.rmtree(folder)


def _cyx_as_other_user(args: list[str], warm_up: list[str]) -> tuple[int, str]:
    """Run `cyx ARGS` as a user who cannot read root's 0700 folders: (exit code, stderr).

    The suite runs as root, who reads everything, so then the scan runs in a forked child
    that has become `nobody`. That child cannot import what it has not loaded yet (the
    interpreter lives under /root), so `warm_up` runs the same command here first, as root,
    on readable input. Not root: run it as we are.
    """
    from click.testing import CliRunner

    from chaoyang_extract.cli import main

    if not IS_ROOT:
        res = CliRunner().invoke(main, args)
        return res.exit_code, res.stderr
    try:
        import pwd

        nobody = pwd.getpwnam("nobody")
    except (ImportError, KeyError):
        pytest.skip("no 'nobody' user to run the scan as a non-root user")
    warm = CliRunner().invoke(main, warm_up)
    assert warm.exit_code == 0, warm.output
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        code = 99
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            res = CliRunner().invoke(main, args)
            report = json.dumps(
                {"code": res.exit_code, "stderr": res.stderr, "exc": repr(res.exception)}
            )
            os.write(write_end, report.encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and data, "the non-root child failed"
    report = json.loads(data)
    assert "Traceback" not in report["stderr"], report
    return int(report["code"]), str(report["stderr"])


def _two_reports(tmp: Path, second: str) -> tuple[Path, Path, list[str]]:
    """A folder r/ with a.txt and ``second`` (a path under r/), readable by anyone but
    ``second``'s folder; an output folder anyone may write; the extract command."""
    root = tmp / "r"
    (root / second).parent.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text(PLAN, encoding="utf-8")
    (root / second).write_text(PLAN, encoding="utf-8")
    out = tmp / "out"
    out.mkdir()
    out.chmod(0o777)
    root.chmod(0o755)
    (root / "a.txt").chmod(0o644)
    return root, out, ["extract", str(root), "-o", str(out), "--format", "csv"]


def test_unreadable_subfolder_is_a_failure_not_skipped(shared_tmp: Path) -> None:
    root, out, args = _two_reports(shared_tmp, "sub/b.txt")
    sub = root / "sub"
    sub.chmod(0o700 if IS_ROOT else 0o000)  # root owns it: `nobody` cannot list it
    code, stderr = _cyx_as_other_user(args, warm_up=[*args, "-q"])
    (out / "records.csv").unlink(missing_ok=True)
    assert code == 3, stderr
    assert f"cyx: {sub}: cannot read folder: permission denied" in lines(stderr)
    assert "1 document(s) read" in stderr and "1 failed" in stderr


def test_unreadable_file_in_a_folder_is_a_failure(shared_tmp: Path) -> None:
    root, out, args = _two_reports(shared_tmp, "b.txt")
    (root / "b.txt").chmod(0o600 if IS_ROOT else 0o000)
    code, stderr = _cyx_as_other_user(args, warm_up=[*args, "-q"])
    assert code == 3, stderr
    assert f"cyx: {root / 'b.txt'}: cannot read: permission denied" in lines(stderr)
    assert "1 failed" in stderr


# --------------------------------------------------------------------------- item 12


def test_cr_only_line_ends_give_the_right_line_numbers() -> None:
    from chaoyang_extract.extract import extract_document
    from chaoyang_extract.rulebook import load_rules

    rs = load_rules()
    text = SAMPLE.read_text(encoding="utf-8").replace("\r\n", "\n")
    lf = [(r.indicator, r.line) for r in extract_document(rs, text, "lf").records]
    assert len({line for _, line in lf}) > 5
    for newline in ("\r", "\r\n"):
        other = extract_document(rs, text.replace("\n", newline), "cr").records
        assert [(r.indicator, r.line) for r in other] == lf, repr(newline)


# --------------------------------------------------------------------------- item 9

CYX = str(Path(sys.executable).with_name("cyx"))


def _run_with_closed(fd: int, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`cyx ARGS` started with descriptor ``fd`` closed (the shell's `<&-` or `>&-`)."""
    return subprocess.run(
        [CYX, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        preexec_fn=lambda: os.close(fd),  # after the pipes are set up: closes ours
    )


def test_closed_stdin_fails_only_stdin(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "good.txt")
    proc = _run_with_closed(0, ["extract", "-", "good.txt", "--format", "csv"], tmp_path)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 3, proc.stderr
    assert "cyx: -: cannot read stdin: it is closed" in lines(proc.stderr)
    assert len(rows(tmp_path / "records.csv")) > 20


def test_closed_stdout_is_one_line_and_exit_5(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "good.txt")
    proc = _run_with_closed(1, ["extract", "good.txt", "-o", "-", "-q"], tmp_path)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 5, proc.stderr
    assert lines(proc.stderr) == ["cyx: -: cannot write to stdout: it is closed"]


def test_closed_stdin_as_the_list_of_inputs_is_a_usage_error(tmp_path: Path) -> None:
    proc = _run_with_closed(0, ["extract", "--from-list", "-"], tmp_path)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2, proc.stderr
    assert "cannot read stdin: it is closed" in proc.stderr


# --------------------------------------------------------------------------- conventions


def test_the_columns_contract_ships_with_the_project() -> None:
    """docs/OUTPUT.md lists the table's columns in order; README and help point there, and
    no README command needs the shared folder outside the clone."""
    from chaoyang_extract.records import COLUMNS

    root = SAMPLE.parent.parent
    doc = (root / "docs" / "OUTPUT.md").read_text(encoding="utf-8")
    records = doc.split("# The scorecard table")[0]  # the first table is the records'
    listed = [m.split("|")[1].strip() for m in records.splitlines() if m.startswith("| ")][1:]
    assert tuple(listed) == COLUMNS
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "docs/OUTPUT.md" in readme
    assert "../shared" not in readme and "spec/" not in readme
    from click.testing import CliRunner

    from chaoyang_extract.cli import main

    assert "docs/OUTPUT.md" in CliRunner().invoke(main, ["extract", "--help"]).stdout
