"""Batch runs: which documents the inputs name, extracting them over a process pool, and
the checks and summary a pipeline reads afterwards.

Nothing here imports pandas or pyarrow: a run only needs them when a table is written.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import signal
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import __version__
from .errors import InputError

if TYPE_CHECKING:
    from .extract import DocResult
    from .records import Record
    from .rules import RuleSet

STDIN = "-"
_GLOB_CHARS = frozenset("*?[")
# What --format accepts; outputs.py writes them. Parsed here so that a bad command line
# fails before pandas is imported and before a long extraction.
FORMATS = ("csv", "parquet", "jsonl", "xlsx")


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


@dataclass
class Outcome:
    source: Source
    result: DocResult | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Run:
    """Everything a batch produced, in input order whatever the number of processes."""

    outcomes: list[Outcome]
    failures: list[Failure]  # unusable inputs first (no such file …), then failed documents

    @property
    def results(self) -> list[DocResult]:
        return [o.result for o in self.outcomes if o.result is not None]

    @property
    def records(self) -> list[Record]:
        return [r for res in self.results for r in res.records]


# --------------------------------------------------------------------------- inputs


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


def collect(inputs: Iterable[str]) -> tuple[list[Source], list[Failure]]:
    """Inputs (files, folders, globs, ``-``) -> documents in input order, and failures.

    Folders give their ``*.txt`` files recursively, sorted; globs are expanded here too
    because a quoted pattern, a --from-list line or Windows' shell leave them unexpanded.
    A file named twice is read once.
    """
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
            found, unreadable = _txt_files(p)
            failures.extend(unreadable)
            if not found and not unreadable:
                failures.append(Failure(raw, "folder holds no *.txt files"))
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
                    found, unreadable = _txt_files(mp)
                    failures.extend(unreadable)
                else:
                    found = [mp]
                for q in found:
                    add(q, str(q))
        else:
            failures.append(Failure(raw, "no such file or folder"))
    return sources, failures


def _txt_files(folder: Path) -> tuple[list[Path], list[Failure]]:
    """The ``*.txt`` files below ``folder`` (sorted), and what could not be looked into.

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
            if not name.endswith(".txt"):
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


