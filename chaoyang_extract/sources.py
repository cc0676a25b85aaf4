"""Which documents a run's inputs name: files, folders (every report file below them:
``*.txt *.html *.htm *.shtml *.pdf *.docx`` in any case, or the --glob patterns), glob
patterns, ``-`` for stdin and --from-list files, each document once and in input order,
with the inputs that name none as failures.
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import InputError

STDIN = "-"
_GLOB_CHARS = frozenset("*?[")
# The files a folder scan takes (matched without regard to case): what reports are
# published as. A .doc needs LibreOffice, so only a file or --glob names one.
REPORT_GLOBS = ("*.txt", "*.html", "*.htm", "*.shtml", "*.pdf", "*.docx")


class Failure(NamedTuple):
    """An input that gave no table rows because it could not be read or extracted."""

    path: str
    reason: str


@dataclass(frozen=True)
class Source:
    """One document to extract: ``label`` is what messages name, ``doc`` the table's key."""

    label: str
    doc: str

    @property
    def is_stdin(self) -> bool:
        return self.label == STDIN


def read_list(text: str) -> list[str]:
    """Paths of a --from-list file: one a line; blank lines and ``#`` comments skipped."""
    out = []
    for line in text.splitlines():
        item = line.strip()
        if item and not item.startswith("#"):
            out.append(item)
    return out


def read_stdin() -> bytes:
    """All of stdin; InputError("-", …) when it is closed (``<&-``) or unreadable."""
    stream = sys.stdin  # None when the process started with descriptor 0 closed
    try:
        if stream is None:
            raise OSError(errno.EBADF, "it is closed")
        return stream.buffer.read()
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if isinstance(exc, OSError) and exc.errno == errno.EBADF:
            why = "it is closed"
        raise InputError(STDIN, f"cannot read stdin: {why}") from None


def without_stdin(
    sources: Sequence[Source], failures: Sequence[Failure], error: InputError
) -> tuple[list[Source], list[Failure]]:
    """The documents and failures of a run whose stdin could not be read."""
    kept = [s for s in sources if not s.is_stdin]
    return kept, [*failures, Failure(error.path, error.message)]


def collect(
    inputs: Iterable[str], patterns: Sequence[str] = REPORT_GLOBS
) -> tuple[list[Source], list[Failure]]:
    """Inputs (files, folders, globs, ``-``) -> documents in input order, and failures.

    Folders give their files that match ``patterns`` (any case) recursively, sorted;
    globs are expanded here too because a quoted pattern, a --from-list line or Windows'
    shell leave them unexpanded. A file named twice is read once.
    """
    wanted = _matcher(patterns)
    sources: list[Source] = []
    failures: list[Failure] = []
    seen: set[str] = set()

    def add(path: Path, label: str) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            sources.append(Source(label, path.stem))

    for raw in inputs:
        if raw == STDIN:
            if STDIN in seen:
                continue
            seen.add(STDIN)
            sources.append(Source(STDIN, STDIN))
            continue
        p = Path(raw)
        if p.is_dir():
            found, unreadable = _report_files(p, wanted)
            failures.extend(unreadable)
            if not found and not unreadable:
                failures.append(
                    Failure(raw, f"folder holds no report files ({' '.join(patterns)})")
                )
            for q in found:
                add(q, str(q))
        elif p.exists():
            add(p, raw)
        elif _GLOB_CHARS & set(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                failures.append(Failure(raw, "no file matches this pattern"))
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    found, unreadable = _report_files(mp, wanted)
                    failures.extend(unreadable)
                else:
                    found = [mp]
                for q in found:
                    add(q, str(q))
        else:
            failures.append(Failure(raw, "no such file or folder"))
    return sources, failures


def _matcher(patterns: Sequence[str]) -> Callable[[str], bool]:
    """Whether a file name matches one of ``patterns``, in any case (2017.TXT, 报告.PDF)."""
    compiled = re.compile("|".join(fnmatch.translate(p.lower()) for p in patterns) or "(?!)")
    return lambda name: compiled.match(name.lower()) is not None


def _report_files(folder: Path, wanted: Callable[[str], bool]) -> tuple[list[Path], list[Failure]]:
    """The files below ``folder`` whose names are ``wanted`` (sorted), and what could not
    be looked into.

    A subfolder or file that cannot be listed or looked at may hold a report: it is a
    failure, never skipped in silence (Path.rglob would skip it). Symbolic links to
    folders are not followed, as rglob does not follow them.
    """
    found: list[Path] = []
    failures: list[Failure] = []

    def unreadable(exc: OSError) -> None:
        failures.append(Failure(str(exc.filename or folder), f"cannot read folder: {_why(exc)}"))

    for top, _dirs, files in os.walk(folder, onerror=unreadable):
        for name in files:
            if not wanted(name):
                continue
            q = Path(top, name)
            try:
                if stat.S_ISREG(q.stat().st_mode):
                    found.append(q)
            except FileNotFoundError:
                continue  # a dangling symbolic link names no report
            except OSError as exc:
                failures.append(Failure(str(q), f"cannot read: {_why(exc)}"))
    return sorted(found), sorted(failures)


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def shared_docs(sources: Sequence[Source]) -> dict[str, list[str]]:
    """``doc`` values that several files share (a/2017.txt, b/2017.txt): their rows mix."""
    by_doc: dict[str, list[str]] = {}
    for s in sources:
        by_doc.setdefault(s.doc, []).append(s.label)
    return {d: labels for d, labels in by_doc.items() if len(labels) > 1}
