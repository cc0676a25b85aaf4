"""The end of `cyx extract`: the documents that lack a required figure, --summary-json, and
the closing lines on stderr.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from .cli_common import err
from .errors import EXIT_OUTPUT, OutputError

if TYPE_CHECKING:
    from .batch import Requirement, Run
    from .rulebook import RuleSet
    from .workers import Outcome


def report_unmet(
    requirements: Sequence[Requirement], run: Run
) -> list[tuple[Outcome, list[Requirement]]]:
    """The documents read that lack a required figure, each named on stderr."""
    from .batch import unmet

    found = unmet(requirements, run)
    for o, lacks in found:
        err(f"{o.source.label}: lacks required {', '.join(str(q) for q in lacks)}")
    return found


def write_summary_json(
    where: str,
    run: Run,
    rs: RuleSet,
    written: Sequence[str],
    unmet: Sequence[tuple[Outcome, list[Requirement]]],
    code: int,
) -> int:
    """Writes --summary-json; the exit code, which becomes EXIT_OUTPUT when that fails."""
    from . import destination
    from .batch import summary, summary_json

    data = summary(run, rules_version=rs.version, outputs=written, unmet_docs=unmet, exit_code=code)
    try:
        destination.write_summary(where, summary_json(data))
    except OutputError as e:
        err(str(e))
        return EXIT_OUTPUT
    return code


def print_summary(run: Run, written: Sequence[str], *, kept: bool, verbose: bool) -> None:
    """One line by default (errors and warnings are already out); -v adds a line per
    document and the lists behind the counts."""

    def echo(line: str) -> None:
        click.echo(line, err=True)

    results = run.results
    empty = [o.source.label for o in run.outcomes if o.result is not None and not o.result.records]
    if verbose:
        for res in results:
            kinds = Counter(r.kind for r in res.records)
            echo(
                f"{res.doc}: region {res.region or '?'}, report year {res.report_year or '?'}: "
                f"{len(res.records)} figures ({kinds['result']} results, {kinds['target']} targets)"
            )
            per: Counter[str] = Counter(r.indicator for r in res.records)
            for ind, n in sorted(per.items(), key=lambda kv: (-kv[1], kv[0])):
                echo(f"  {ind:<32} {n}")
        if empty:
            echo(f"without rows: {', '.join(empty)}")
        for f in run.failures:
            echo(f"failed: {f.path}: {f.reason}")
    if written == ["-"]:
        wrote = "wrote the table to stdout"
    elif written:
        wrote = "wrote " + ", ".join(written)
    elif kept:
        wrote = "no rows, the existing tables are kept"
    else:
        wrote = "no table written"
    from .batch import format_counts

    formats = format_counts(run)
    # A run of plain-text reports keeps its one line as it was.
    by_format = (
        ""
        if set(formats) <= {"text"}
        else " (" + ", ".join(f"{n} {f}" for f, n in formats.items()) + ")"
    )
    echo(
        f"{len(results)} document(s) read{by_format}, {sum(len(r.records) for r in results)} rows, "
        f"{len(empty)} without rows, {len(run.failures)} failed; {wrote}"
    )
