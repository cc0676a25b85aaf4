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

if TYPE_CHECKING:
    from .rules import Indicator, RuleSet

# cli.py imports this module to register the commands, so its exit codes are read at call
# time (a top-level import would be circular).


def _exit_code(name: str) -> int:
    from . import cli

    code = getattr(cli, name)
    assert isinstance(code, int)
    return code


def _err(msg: str) -> None:
    click.echo(f"cyx: {msg}", err=True)


_DIRS = click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
_RULES = click.option(
    "--rules",
    "rules_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule folder or file (repeatable), added to the built-in rules.",
)


def _load_or_exit(extra: Sequence[Path]) -> RuleSet:
    """The rule set, or every problem on stderr and exit 4 (a rule file did not load)."""
    from .rules import collect_rules

    rs, problems = collect_rules(extra)
    if problems or rs is None:
        for p in problems:
            _err(str(p))
        _err(f"{len(problems)} problem(s) in the rule files; `cyx rules check` lists them")
        sys.exit(_exit_code("EXIT_RULES"))
    return rs


@click.group("rules")
def rules_group() -> None:
    """Check and test rule files (the built-in ones plus any DIR or --rules given)."""


@rules_group.command("check")
@_DIRS
@_RULES
def check(dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...]) -> None:
    """Validate rule files: the built-in rules plus those in DIRS (folders or files).

    Reports every problem as FILE:LINE: message (unknown keys, unknown indicator ids,
    missing examples, patterns that do not compile or lack the named groups they need,
    duplicate ids, YAML syntax, patterns too slow on adversarial text) and exits 1 if
    there is any.
    """
    from .rules import check_rules

    extra = [*dirs, *rules_dirs]
    problems = check_rules(extra)
    for p in problems:
        click.echo(str(p))
    if problems:
        files = len({p.path for p in problems})
        _err(f"{len(problems)} problem(s) in {files} file(s)")
        sys.exit(_exit_code("EXIT_CHECK_FAILED"))
    from .rules import load_rules

    rs = load_rules(extra)
    rules = len(rs.predicates) + len(rs.clauses)
    _err(f"ok: {len(rs.sources)} rule file(s), {len(rs.indicators)} indicators, {rules} rules")


@rules_group.command("test")
@_DIRS
@_RULES
def test(dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...]) -> None:
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
    _err(f"{n} example(s), {n - len(failures)} passed, {len(failures)} failed")
    if failures:
        sys.exit(_exit_code("EXIT_CHECK_FAILED"))


# Measures in the order a reader thinks of them, for the `measures` column.
_MEASURE_ORDER = ("level", "growth", "rate", "share", "count", "change")
# A list inside one CSV cell; no alias of the catalog contains it.
_LIST_SEP = "; "
COLUMNS = ("id", "zh", "aliases", "unit_std", "measures")


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
    return [
        (
            ind.id,
            ind.zh,
            _LIST_SEP.join(ind.aliases),
            unit_std(ind),
            _LIST_SEP.join(m for m in _MEASURE_ORDER if m in ind.measures),
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
@_RULES
def indicators(fmt: str, rules_dirs: tuple[Path, ...]) -> None:
    """The indicator catalog: id, Chinese name, aliases, standard unit, measures.

    With --rules, the indicators of those rule files are listed too.
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
    # The long aliases column goes last so that the short ones stay aligned.
    order = (0, 1, 3, 4, 2)
    header = ("id", "name", "standard unit", "measures", "aliases")
    click.echo(_table(header, [tuple(r[i] for i in order) for r in rows]))
