"""`cyx extract`: the option checks, the batch run and the tables written; cli_summary
holds the end of the run (unmet requirements, --summary-json, the closing lines).

pandas and pyarrow are imported only when a table is written, and the batch modules only
when the command runs, so that ``cyx --help`` is quick.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, ParamSpec

import click

from .cli_common import RULES_OPTION, err
from .cli_summary import print_summary, report_unmet, write_summary_json
from .errors import (
    EXIT_CHECK_FAILED,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_RULES,
    EXIT_USAGE,
    InputError,
    OutputError,
    RuleError,
)

if TYPE_CHECKING:
    from .batch import Requirement, Run
    from .records import Record
    from .rulebook import RuleSet
    from .sources import Failure, Source
    from .workers import Options, Outcome

P = ParamSpec("P")


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
            err("interrupted")
            sys.exit(130)
        except Stopped as e:
            err(f"stopped by {e.name}")
            sys.exit(e.exit_code)

    return wrapper


@click.command()
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
@RULES_OPTION
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
    "--glob",
    "globs",
    multiple=True,
    metavar="PATTERN",
    help="File names a folder scan takes, any case; repeatable (default: *.txt *.html *.htm *.shtml *.pdf *.docx).",
)
@click.option(
    "--save-text",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Write each document's extracted text as DIR/<doc>.txt: the text the rows' start, end and quote refer to.",
)
@click.option(
    "--restated-targets",
    is_flag=True,
    help="Also give earlier years' targets that a report restates (将2019年GDP增长目标设定为7%左右 "
    "in a 2020 report), as kind target of their own year, for `cyx scorecard`.",
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
    globs: tuple[str, ...],
    save_text: str | None,
    restated_targets: bool,
    summary_json: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Extract results and targets from INPUTS: report files (text, HTML, PDF, Word),
    folders (every report file below them), glob patterns, or - for stdin.

    Writes NAME.csv (UTF-8 with BOM) and NAME.parquet in the output folder by default: one
    row per figure, one `doc` per input (docs/OUTPUT.md describes the columns). A document
    that cannot be read is named on stderr and the others are still written (exit 3).
    """
    tables = _check_tables(ctx, out_dir, name, formats, wide, partition, summary_json)
    all_inputs = _gather_inputs(inputs, lists)
    rs = _load_rules(rules_dirs)
    requirements = _parse_requirements(require, rs)
    opts = _batch_options(rules_dirs, year, region, doc_timeout, save_text, restated_targets)
    run = _run(rs, all_inputs, opts, jobs, globs, bar=not quiet)
    if tables.name is None:
        tables = tables._replace(name=_default_name(inputs, lists))
    written = _write(run, rs, tables, opts)
    unmet = report_unmet(requirements, run)
    # When several codes apply, the highest wins (README, "Exit codes").
    code = EXIT_OK
    if unmet:
        code = EXIT_CHECK_FAILED
    if run.failures:
        code = EXIT_INPUT
    if written.failed:
        code = EXIT_OUTPUT
    if summary_json is not None:
        code = write_summary_json(summary_json, run, rs, written.paths, unmet, code)
    if not quiet:
        print_summary(run, written.paths, kept=written.kept, verbose=verbose)
    if code:
        sys.exit(code)


# --------------------------------------------------------------------------- options


class _Tables(NamedTuple):
    """Which tables to write where, once the options are checked."""

    out_dir: str  # a folder, or - for stdout
    name: str | None  # None: from the inputs, once they are known
    formats: tuple[str, ...]
    wide: bool
    partition: bool

    @property
    def to_stdout(self) -> bool:
        return self.out_dir == "-"


def _check_tables(
    ctx: click.Context,
    out_dir: str,
    name: str | None,
    formats: tuple[str, ...],
    wide: bool,
    partition: bool,
    summary_json: str | None,
) -> _Tables:
    """The tables the output options ask for; a usage error (exit 2) when they conflict."""
    from click.core import ParameterSource

    from . import destination
    from .batch import parse_formats

    to_stdout = out_dir == "-"
    try:
        chosen = parse_formats(formats)
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
        err(problem)  # one line, exit 2: a --name outside -o is never written
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
    return _Tables(out_dir, name, chosen, wide, partition)


def _gather_inputs(inputs: tuple[str, ...], lists: tuple[str, ...]) -> list[str]:
    """The inputs named on the command line, then those of each --from-list file."""
    from .sources import STDIN, read_list

    all_inputs = list(inputs)
    for lst in lists:
        all_inputs.extend(read_list(_read_list_file(lst)))
    if not all_inputs:
        raise click.UsageError("give report files or folders, - for stdin, or --from-list FILE")
    if STDIN in all_inputs and STDIN in lists:
        raise click.UsageError("stdin cannot hold both the list of inputs and a report")
    return all_inputs


def _read_list_file(name: str) -> str:
    from .sources import read_stdin

    try:
        data = read_stdin() if name == "-" else Path(name).read_bytes()
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise click.BadParameter(f"cannot read {name}: {e}", param_hint="--from-list") from None
    except InputError as e:
        raise click.BadParameter(e.message, param_hint="--from-list") from None


def _load_rules(rules: Sequence[Path]) -> RuleSet:
    from .rulebook import load_rules

    try:
        return load_rules(rules)
    except RuleError as e:
        err(str(e))
        sys.exit(EXIT_RULES)


def _parse_requirements(require: str | None, rs: RuleSet) -> list[Requirement]:
    from .batch import parse_requirements

    if require is None:
        return []
    try:
        return parse_requirements(require, rs.indicators)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--require") from None


