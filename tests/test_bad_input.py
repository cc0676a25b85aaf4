"""Bad input gets one clear line and a documented exit code; nothing good is lost.

Every case runs the real command line (click's CliRunner, or a subprocess where the
process itself matters) and checks stderr, the exit code and the files left behind.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from chaoyang_extract.cli import main
from chaoyang_extract.errors import EXIT_INPUT, EXIT_OK, EXIT_OUTPUT

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "chaoyang_2017.txt"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + bytes(64)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256))


def zip_bytes(tmp: Path) -> bytes:
    path = tmp / "x.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document>地区生产总值增长7%</w:document>")
    return path.read_bytes()


def cyx(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.output,
    )
    assert "Traceback" not in result.output
    return result


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write left behind (they start with a dot)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --------------------------------------------------------------------------- one bad input


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("image.txt", PNG, "binary file (PNG image)"),
        # Read by content: a PDF named .txt is a PDF, here a damaged one.
        ("paper.txt", PDF, "not a readable PDF (damaged?)"),
        # A ZIP holding word/document.xml is a Word file by content, here a broken one.
        ("archive.txt", None, "not a readable Word document (damaged?)"),
        ("sheet.txt", b"PK\x03\x04" + b"\x00" * 60, "binary file (ZIP archive"),
        ("garbage.txt", bytes([0x80, 0xFF, 0xFE, 0x81, 0x30, 0xC0]) * 2000, "cannot decode"),
        ("nul.txt", b"\xe5\x9c\xb0\xe5\x8c\xba\x00\x00\x00\x01" * 5000, "NUL"),
    ],
)
def test_unreadable_content_is_one_line_and_exit_3(
    tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content if content is not None else zip_bytes(tmp_path))
    result = cyx("extract", "-q", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == EXIT_INPUT
    [line] = error_lines(result)
    assert line.startswith(f"cyx: {path}: ") and reason in line


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = cyx("extract", "-q", str(missing), "-o", str(tmp_path / "out"))
    assert result.exit_code == EXIT_INPUT
    assert error_lines(result) == [f"cyx: {missing}: no such file or folder"]


def test_folder_without_txt_files(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "notes.md").write_text("地区生产总值增长7%", encoding="utf-8")
    result = cyx("extract", "-q", str(folder), "-o", str(tmp_path / "out"))
    assert result.exit_code == EXIT_INPUT
    assert error_lines(result) == [
        f"cyx: {folder}: folder holds no report files (*.txt *.html *.htm *.shtml *.pdf *.docx)"
    ]


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n\xe3\x80\x80\n"])
def test_empty_or_blank_file_is_a_warning_and_zero_rows(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    out = tmp_path / "out"
    result = cyx("extract", "-q", str(path), "-o", str(out))
    assert result.exit_code == EXIT_OK
    assert f"cyx: warning: {path}: empty file, no figures" in error_lines(result)
    assert rows(out / "blank.csv") == []
    assert pq.read_table(out / "blank.parquet").num_rows == 0


def test_empty_file_gets_exactly_one_line(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b"")
    result = cyx("extract", "-q", str(path), "-o", str(tmp_path / "out"))
    assert error_lines(result) == [f"cyx: warning: {path}: empty file, no figures"]


def test_permission_denied_real_file(tmp_path: Path) -> None:
    if IS_ROOT:
        pytest.skip("root reads any file; see the simulated test below")
    path = tmp_path / "secret.txt"
    shutil.copy(SAMPLE, path)
    path.chmod(0)
    try:
        result = cyx("extract", "-q", str(path), "-o", str(tmp_path / "out"))
    finally:
        path.chmod(0o644)
    assert result.exit_code == EXIT_INPUT
    assert error_lines(result) == [f"cyx: {path}: cannot read: permission denied"]


def test_permission_denied_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    shutil.copy(SAMPLE, path)
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "secret.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = cyx("extract", "-q", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == EXIT_INPUT
    assert error_lines(result) == [f"cyx: {path}: cannot read: permission denied"]


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder", encoding="utf-8")
    result = cyx("extract", "-q", str(SAMPLE), "-o", str(blocker / "out"))
    assert result.exit_code == EXIT_OUTPUT
    [line] = error_lines(result)
    assert str(blocker / "out") in line and "cannot write" in line
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_read_only_output_folder(tmp_path: Path) -> None:
    if IS_ROOT:
        pytest.skip("root writes into read-only folders; see the test above")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = cyx("extract", "-q", str(SAMPLE), "-o", str(out))
    finally:
        out.chmod(0o755)
    assert result.exit_code == EXIT_OUTPUT
    assert "cannot write" in result.stderr and str(out) in result.stderr


# --------------------------------------------------------------------------- several inputs


def test_good_inputs_are_still_extracted_and_written(tmp_path: Path) -> None:
    good = tmp_path / "in" / "chaoyang_2017.txt"
    good.parent.mkdir()
    shutil.copy(SAMPLE, good)
    image = tmp_path / "in" / "scan.txt"
    image.write_bytes(PNG)
    blank = tmp_path / "in" / "blank.txt"
    blank.write_bytes(b"\n\n")
    missing = tmp_path / "gone.txt"
    out = tmp_path / "out"
    result = cyx("extract", str(tmp_path / "in"), str(missing), "-o", str(out))
    assert result.exit_code == EXIT_INPUT
    stderr = result.stderr
    assert f"cyx: {image}: binary file (PNG image), not a text report" in stderr
    assert f"cyx: {missing}: no such file or folder" in stderr
    assert "2 failed" in stderr  # the summary counts them
    table = rows(out / "records.csv")
    assert {r["doc"] for r in table} == {"chaoyang_2017"}
    assert len(table) > 20
    assert pq.read_table(out / "records.parquet").num_rows == len(table)


def test_the_summary_lists_each_failure_with_its_reason(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    result = cyx("extract", str(SAMPLE), str(missing), "-o", str(tmp_path / "out"), "-v")
    assert result.exit_code == EXIT_INPUT
    assert f"failed: {missing}: no such file or folder" in error_lines(result)
    assert (tmp_path / "out" / "records.csv").exists()


def test_a_run_where_every_input_fails_keeps_the_old_table(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    shutil.copy(SAMPLE, report)
    out = tmp_path / "out"
    assert cyx("extract", "-q", str(report), "-o", str(out)).exit_code == EXIT_OK
    good = (out / "report.csv").read_bytes()
    report.write_bytes(PNG)  # the file got replaced by a scan
    result = cyx("extract", "-q", str(report), "-o", str(out))
    assert result.exit_code == EXIT_INPUT
    assert (out / "report.csv").read_bytes() == good


# --------------------------------------------------------------------------- atomic writes


@pytest.fixture
def good_table(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A folder holding a good table from an earlier run, and a new input to extract."""
    out = tmp_path / "out"
    first = tmp_path / "a" / "report.txt"
    first.parent.mkdir()
    shutil.copy(SAMPLE, first)
    assert cyx("extract", "-q", str(first), "-o", str(out)).exit_code == EXIT_OK
    second = tmp_path / "b" / "report.txt"
    second.parent.mkdir()
    # A different report under the same name: a successful run would change the table.
    second.write_text(SAMPLE.read_text(encoding="utf-8").replace("增长", "下降"), "utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == {"report.csv", "report.parquet"}
    return out, second, before


def _half_then(exc: BaseException) -> Any:
    def write_table(table: Any, where: Any, *args: Any, **kwargs: Any) -> None:
        Path(where).write_bytes(b"PAR1" + b"\x00" * 100)  # a truncated file
        raise exc

    return write_table


@pytest.mark.parametrize(
    "exc",
    [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
    ids=["disk-full", "interrupted"],
)
def test_failed_parquet_write_leaves_the_old_table(
    good_table: tuple[Path, Path, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
    exc: BaseException,
) -> None:
    out, report, before = good_table
    monkeypatch.setattr(pq, "write_table", _half_then(exc))
    result = CliRunner().invoke(main, ["extract", "-q", str(report), "-o", str(out)])
    assert result.exit_code != EXIT_OK
    if isinstance(exc, OSError):
        assert result.exit_code == EXIT_OUTPUT
        assert "No space left on device" in result.stderr
    assert (out / "report.parquet").read_bytes() == before["report.parquet"]
    assert pq.read_table(out / "report.parquet").num_rows > 0
    assert leftovers(out) == []


def test_failed_csv_write_leaves_the_old_table(
    good_table: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, report, before = good_table
    real = Path.write_text

    def write_text(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        if self.parent == out:
            real(self, data[: len(data) // 2], *args, **kwargs)
            raise OSError(errno.EIO, "Input/output error")
        return real(self, data, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    result = CliRunner().invoke(main, ["extract", "-q", str(report), "-o", str(out)])
    assert result.exit_code == EXIT_OUTPUT
    assert "Input/output error" in result.stderr
    assert (out / "report.csv").read_bytes() == before["report.csv"]
    assert leftovers(out) == []
