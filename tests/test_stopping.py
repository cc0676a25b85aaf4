"""Issue 9: a run that is stopped (Ctrl-C, SIGTERM, kill -9) mid-batch or mid-write leaves
no live workers, no temporaries a later run keeps, and the old output set or a whole new
one; Ctrl-C exits 130 and SIGTERM 143."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SAMPLE

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# cyx with a hook that makes it slow where the test needs time to act: each document in
# the workers (forked, so they inherit the patch), or the XLSX after the other formats.
RUNNER = r"""
import os, sys, time
from chaoyang_extract import outputs, workers
ready = os.environ["READY"]
if os.environ["SLOW"] == "extract":
    real = workers.extract_source
    def slow(*args, **kwargs):
        open(ready, "a").close()
        time.sleep(0.5)
        return real(*args, **kwargs)
    workers.extract_source = slow
else:
    def slow_xlsx(*args, **kwargs):
        open(ready, "a").close()
        time.sleep(120)
    outputs.write_xlsx = slow_xlsx
from chaoyang_extract.cli import run
run()
"""

FORMATS = "csv,parquet,jsonl,xlsx"
_STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _end_started() -> Iterator[None]:
    # A failing test must not leave its cyx (or, before the fix, its workers) running.
    yield
    for proc in _STARTED:
        workers = children(proc.pid) if proc.poll() is None else []
        for pid in [proc.pid, *workers]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)
    _STARTED.clear()


def start(tmp_path: Path, slow: str, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    ready = tmp_path / f"ready-{slow}"
    ready.unlink(missing_ok=True)
    env = {**os.environ, "READY": str(ready), "SLOW": slow}
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, "extract", *args],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    _STARTED.append(proc)
    deadline = time.monotonic() + 90
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "cyx never got going"
        time.sleep(0.05)
    return proc, ready


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def wait_gone(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


@pytest.fixture
def big(tmp_path: Path, sample_text: str) -> Path:
    folder = tmp_path / "big"
    folder.mkdir()
    for i in range(40):
        (folder / f"r{i:02d}.txt").write_text(sample_text, encoding="utf-8")
    return folder


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_stopped_batch_leaves_no_live_workers(
    big: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    proc, _ = start(tmp_path, "extract", str(big), "-o", str(tmp_path / "o"), "--jobs", "2")
    workers = children(proc.pid)
    assert len(workers) == 2
    proc.send_signal(sig)
    code = proc.wait(timeout=30)
    assert wait_gone(workers) == []
    if sig == signal.SIGTERM:
        assert code == 143
        assert proc.stderr is not None and b"cyx: stopped by SIGTERM" in proc.stderr.read()
    else:
        assert code == -signal.SIGKILL
    assert not (tmp_path / "o").exists() or temporaries(tmp_path / "o") == []


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_a_signal_while_writing_keeps_the_old_set(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    out = tmp_path / "out"
    first = subprocess.run(
        [sys.executable, "-m", "chaoyang_extract.cli", "extract", str(SAMPLE), "-o", str(out),
         "--name", "t", "--format", FORMATS, "-q"],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    other = tmp_path / "other.txt"
    other.write_text(SAMPLE.read_text(encoding="utf-8") * 2, encoding="utf-8")
    proc, _ = start(tmp_path, "write", str(other), "-o", str(out), "--name", "t", "--format",
                    FORMATS, "--jobs", "1")  # fmt: skip
    # CSV, Parquet and JSON lines are in their temporaries; the XLSX is being written.
    assert len(temporaries(out)) == 4
    proc.send_signal(sig)
    assert proc.wait(timeout=30) == code
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_later_run_removes_what_a_killed_run_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [str(SAMPLE), "-o", str(out), "--name", "t", "--format", FORMATS, "--partition"]
    proc, _ = start(tmp_path, "write", *args, "--jobs", "1")
    left = temporaries(out)
    assert len(left) == 4 and any(n.startswith(".t.parquet.") for n in left)
    assert (out / left[[n.startswith(".t.parquet.") for n in left].index(True)]).is_dir()
    proc.kill()
    proc.wait(timeout=30)
    assert temporaries(out) == left  # kill -9 runs no cleanup
    done = subprocess.run(
        [sys.executable, "-m", "chaoyang_extract.cli", "extract", *args, "-q"],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert temporaries(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["t.csv", "t.jsonl", "t.parquet", "t.xlsx"]
