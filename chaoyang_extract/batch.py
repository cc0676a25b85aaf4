"""Batch runs: a run's outcomes in input order, the progress bar over them, and the checks
and summary a pipeline reads afterwards.

The documents come from ``sources`` and are extracted by ``workers``. Nothing here imports
pandas or pyarrow: a run only needs them when a table is written.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from . import __version__
from .rulebook.schema import KINDS
from .sources import Failure, Source
from .workers import Options, Outcome, extract_all

if TYPE_CHECKING:
    from .extract import DocResult
    from .records import Record
    from .rulebook import RuleSet


# --------------------------------------------------------------------------- the run


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


# --------------------------------------------------------------------------- formats

# What --format accepts; outputs.py writes them. Parsed here so that a bad command line
# fails before pandas is imported and before a long extraction.
FORMATS = ("csv", "parquet", "jsonl", "xlsx")


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


# --------------------------------------------------------------------------- checks


class Requirement(NamedTuple):
    indicator: str
    kind: str | None  # None: a result or a target will do

    def __str__(self) -> str:
        return f"{self.indicator}:{self.kind}" if self.kind else self.indicator


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
        "formats": format_counts(run),
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


def format_counts(run: Run) -> dict[str, int]:
    """Documents read, by what they were (text, html, pdf, docx, doc), in that order."""
    from .formats.read import FORMATS

    seen = Counter(o.format for o in run.outcomes if o.result is not None and o.format)
    return {f: seen[f] for f in FORMATS if seen[f]}


def summary_json(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