def _batch_options(
    rules_dirs: Sequence[Path],
    year: int | None,
    region: str | None,
    doc_timeout: float,
    save_text: str | None,
    restated_targets: bool = False,
) -> Options:
    from .workers import Options

    rules = tuple(str(p) for p in rules_dirs)
    return Options(rules, year, region, doc_timeout or None, save_text, restated_targets)


# --------------------------------------------------------------------------- the run


def _documents(
    inputs: Sequence[str], globs: Sequence[str]
) -> tuple[list[Source], list[Failure], bytes | None]:
    """The documents the inputs name (a folder: its files that match ``globs``, or the
    report files), the inputs that name none, and stdin's bytes when a document is stdin;
    a warning for each ``doc`` that several files share."""
    from .sources import REPORT_GLOBS, collect, read_stdin, shared_docs, without_stdin

    sources, failures = collect(inputs, globs or REPORT_GLOBS)
    for doc, labels in shared_docs(sources).items():
        err(
            f"warning: doc '{doc}' names {len(labels)} files ({', '.join(labels[:3])}{', …' if len(labels) > 3 else ''}); their rows share it"
        )
    stdin = None
    if any(s.is_stdin for s in sources):
        try:
            stdin = read_stdin()
        except InputError as e:  # `<&-`: a failed input like any other; the rest go on
            sources, failures = without_stdin(sources, failures, e)
    return sources, failures, stdin


def _run(
    rs: RuleSet,
    inputs: Sequence[str],
    opts: Options,
    jobs: int | None,
    globs: Sequence[str],
    *,
    bar: bool,
) -> Run:
    """Extracts the documents over ``jobs`` processes (a progress bar on a terminal unless
    ``bar`` is off), then names each warning and failure on stderr."""
    from .batch import progress_bar, run_batch
    from .workers import default_jobs

    sources, failures, stdin = _documents(inputs, globs)
    with progress_bar(len(sources), enabled=bar and sys.stderr.isatty()) as advance:
        run = run_batch(
            rs,
            sources,
            failures,
            opts,
            jobs=jobs or default_jobs(),
            stdin=stdin,
            progress=advance,
        )
    for o in run.outcomes:
        for w in o.warnings:
            err(f"warning: {o.source.label}: {w}")
    for f in run.failures:
        err(f"{f.path}: {f.reason}")
    return run


# --------------------------------------------------------------------------- the tables


def _default_name(inputs: Sequence[str], lists: Sequence[str]) -> str:
    """The input's stem for one input file, else 'records'."""
    one_file = len(inputs) == 1 and not lists and Path(inputs[0]).is_file()
    return Path(inputs[0]).stem if one_file else "records"


class _Written(NamedTuple):
    paths: list[str]  # - for stdout
    failed: bool  # writing failed (already reported)
    kept: bool  # no rows, and the existing tables were left as they were


def _write(run: Run, rs: RuleSet, tables: _Tables, opts: Options) -> _Written:
    """Writes the run's tables, unless no document was read although some were given."""
    from . import destination

    assert tables.name is not None
    records = run.records
    if tables.partition:
        undated = sum(1 for r in records if r.report_year is None)
        if undated:
            err(
                f"warning: {undated} row(s) have no report year; they are in "
                f"{tables.name}.parquet/undated/ with a null report_year (give --year to place them)"
            )
    # A run without rows (an empty file, nothing readable) never replaces an earlier
    # table with a header-only one: the existing files stay as they were.
    if not records and not tables.to_stdout:
        views = [tables.name, f"{tables.name}_wide"] if tables.wide else [tables.name]
        kept = destination.existing_tables(Path(tables.out_dir), views, tables.formats)
        if kept:
            err(f"warning: no rows; left {', '.join(map(str, kept))} as they were")
            return _Written([], False, True)
    if not run.results and run.failures:
        return _Written([], False, False)
    # What the run was asked for, as the tables' metadata records it.
    options = [
        (k, str(v)) for k, v in (("year", opts.year), ("region", opts.region)) if v is not None
    ]
    options += [("rules", d) for d in opts.rules_dirs]
    inputs = [o.source.label for o in run.outcomes]
    documents = [_document_info(o) for o in run.outcomes if o.format is not None]
    return _write_tables(records, tables, rs, inputs=inputs, options=options, documents=documents)


def _document_info(o: Outcome) -> dict[str, str | None]:
    """What the tables' metadata records of one document read."""
    return {
        "input": o.source.label,
        "doc": o.source.doc,
        "format": o.format,
        "title": o.title,
        "date": o.date,
    }


def _write_tables(
    records: Sequence[Record],
    tables: _Tables,
    rs: RuleSet,
    *,
    inputs: Sequence[str],
    options: Sequence[tuple[str, str]],
    documents: Sequence[Mapping[str, str | None]] = (),
) -> _Written:
    # pandas and pyarrow only now: the pool forked small workers, and a large report's
    # text is freed before the writers add their own footprint.
    from .outputs import RunInfo, write_outputs, write_stdout_csv

    assert tables.name is not None
    try:
        if tables.to_stdout:
            if sys.stdout is None:  # the process started with descriptor 1 closed (`>&-`)
                raise OutputError("-", "cannot write to stdout: it is closed")
            write_stdout_csv(records, sys.stdout.buffer)
            return _Written(["-"], False, False)
        info = RunInfo(rs.version, inputs, options, documents)
        paths = write_outputs(
            records,
            Path(tables.out_dir),
            tables.name,
            tables.formats,
            info,
            wide=tables.wide,
            partition=tables.partition,
            indicator_order=list(rs.indicators),
        )
        return _Written([str(p) for p in paths], False, False)
    except OutputError as e:
        err(str(e))
        return _Written([], True, False)
