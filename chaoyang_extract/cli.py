"""The command line: ``cyx extract``, ``cyx rules``, ``cyx indicators``.

pandas and pyarrow are imported only when a table is written, so ``cyx --help`` is quick.
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec

import click

from . import __version__
from .errors import CyxError, InputError, OutputError, RuleError

if TYPE_CHECKING:
    from .batch import Run
    from .records import Record
    from .rules import RuleSet

P = ParamSpec("P")

# Exit codes (also in the README).
EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # --require unmet; `rules check` / `rules test` found problems
EXIT_USAGE = 2  # click's own code for a bad command line
EXIT_INPUT = 3  # an input could not be read or extracted; the others were still written
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
@click.version_option(__version__, "-V", "--version", prog_name="cyx")
def main() -> None:
    """cyx: indicator tables from Chinese government work reports (政府工作报告).

    Reads reports, finds last year's results and this year's targets (GDP, investment,
    budget revenue, retail sales, incomes, jobs, unemployment, poverty counts, ...) and
    writes them as one tidy table (CSV and Parquet).

    \b
    Exit codes:
      0  all inputs extracted (an empty input is a warning, not an error)
      1  a check failed (--require unmet, a `rules check` pattern too slow,
         a `rules test` example failing)
      2  bad command line
      3  one or more inputs could not be read or extracted (the others were
         still written; with none left, no table is written)
      4  a rule file did not load (also from `rules check` and `rules test`)
      5  the table could not be written
    """


def _stoppable(command: Callable[P, None]) -> Callable[P, None]:
    """Ctrl-C exits 130 and SIGTERM 143 (128 + the signal), after the writers removed
    their temporaries; exit 1 would read as a failed check."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        from .stopping import Stopped, stop_on_signals

        try:
            with stop_on_signals():
                command(*args, **kwargs)
        except KeyboardInterrupt:
            _err("interrupted")
            sys.exit(130)
        except Stopped as e:
            _err(f"stopped by {e.name}")
            sys.exit(e.exit_code)

    return wrapper