def parse_formats(values: Iterable[str]) -> tuple[str, ...]:
    """``csv,xlsx`` (or repeated options) -> formats in canonical order; ValueError names a bad one."""
    chosen: set[str] = set()
    for v in values:
        for f in v.split(","):
            f = f.strip().lower()
            if not f:
                continue
            if f not in FORMATS:
                raise ValueError(f"unknown format '{f}' (choose from {', '.join(FORMATS)})")
            chosen.add(f)
    if not chosen:
        raise ValueError(f"name at least one format of {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in chosen)


# --------------------------------------------------------------------------- extraction


@dataclass(frozen=True)
class Options:
    rules_dirs: tuple[str, ...] = ()
    year: int | None = None
    region: str | None = None
    # Seconds one document may take (--doc-timeout); None: no limit.
    doc_timeout: float | None = None


def extract_source(
    rs: RuleSet, source: Source, opts: Options, data: bytes | None = None
) -> Outcome:
    """Read and extract one document; every problem becomes the outcome's one-line error,
    and so does running over ``opts.doc_timeout``."""
    from .budget import DocTimeout, time_budget

    try:
        with time_budget(opts.doc_timeout):
            return _extract_source(rs, source, opts, data)
    except DocTimeout:
        return Outcome(source, error=f"took over {opts.doc_timeout:g} s (--doc-timeout); skipped")


def _extract_source(rs: RuleSet, source: Source, opts: Options, data: bytes | None) -> Outcome:
    from .extract import DocResult, extract_document
    from .reading import decode_bytes, read_document

    out = Outcome(source)
    try:
        text = (
            decode_bytes(data or b"", STDIN)
            if source.is_stdin
            else read_document(Path(source.label))
        )
    except InputError as e:
        out.error = e.message
        return out
    if not text.strip():
        # Nothing to analyse: one warning, not also "report year / region not found".
        out.warnings.append("empty file, no figures")
        out.result = DocResult(source.doc, [], opts.year, opts.region)
        return out
    try:
        res = extract_document(rs, text, source.doc, year=opts.year, region=opts.region)
    except Exception as e:  # noqa: BLE001 - one odd report must not stop a batch of thousands
        out.error = f"extraction failed ({type(e).__name__}: {e})"
        return out
    out.warnings.extend(res.warnings)
    out.result = res
    return out


# Set in each worker process by _init_worker, so that rules are loaded and compiled once
# per process rather than once per document.
_WORKER: tuple[RuleSet, Options] | None = None


def _init_worker(opts: Options, parent: int) -> None:
    global _WORKER
    from .rules import load_rules
    from .stopping import die_with_parent

    # Ctrl-C reaches the whole process group; the parent alone decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's SIGTERM handler unwinds the parent; a worker just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)
    _WORKER = (load_rules([Path(d) for d in opts.rules_dirs]), opts)


def _work(chunk: list[tuple[int, Source]]) -> list[tuple[int, Outcome]]:
    assert _WORKER is not None, "worker not initialised"
    rs, opts = _WORKER
    return [(i, extract_source(rs, src, opts)) for i, src in chunk]


def default_jobs() -> int:
    return os.cpu_count() or 1


def extract_all(
    rs: RuleSet,
    sources: Sequence[Source],
    opts: Options,
    *,
    jobs: int = 1,
    stdin: bytes | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Outcome]:
    """Outcomes in the order of ``sources``; ``progress`` is told how many documents just finished.

    With ``jobs`` > 1 the documents go to a process pool in small chunks; stdin, read by
    the caller, is extracted here in this process.
    """
    outcomes: list[Outcome | None] = [None] * len(sources)

    def done(i: int, o: Outcome) -> None:
        outcomes[i] = o

    indexed = list(enumerate(sources))
    files = [(i, s) for i, s in indexed if not s.is_stdin]
    for i, s in indexed:
        if s.is_stdin:
            done(i, extract_source(rs, s, opts, stdin))
            if progress:
                progress(1)
    workers = min(jobs, len(files))
    if workers <= 1:
        for i, s in files:
            done(i, extract_source(rs, s, opts))
            if progress:
                progress(1)
    else:
        _extract_in_pool(files, opts, workers, done, progress)
    assert all(o is not None for o in outcomes)
    return [o for o in outcomes if o is not None]


def _extract_in_pool(
    files: list[tuple[int, Source]],
    opts: Options,
    workers: int,
    done: Callable[[int, Outcome], None],
    progress: Callable[[int], None] | None,
) -> None:
    # Small chunks keep the bar moving and the processes evenly loaded; not so small
    # that pickling dominates.
    size = max(1, min(8, len(files) // (workers * 8)))
    todo = files
    while todo:
        chunks = [todo[k : k + size] for k in range(0, len(todo), size)]
        broken = _pool_pass(chunks, opts, workers, done, progress)
        # A worker that dies (a crash in a C extension, the OOM killer) takes every
        # unfinished chunk with it. Chunks go to the workers in order, so the culprit is in
        # one of the first workers + 1 unfinished ones: run those documents each in a
        # process of its own, so that only the culprit fails, and the rest again.
        suspects = [item for chunk in broken[: workers + 1] for item in chunk]
        for i, src in suspects:
            done(i, _extract_alone(src, opts))
            if progress:
                progress(1)
        todo = [item for chunk in broken[workers + 1 :] for item in chunk]


def _pool_pass(
    chunks: list[list[tuple[int, Source]]],
    opts: Options,
    workers: int,
    done: Callable[[int, Outcome], None],
    progress: Callable[[int], None] | None,
) -> list[list[tuple[int, Source]]]:
    """Extract the chunks in a pool; the chunks lost to a dead worker, in order."""
    broken: list[int] = []
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(opts, os.getpid())
    ) as pool:
        futures = {pool.submit(_work, c): k for k, c in enumerate(chunks)}
        try:
            for fut in as_completed(futures):
                k = futures[fut]
                try:
                    outcomes = fut.result()
                except BrokenProcessPool:
                    broken.append(k)
                    continue
                for i, o in outcomes:
                    done(i, o)
                if progress:
                    progress(len(chunks[k]))
        except BaseException:
            # Interrupted: end the workers now rather than wait for their chunks.
            _end_workers(pool)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [chunks[k] for k in sorted(broken)]


def _end_workers(pool: ProcessPoolExecutor) -> None:
    procs = getattr(pool, "_processes", None) or {}  # private, but the only handle
    for p in list(procs.values()):
        with contextlib.suppress(OSError, AttributeError):
            p.kill()


def _extract_alone(source: Source, opts: Options) -> Outcome:
    with ProcessPoolExecutor(
        max_workers=1, initializer=_init_worker, initargs=(opts, os.getpid())
    ) as pool:
        try:
            return pool.submit(_work, [(0, source)]).result()[0][1]
        except BrokenProcessPool:
            return Outcome(source, error="extraction failed (its worker process died)")
        except BaseException:
            _end_workers(pool)
            raise


def run_batch(
    rs: RuleSet,
    sources: Sequence[Source],
    failures: Sequence[Failure],
    opts: Options,
    *,
    jobs: int = 1,
    stdin: bytes | None = None,
    progress: Callable[[int], None] | None = None,
) -> Run:
    outcomes = extract_all(rs, sources, opts, jobs=jobs, stdin=stdin, progress=progress)
    failed = [Failure(o.source.label, o.error) for o in outcomes if o.error is not None]
    return Run(outcomes, [*failures, *failed])


@contextlib.contextmanager
def progress_bar(total: int, *, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich bar on stderr, or None when disabled; the bar vanishes when the block ends."""
    if not enabled or total == 0:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    # No auto-refresh: its thread would be running when the pool forks its workers.
    bar = Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    )
    task = bar.add_task("extract", total=total)
    last = 0.0

    def advance(n: int) -> None:
        nonlocal last
        bar.advance(task, n)
        now = time.monotonic()
        if now - last > 0.1 or bar.finished:
            last = now
            bar.refresh()

    with bar:
        bar.refresh()
        yield advance


# --------------------------------------------------------------------------- checks


class Requirement(NamedTuple):
    indicator: str
    kind: str | None  # None: a result or a target will do

    def __str__(self) -> str:
        return f"{self.indicator}:{self.kind}" if self.kind else self.indicator


KINDS = ("result", "target")


def parse_requirements(spec: str, known: Iterable[str]) -> list[Requirement]:
    """``gdp:target,fixed_asset_investment:result`` -> requirements; ValueError names a bad item."""
    catalog = set(known)
    out: list[Requirement] = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        ind, _, kind = item.partition(":")
        if ind not in catalog:
            raise ValueError(f"'{ind}' is not a catalog indicator (see `cyx indicators`)")
        if kind and kind not in KINDS:
            raise ValueError(f"'{item}': the kind after ':' must be result or target")
        req = Requirement(ind, kind or None)
        if req not in out:
            out.append(req)
    if not out:
        raise ValueError("name at least one indicator, e.g. gdp:target")
    return out


def missing(requirements: Sequence[Requirement], records: Iterable[Record]) -> list[Requirement]:
    have = {(r.indicator, r.kind) for r in records} | {(r.indicator, None) for r in records}
    return [q for q in requirements if (q.indicator, q.kind) not in have]


def unmet(requirements: Sequence[Requirement], run: Run) -> list[tuple[Outcome, list[Requirement]]]:
    """Documents that were read but lack a required figure (failed ones are reported as such)."""
    out = []
    for o in run.outcomes:
        if o.result is not None:
            lacks = missing(requirements, o.result.records)
            if lacks:
                out.append((o, lacks))
    return out


def summary(
    run: Run,
    *,
    rules_version: str,
    outputs: Sequence[str],
    unmet_docs: Sequence[tuple[Outcome, list[Requirement]]],
    exit_code: int,
) -> dict[str, object]:
    """The --summary-json document: counts, reasons, and the run's date (the one field
    that varies between reruns; the tables themselves carry no date)."""
    import datetime

    results = run.results
    return {
        "cyx_version": __version__,
        "rules_version": rules_version,
        "created": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "exit_code": exit_code,
        "documents": len(run.outcomes),
        "documents_read": len(results),
        "rows": sum(len(r.records) for r in results),
        "documents_without_rows": [
            o.source.label for o in run.outcomes if o.result is not None and not o.result.records
        ],
        "failures": [{"path": f.path, "reason": f.reason} for f in run.failures],
        "unmet_requirements": [
            {"path": o.source.label, "doc": o.source.doc, "lacks": [str(q) for q in lacks]}
            for o, lacks in unmet_docs
        ],
        "outputs": list(outputs),
    }


def summary_json(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
