"""Extracting documents: each within its --doc-timeout, in this process or spread over
worker processes, so that one document that fails, hangs or kills its worker costs only
itself.

Nothing here imports pandas or pyarrow: a run only needs them when a table is written.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .sources import STDIN, Source

if TYPE_CHECKING:
    from .extract import DocResult
    from .rulebook import RuleSet


@dataclass(frozen=True)
class Options:
    """What every document of a run is extracted with (also in each worker process)."""

    rules_dirs: tuple[str, ...] = ()
    year: int | None = None
    region: str | None = None
    # Seconds one document may take (--doc-timeout); None: no limit.
    doc_timeout: float | None = None
    # --save-text: the folder that gets each document's extracted text as <doc>.txt.
    save_text: str | None = None
    # --restated-targets: earlier years' targets a report restates, as those years' targets.
    restated_targets: bool = False


@dataclass
class Outcome:
    """One document's result, or the one-line error that replaced it, and its warnings."""

    source: Source
    result: DocResult | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    # What the file was ("text", "html", "pdf", "docx", "doc"; None: not read), and what
    # it says of its own title and date.
    format: str | None = None
    title: str | None = None
    date: str | None = None


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
    from .extract import DocResult, document_metadata, extract_document
    from .formats.read import read_bytes, read_file

    out = Outcome(source)
    try:
        got = read_bytes(data or b"", STDIN) if source.is_stdin else read_file(Path(source.label))
    except InputError as e:
        out.error = e.message
        return out
    out.format, out.title, out.date = got.format, got.title, got.date
    text = got.text
    if opts.save_text is not None:
        _save_text(Path(opts.save_text), source.doc, text, out)
    if not text.strip():
        # Nothing to analyse: one warning, not also "report year / region not found".
        out.warnings.append("empty file, no figures")
        out.result = DocResult(source.doc, [], opts.year, opts.region)
        return out
    try:
        res = extract_document(
            rs,
            text,
            source.doc,
            year=opts.year,
            region=opts.region,
            metadata=document_metadata(got.title, got.date),
            restated_targets=opts.restated_targets,
        )
    except Exception as e:  # noqa: BLE001 - one odd report must not stop a batch of thousands
        out.error = f"extraction failed ({type(e).__name__}: {e})"
        return out
    out.warnings.extend(res.warnings)
    out.result = res
    return out


def _save_text(folder: Path, doc: str, text: str, out: Outcome) -> None:
    """--save-text: the text the rows' offsets and quotes refer to, as ``<doc>.txt``
    (UTF-8, line ends as read); a failure is this document's warning, not its end."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{doc}.txt").write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        out.warnings.append(f"could not save its text in {folder}: {exc.strerror or exc}")


# Set in each worker process by _init_worker, so that rules are loaded and compiled once
# per process rather than once per document.
_WORKER: tuple[RuleSet, Options] | None = None


def _init_worker(opts: Options, parent: int) -> None:
    global _WORKER
    from .rulebook import load_rules
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