@main.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "-o",
    "--output",
    "out_dir",
    default=".",
    show_default=True,
    help="Folder for the tables; a file with a table extension (result.csv, .parquet, .jsonl, .xlsx) writes that one table; - writes CSV (without BOM) to stdout.",
)
@click.option(
    "--name",
    default=None,
    help="Base name of the tables (default: the input's stem for one input, else 'records').",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    default=("csv,parquet",),
    show_default=True,
    help="Formats to write, comma-separated or repeated: csv, parquet, jsonl, xlsx.",
)
@click.option(
    "--wide",
    is_flag=True,
    help="Also write NAME_wide.*: a row per (doc, region, year, horizon, kind, tier), a column per indicator and measure (gdp_growth) holding value_std.",
)
@click.option(
    "--partition",
    is_flag=True,
    help="Write Parquet as a folder NAME.parquet/report_year=Y/part-0.parquet (one dataset for DuckDB, Spark, pandas).",
)
@click.option(
    "--from-list",
    "lists",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
    help="File with one input path a line (- for stdin); repeatable.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to spread documents over (default: the CPU count). The table does not depend on it.",
)
@click.option(
    "--year",
    type=click.IntRange(1949, 2100),
    default=None,
    help="Report year Y (overrides the text).",
)
@click.option("--region", default=None, help="Reporting region, e.g. 朝阳市 (overrides the text).")
@click.option(
    "--rules",
    "rules_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule folder or file (repeatable), added to the built-in rules.",
)
@click.option(
    "--require",
    default=None,
    metavar="IND[:KIND],...",
    help="Exit 1 naming each document that lacks one of these figures, e.g. gdp:target,fixed_asset_investment:result.",
)
@click.option(
    "--doc-timeout",
    type=click.FloatRange(min=0),
    default=300,
    show_default=True,
    metavar="SECONDS",
    help="Fail a document that takes longer than this (the others go on); 0: no limit.",
)
@click.option(
    "--summary-json",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Write counts, failures, unmet requirements and the run's date as JSON to this file (- for stdout).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress bar and no summary (warnings and errors still show).",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also a line per document (its region, year and figures) and the files written.",
)
@click.pass_context
@_stoppable
def extract(
    ctx: click.Context,
    inputs: tuple[str, ...],
    out_dir: str,
    name: str | None,
    formats: tuple[str, ...],
    wide: bool,
    partition: bool,
    lists: tuple[str, ...],
    jobs: int | None,
    year: int | None,
    region: str | None,
    rules_dirs: tuple[Path, ...],
    require: str | None,
    doc_timeout: float,
    summary_json: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Extract results and targets from INPUTS: report files, folders (every *.txt below
    them), glob patterns, or - for stdin.

    Writes NAME.csv (UTF-8 with BOM) and NAME.parquet in the output folder by default: one
    row per figure, one `doc` per input (docs/OUTPUT.md describes the columns). A document
    that cannot be read is named on stderr and the others are still written (exit 3).
    """
    from click.core import ParameterSource

    from . import batch, destination

    to_stdout = out_dir == "-"
    try:
        chosen = batch.parse_formats(formats)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--format") from None
    explicit = ctx.get_parameter_source("formats") is not ParameterSource.DEFAULT
    try:
        dest = destination.parse_output(out_dir, name)
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    if dest.format is not None:
        if (explicit and chosen != (dest.format,)) or wide:
            raise click.UsageError(
                f"-o {out_dir} writes one {dest.format} table; drop --format/--wide or name a folder"
            )
        chosen, out_dir, name = (dest.format,), str(dest.folder), dest.name
    if name is not None and (problem := destination.name_problem(name)):
        _err(problem)  # one line, exit 2: a --name outside -o is never written
        sys.exit(EXIT_USAGE)
    if to_stdout and summary_json == "-":
        raise click.UsageError("stdout cannot hold both the table (-o -) and --summary-json -")
    if to_stdout:
        if (explicit and chosen != ("csv",)) or wide or partition:
            raise click.UsageError(
                "-o - writes only the long CSV table; drop --format/--wide/--partition or name a folder"
            )
        chosen = ("csv",)
    if partition and "parquet" not in chosen:
        raise click.UsageError("--partition needs parquet among --format")

    all_inputs = list(inputs)
    for lst in lists:
        all_inputs.extend(batch.read_list(_read_list_file(lst)))
    if not all_inputs:
        raise click.UsageError("give report files or folders, - for stdin, or --from-list FILE")
    if batch.STDIN in all_inputs and batch.STDIN in lists:
        raise click.UsageError("stdin cannot hold both the list of inputs and a report")

    rs = _load_rules(rules_dirs)
    requirements: list[batch.Requirement] = []
    if require is not None:
        try:
            requirements = batch.parse_requirements(require, rs.indicators)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--require") from None

    sources, input_failures = batch.collect(all_inputs)
    for doc, labels in batch.shared_docs(sources).items():
        _err(
            f"warning: doc '{doc}' names {len(labels)} files ({', '.join(labels[:3])}{', …' if len(labels) > 3 else ''}); their rows share it"
        )
    stdin = None
    if any(s.is_stdin for s in sources):
        try:
            stdin = batch.read_stdin()
        except InputError as e:  # `<&-`: a failed input like any other; the rest go on
            sources, input_failures = batch.without_stdin(sources, input_failures, e)
    opts = batch.Options(tuple(str(p) for p in rules_dirs), year, region, doc_timeout or None)
    with batch.progress_bar(len(sources), enabled=not quiet and sys.stderr.isatty()) as advance:
        run = batch.run_batch(
            rs,
            sources,
            input_failures,
            opts,
            jobs=jobs or batch.default_jobs(),
            stdin=stdin,
            progress=advance,
        )

    for o in run.outcomes:
        for w in o.warnings:
            _err(f"warning: {o.source.label}: {w}")
    for f in run.failures:
        _err(f"{f.path}: {f.reason}")

    if name is None:
        one_file = len(inputs) == 1 and not lists and Path(inputs[0]).is_file()
        name = Path(inputs[0]).stem if one_file else "records"
    records = run.records
    if partition:
        undated = sum(1 for r in records if r.report_year is None)
        if undated:
            _err(
                f"warning: {undated} row(s) have no report year; they are in "
                f"{name}.parquet/undated/ with a null report_year (give --year to place them)"
            )
    written: list[str] = []
    output_failed = False
    # A run without rows (an empty file, nothing readable) never replaces an earlier
    # table with a header-only one: the existing files stay as they were.
    kept: list[Path] = []
    if not records and not to_stdout:
        views = [name, f"{name}_wide"] if wide else [name]
        kept = destination.existing_tables(Path(out_dir), views, chosen)
    if kept:
        _err(f"warning: no rows; left {', '.join(map(str, kept))} as they were")
    elif run.results or not run.failures:
        written, output_failed = _write_tables(
            records,
            out_dir,
            name,
            chosen,
            rs,
            wide=wide,
            partition=partition,
            inputs=[s.label for s in sources],
            options=[(k, str(v)) for k, v in (("year", year), ("region", region)) if v is not None]
            + [("rules", str(p)) for p in rules_dirs],
        )

    unmet = batch.unmet(requirements, run)
    for o, lacks in unmet:
        _err(f"{o.source.label}: lacks required {', '.join(str(q) for q in lacks)}")

    # When several codes apply, the highest wins (README, "Exit codes").
    code = EXIT_OK
    if unmet:
        code = EXIT_CHECK_FAILED
    if run.failures:
        code = EXIT_INPUT
    if output_failed:
        code = EXIT_OUTPUT
    if summary_json is not None:
        data = batch.summary(
            run, rules_version=rs.version, outputs=written, unmet_docs=unmet, exit_code=code
        )
        try:
            destination.write_summary(summary_json, batch.summary_json(data))
        except OutputError as e:
            _err(str(e))
            code = EXIT_OUTPUT
    if not quiet:
        _summary(run, written, kept=bool(kept), verbose=verbose)
    if code:
        sys.exit(code)


def _write_tables(
    records: Sequence[Record],
    out_dir: str,
    name: str,
    formats: Sequence[str],
    rs: RuleSet,
    *,
    wide: bool,
    partition: bool,
    inputs: Sequence[str],
    options: Sequence[tuple[str, str]],
) -> tuple[list[str], bool]:
    """The files written (``-`` for stdout), and whether writing failed (already reported)."""
    # pandas and pyarrow only now: the pool forked small workers, and a large report's
    # text is freed before the writers add their own footprint.
    from .outputs import RunInfo, write_outputs, write_stdout_csv

    try:
        if out_dir == "-":
            if sys.stdout is None:  # the process started with descriptor 1 closed (`>&-`)
                raise OutputError("-", "cannot write to stdout: it is closed")
            write_stdout_csv(records, sys.stdout.buffer)
            return ["-"], False
        info = RunInfo(rules_version=rs.version, inputs=inputs, options=options)
        paths = write_outputs(
            records,
            Path(out_dir),
            name,
            formats,
            info,
            wide=wide,
            partition=partition,
            indicator_order=list(rs.indicators),
        )
        return [str(p) for p in paths], False
    except OutputError as e:
        _err(str(e))
        return [], True


def _read_list_file(name: str) -> str:
    from .batch import read_stdin

    try:
        data = read_stdin() if name == "-" else Path(name).read_bytes()
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise click.BadParameter(f"cannot read {name}: {e}", param_hint="--from-list") from None
    except InputError as e:
        raise click.BadParameter(e.message, param_hint="--from-list") from None


def _summary(run: Run, written: Sequence[str], *, kept: bool, verbose: bool) -> None:
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
    echo(
        f"{len(results)} document(s) read, {sum(len(r.records) for r in results)} rows, "
        f"{len(empty)} without rows, {len(run.failures)} failed; {wrote}"
    )


def run() -> None:
    """Entry point that turns any CyxError escaping a command into one line."""
    try:
        main(standalone_mode=True)
    except CyxError as e:
        _err(str(e))
        sys.exit(e.exit_code)


def _register_subcommands() -> None:
    # `cyx rules …` and `cyx indicators` live in their own module; registered here so
    # that both `main` and `run` see them.
    from . import cli_rules

    main.add_command(cli_rules.rules_group)
    main.add_command(cli_rules.indicators)


_register_subcommands()


if __name__ == "__main__":
    run()
