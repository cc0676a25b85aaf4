"""The command line: ``cyx extract``, ``cyx rules``, ``cyx indicators``.

pandas and pyarrow are imported only when a table is written, so ``cyx --help`` is quick.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import CyxError, InputError, OutputError, RuleError

if TYPE_CHECKING:
    from .extract import DocResult
    from .rules import RuleSet

# Exit codes (also in the README).
EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # --require unmet; `rules check` / `rules test` found problems
EXIT_USAGE = 2  # click's own code for a bad command line
EXIT_INPUT = 3  # one or more inputs could not be read; the others were still written
EXIT_RULES = 4  # a rule file did not load
EXIT_OUTPUT = 5  # the table could not be written


def _err(msg: str) -> None:
    click.echo(f"cyx: {msg}", err=True)


def _load_rules(rules: Sequence[Path]) -> RuleSet:
    from .rules import load_rules

    try:
        return load_rules(rules)
    except RuleError as e:
        _err(str(e))
        sys.exit(EXIT_RULES)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cyx")
def main() -> None:
    """cyx: indicator tables from Chinese government work reports (政府工作报告).

    Reads reports, finds last year's results and this year's targets (GDP, investment,
    budget revenue, retail sales, incomes, jobs, unemployment, poverty counts, ...) and
    writes them as one tidy table (CSV and Parquet).

    \b
    Exit codes:
      0  all inputs extracted (an empty input is a warning, not an error)
      1  a check failed (--require unmet, `rules check` or `rules test` problems)
      2  bad command line
      3  one or more inputs could not be read (the others were still written)
      4  a rule file did not load
      5  the table could not be written
    """


def _collect(inputs: Sequence[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Input paths -> files to read, and (path, reason) for inputs that give none."""
    files: list[Path] = []
    failures: list[tuple[str, str]] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*.txt") if q.is_file())
            if not found:
                failures.append((raw, "folder holds no *.txt files"))
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            failures.append((raw, "no such file or folder"))
    return files, failures


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    "out_dir",
    default=".",
    show_default=True,
    help="Folder for the tables.",
)
@click.option(
    "--name",
    default=None,
    help="Base name of the tables (default: the input's stem for one input, else 'records').",
)
@click.option("--year", type=click.IntRange(1949, 2100), default=None, help="Report year Y (overrides the text).")
@click.option("--region", default=None, help="Reporting region, e.g. 朝阳市 (overrides the text).")
@click.option(
    "--rules",
    "rules_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule folder or file (repeatable), added to the built-in rules.",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary.")
def extract(
    inputs: tuple[str, ...],
    out_dir: str,
    name: str | None,
    year: int | None,
    region: str | None,
    rules_dirs: tuple[Path, ...],
    quiet: bool,
) -> None:
    """Extract results and targets from INPUTS (report files or folders of *.txt).

    Writes NAME.csv (UTF-8 with BOM) and NAME.parquet in the output folder: one row per
    figure, one `doc` per input (see spec/OUTPUT.md for the columns).
    """
    from .extract import extract_document
    from .reading import read_document

    rs = _load_rules(rules_dirs)
    files, failures = _collect(inputs)
    results: list[DocResult] = []
    for path in files:
        try:
            text = read_document(path)
        except InputError as e:
            failures.append((str(path), e.message))
            continue
        if not text.strip():
            _err(f"warning: {path}: empty file, no figures")
        res = extract_document(rs, text, path.stem, year=year, region=region)
        for w in res.warnings:
            _err(f"warning: {path}: {w}")
        results.append(res)

    for path_s, reason in failures:
        _err(f"{path_s}: {reason}")

    if name is None:
        name = Path(inputs[0]).stem if len(inputs) == 1 and Path(inputs[0]).is_file() else "records"
    records = [r for res in results for r in res.records]
    out = Path(out_dir)
    written: list[Path] = []
    try:
        from .table import write_csv, write_parquet

        csv_path, pq_path = out / f"{name}.csv", out / f"{name}.parquet"
        write_csv(records, csv_path)
        written.append(csv_path)
        write_parquet(records, pq_path, rs.version)
        written.append(pq_path)
    except OutputError as e:
        _err(str(e))
        sys.exit(EXIT_OUTPUT)

    if not quiet:
        _summary(results, written, failures)
    if failures:
        sys.exit(EXIT_INPUT)


def _summary(results: Sequence[DocResult], written: Sequence[Path], failures: Sequence[tuple[str, str]]) -> None:
    echo = lambda s="": click.echo(s, err=True)  # noqa: E731
    for res in results:
        kinds = Counter(r.kind for r in res.records)
        echo(
            f"{res.doc}: region {res.region or '?'}, report year {res.report_year or '?'}: "
            f"{len(res.records)} figures ({kinds['result']} results, {kinds['target']} targets)"
        )
        per: Counter[str] = Counter(r.indicator for r in res.records)
        for ind, n in sorted(per.items(), key=lambda kv: (-kv[1], kv[0])):
            echo(f"  {ind:<32} {n}")
    docs_without = sum(1 for r in results if not r.records)
    echo(
        f"{len(results)} document(s) read, {sum(len(r.records) for r in results)} rows, "
        f"{docs_without} without rows, {len(failures)} failed"
    )
    for p in written:
        echo(f"wrote {p}")


def run() -> None:
    """Entry point that turns any CyxError escaping a command into one line."""
    try:
        main(standalone_mode=True)
    except CyxError as e:
        _err(str(e))
        sys.exit(e.exit_code)


if __name__ == "__main__":
    run()


def _register_subcommands() -> None:
    # `cyx rules …` and `cyx indicators` live in their own module; registered here so
    # that both `main` and `run` see them.
    from . import cli_rules

    main.add_command(cli_rules.rules_group)
    main.add_command(cli_rules.indicators)


_register_subcommands()
