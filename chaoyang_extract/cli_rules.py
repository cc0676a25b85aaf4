"""`cyx rules check`, `cyx rules test` and `cyx indicators`: rules as a product.

Users add indicators and phrasings in their own YAML files (``--rules DIR``); these
commands tell them, before any extraction, whether the files are well formed and whether
every example still gives its expected records.
"""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli_common import RULES_OPTION, err
from .errors import EXIT_CHECK_FAILED, EXIT_RULES

if TYPE_CHECKING:
    from .rulebook import Indicator, RuleSet

_DIRS = click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
_QUIET = click.option(
    "-q", "--quiet", is_flag=True, help="No summary line when all is well (problems still show)."
)


def _load_or_exit(extra: Sequence[Path]) -> RuleSet:
    """The rule set, or every problem on stderr and exit 4 (a rule file did not load)."""
    from .rulebook import collect_rules

    rs, problems = collect_rules(extra)
    if problems or rs is None:
        for p in problems:
            err(str(p))
        err(f"{len(problems)} problem(s) in the rule files; `cyx rules check` lists them")
        sys.exit(EXIT_RULES)
    return rs


@click.group("rules")
def rules_group() -> None:
    """Check and test rule files (the built-in ones plus any DIR or --rules given)."""


@rules_group.command("check")
@_DIRS
@RULES_OPTION
@_QUIET
def check(dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...], quiet: bool) -> None:
    """Validate rule files: the built-in rules plus those in DIRS (folders or files).

    Reports every problem as FILE:LINE: message (unknown keys, unknown indicator ids,
    missing examples, patterns that do not compile or lack the named groups they need,
    duplicate ids, YAML syntax, missing files, patterns too slow on adversarial text).
    Exits 4 when the files do not load (as `extract --rules` does with them), else 1
    when a pattern is too slow.
    """
    from .rulebook import collect_rules, probe_patterns

    extra = [*dirs, *rules_dirs]
    rs, problems = collect_rules(extra)
    loads = rs is not None and not problems
    if rs is not None:
        problems.extend(probe_patterns(rs))
    for p in problems:
        click.echo(str(p))
    if problems:
        files = len({p.path for p in problems})
        err(f"{len(problems)} problem(s) in {files} file(s)")
        sys.exit(EXIT_CHECK_FAILED if loads else EXIT_RULES)
    assert rs is not None
    rules = len(rs.predicates) + len(rs.clauses)
    if not quiet:
        err(f"ok: {len(rs.sources)} rule file(s), {len(rs.indicators)} indicators, {rules} rules")


@rules_group.command("test")
@_DIRS
@RULES_OPTION
@_QUIET
def test(dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...], quiet: bool) -> None:
    """Run every example of the built-in rules plus those in DIRS.

    Each example is a sentence and the records it must give, no more and no fewer. A
    failing example is shown with its expected and its actual rows; exit 1 if any fails.
    Rule files that do not load give exit 4.
    """
    from .examples import run_examples

    rs = _load_or_exit([*dirs, *rules_dirs])
    n, failures = run_examples(rs)
    for f in failures:
        click.echo(f.describe())
        click.echo()
    if failures or not quiet:
        err(f"{n} example(s), {n - len(failures)} passed, {len(failures)} failed")
    if failures:
        sys.exit(EXIT_CHECK_FAILED)


# Measures in the order a reader thinks of them, for the `measures` column.
_MEASURE_ORDER = ("level", "growth", "rate", "share", "count", "change")
# A list inside one CSV cell; no alias of the catalog contains it.
_LIST_SEP = "; "
# The same headers, in the same order, in the table and in CSV; the long aliases column
# goes last so that the short ones stay aligned.
COLUMNS = ("id", "zh", "unit_std", "measures", "aliases")


def unit_std(ind: Indicator) -> str:
    """The indicator's standard unit(s): from its units (元 -> CNY), else % or pp for an
    indicator read only as percentages; "" when any unit is accepted."""
    from .numbers import unit_info

    found: list[str] = []
    for u in sorted(ind.units):
        info = unit_info(u)
        std = info.unit_std if info is not None else u
        if std not in found:
            found.append(std)
    if found:
        # Sorted units would put 美元 (USD) before 元 (CNY) in some orders; CNY leads.
        found.sort(key=lambda s: (s != "CNY", s))
        return "/".join(found)
    percent_measures = {"growth", "rate", "share"}
    if ind.measures <= percent_measures:
        return "%"
    if ind.measures <= percent_measures | {"change"}:
        return "%/pp"
    return ""


def _rows(rs: RuleSet) -> list[tuple[str, ...]]:
    from .readable import readable

    return [
        (
            ind.id,
            ind.zh,
            unit_std(ind),
            _LIST_SEP.join(m for m in _MEASURE_ORDER if m in ind.measures),
            # A pattern alias as the names it matches, not as a regular expression.
            _LIST_SEP.join(readable(a) for a in ind.aliases),
        )
        for ind in rs.indicators.values()
    ]


def _width(s: str) -> int:
    # Han characters take two terminal columns.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, ["-" * w for w in widths], *rows]:
        cells = [c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


@click.command("indicators")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="table for reading; csv (UTF-8, lists joined by '; ') for scripts.",
)
@RULES_OPTION
@_QUIET
def indicators(fmt: str, rules_dirs: tuple[Path, ...], quiet: bool) -> None:
    """The indicator catalog: id, Chinese name, aliases, standard unit, measures.

    With --rules, the indicators of those rule files are listed too. An alias that is a
    pattern shows as a few of the names it matches and the context it needs. (-q is
    accepted, as on every command; the catalog itself is the output.)
    """
    rs = _load_or_exit(rules_dirs)
    rows = _rows(rs)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
        return
    click.echo(_table(COLUMNS, rows))
