"""An output set: the files one run writes (NAME.csv, NAME.parquet, NAME.xlsx, …) replace
the old ones together or not at all.

Every file is first written to a temporary name beside its target. Only when all of
them are written are they renamed in, under a lock on the folder (so two runs on the
same name commit one after the other, never interleaved) and with SIGINT/SIGTERM held
off (so an interrupt cannot land between two renames). A full disk or an interrupt
before that point leaves the old set as it was.

Each temporary file or folder is ``flock``-ed by its writer for as long as the writer
lives. A later run removes the temporaries that nobody holds: those of a run that was
killed (``kill -9`` runs no cleanup), never those of a run still writing.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, no cross-run guarantees
    fcntl = None  # type: ignore[assignment]

# Names of our temporaries: ".NAME.csv.<pid>-<random>.tmp" (a file or a folder) and
# ".NAME.parquet.<pid>-<random>.old" (a replaced dataset on its way out). Versions before
# the pid was part of the name wrote ".NAME.csv.<random>.tmp".
_TEMP = re.compile(r"^\..+\.(?:csv|parquet|jsonl|xlsx|json)\.(?:\d+-)?[a-z0-9_]{8}\.(?:tmp|old)$")
_HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _error(path: Path, err: OSError) -> OutputError:
    return OutputError(str(path), f"cannot write: {err.strerror or err}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def _share(path: Path, mode: int) -> None:
    # mkstemp/mkdtemp create owner-only files; a table should get the permissions any
    # other file the user writes gets.
    os.chmod(path, mode & ~_UMASK)


def _flock(fd: int, *, wait: bool) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Exclusive use of ``folder`` for committing a set or sweeping temporaries."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        _flock(fd, wait=True)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def held_signals() -> Iterator[None]:
    """SIGINT/SIGTERM/SIGHUP wait until the block ends (then they act as usual)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def sweep(folder: Path) -> list[Path]:
    """Remove the temporaries in ``folder`` that no live writer holds; the paths removed."""
    removed: list[Path] = []
    try:
        names = [n for n in os.listdir(folder) if _TEMP.match(n)]
    except OSError:
        return removed
    if not names:
        return removed
    with folder_lock(folder):
        for n in names:
            p = folder / n
            try:
                fd = os.open(p, os.O_RDONLY)
            except OSError:
                continue
            try:
                if not _flock(fd, wait=False):
                    continue  # a run is writing it
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
                removed.append(p)
            except OSError:
                pass
            finally:
                os.close(fd)
    return removed


class OutputSet:
    """Temporaries for a set of targets, renamed in together by ``commit``.

    Use as a context manager: leaving the block without ``commit`` (an error, an
    interrupt) removes every temporary and leaves the targets as they were.
    """

    def __init__(self) -> None:
        # (temporary, target, is_ours for a folder target, lock fd)
        self._parts: list[tuple[Path, Path, Callable[[Path], bool] | None, int]] = []

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self._discard()

    def file(self, target: Path) -> Path:
        """A temporary file that will become ``target``."""
        return self._new(target, None)

    def folder(self, target: Path, is_ours: Callable[[Path], bool]) -> Path:
        """A temporary folder that will become ``target``; an existing folder there is
        replaced only if ``is_ours`` says cyx wrote it."""
        return self._new(target, is_ours)

    def _new(self, target: Path, is_ours: Callable[[Path], bool] | None) -> Path:
        folder = target.parent
        prefix = f".{target.name}.{os.getpid()}-"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Created and locked under the folder lock, so that a sweep never sees it unheld.
            with folder_lock(folder):
                if is_ours is None:
                    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
                    os.close(fd)
                else:
                    name = tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=folder)
                tmp = Path(name)
                lock = os.open(tmp, os.O_RDONLY)
                _flock(lock, wait=False)
        except OSError as err:
            raise _error(target, err) from None
        self._parts.append((tmp, target, is_ours, lock))
        return tmp

    def commit(self) -> None:
        """Rename every temporary onto its target, all under one folder lock."""
        folders = sorted({target.parent.resolve() for _, target, _, _ in self._parts})
        with contextlib.ExitStack() as stack:
            for f in folders:
                stack.enter_context(folder_lock(f))
            # Checks first, so that a refusal leaves every old file in place.
            for _tmp, target, is_ours, _ in self._parts:
                is_folder = target.is_dir() and not target.is_symlink()
                if is_ours is not None and is_folder and not is_ours(target):
                    raise OutputError(
                        str(target),
                        "is a folder that holds files cyx did not write; "
                        "remove it or choose another --name",
                    )
            for tmp, target, is_ours, _ in self._parts:
                try:
                    self._finish(tmp, is_ours is not None)
                except OSError as err:
                    raise _error(target, err) from None
            with held_signals():
                for tmp, target, is_ours, _ in self._parts:
                    try:
                        self._replace(tmp, target, is_ours is not None)
                    except OSError as err:
                        raise _error(target, err) from None

    @staticmethod
    def _finish(tmp: Path, is_dir: bool) -> None:
        if not is_dir:
            _share(tmp, 0o666)
            return
        for sub, _dirs, files in os.walk(tmp):
            _share(Path(sub), 0o777)
            for f in files:
                _share(Path(sub) / f, 0o666)

    @staticmethod
    def _replace(tmp: Path, target: Path, is_dir: bool) -> None:
        if is_dir and target.is_dir() and not target.is_symlink():
            old = Path(f"{tmp.with_suffix('')}.old")
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        elif is_dir and (target.exists() or target.is_symlink()):
            target.unlink()  # a plain file of an earlier run without --partition
            os.replace(tmp, target)
        else:
            os.replace(tmp, target)

    def _discard(self) -> None:
        for tmp, _target, is_dir, lock in self._parts:
            with contextlib.suppress(OSError):
                if is_dir is not None and tmp.is_dir():
                    shutil.rmtree(tmp, ignore_errors=True)
                else:
                    tmp.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                os.close(lock)
        self._parts = []
