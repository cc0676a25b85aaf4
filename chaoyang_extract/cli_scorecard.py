"""`cyx scorecard`: targets against results across report years, from cyx tables or from
reports (extracted first), written as CSV, Parquet and XLSX, with charts on request."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli_common import RULES_OPTION, err
from .errors import EXIT_INPUT, EXIT_RULES, CyxError, InputError, RuleError

if TYPE_CHECKING:
    import pandas as pd


@click.command("scorecard")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o", "--output", "out_dir", default="scorecard", show_default=True, help="Output folder."
)
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    default=0.5,
    show_default=True,
    help="How far short an 'approx' (左右) target may fall and still be met: percentage "
    "points for growth and rates, percent of the target for levels and counts.",
)
@click.option("--plot", is_flag=True, help="Also draw charts (PNG, SVG) and scorecard.html.")
@click.option("--font", default=None, help="CJK font for the charts: a file or a family name.")
@click.option("--region", default=None, help="Region of the reports (overrides their text).")
@RULES_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def scorecard_cmd(
    inputs: tuple[str, ...],
    out_dir: str,
    tolerance: float,
    plot: bool,
    font: str | None,
    region: str | None,
    rules_dirs: tuple[Path, ...],
    quiet: bool,
) -> None:
    """Pair each target a place set for year Y (report Y) with its year-Y result (report
    Y+1, or a later report that restates it) and score it met, missed or no_result.

    INPUTS are cyx tables (.csv, .parquet, .jsonl as `cyx extract` writes them) or reports
    (files, folders, globs, any format), which are extracted first. Writes
    OUT/scorecard.csv, .parquet and .xlsx: one row per (region_code, year, indicator,
    measure, tier, scope); with --plot also OUT/charts/ and OUT/scorecard.html."""
    import pandas as pd

    from .scoring import scorecard

    font_path = _font(font) if plot else None
    frames, code = _read_inputs(inputs, rules_dirs, region)
    if not frames:
        err("no records to score")
        sys.exit(code or EXIT_INPUT)
    card = scorecard(pd.concat(frames, ignore_index=True), tolerance)
    folder = Path(out_dir)
    try:
        _write(card, folder)
        if plot:
            _plot(card, folder, font_path)
    except CyxError as e:
        err(str(e))
        sys.exit(e.exit_code)
    if not quiet:
        counts = card["status"].value_counts()
        parts = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("met", "missed", "no_result"))
        click.echo(f"{len(card)} target(s): {parts}; in {folder}", err=True)
    if code:
        sys.exit(code)


def _read_inputs(
    inputs: tuple[str, ...], rules_dirs: tuple[Path, ...], region: str | None
) -> tuple[list[pd.DataFrame], int]:
    """The records of every input: tables read back, reports extracted. A bad input is
    one line on stderr and exit 3 at the end; the others are still scored."""
    from .api import extract_paths
    from .table_files import is_table, read_table

    frames: list[pd.DataFrame] = []
    code = 0
    reports = [i for i in inputs if not is_table(Path(i))]
    for name in (i for i in inputs if is_table(Path(i))):
        try:
            frames.append(read_table(Path(name)))
        except InputError as e:
            err(str(e))
            code = EXIT_INPUT
    if reports:
        import warnings

        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frames.append(
                    extract_paths(
                        reports,
                        rules=rules_dirs,
                        region=region,
                        errors="warn",
                        jobs=None,
                        restated_targets=True,
                    )
                )
        except RuleError as e:
            err(str(e))
            sys.exit(EXIT_RULES)
        for w in caught:
            err(str(w.message))
            code = EXIT_INPUT
    return [f for f in frames if len(f)], code


def _write(card: pd.DataFrame, folder: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from . import __version__
    from .outputs import RunInfo, write_xlsx
    from .table import frame_csv_text

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _out(folder, e) from None
    meta = {b"cyx_version": __version__.encode()}
    writers: dict[str, Callable[[Path], object]] = {
        "scorecard.csv": lambda p: p.write_text("\ufeff" + frame_csv_text(card), encoding="utf-8"),
        "scorecard.parquet": lambda p: pq.write_table(
            pa.Table.from_pandas(card, preserve_index=False).replace_schema_metadata(meta), p
        ),
        "scorecard.xlsx": lambda p: write_xlsx(
            card, p, RunInfo(rules_version=""), label=folder / "scorecard.xlsx", sheet="scorecard"
        ),
    }
    for name, write in writers.items():
        final = folder / name
        tmp = folder / f".{name}.tmp"
        try:
            write(tmp)
            os.replace(tmp, final)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise _out(final, e) from None


def _out(path: Path, e: OSError) -> CyxError:
    from .errors import OutputError

    return OutputError(str(path), f"cannot write: {e.strerror or e}")


def _font(font: str | None) -> Path | None:
    from .charts import find_cjk_font

    try:
        found = find_cjk_font(font)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--font") from None
    if found is None:
        err("no CJK font found (install fonts-noto-cjk or pass --font): charts label with ids")
    return found


def _plot(card: pd.DataFrame, folder: Path, font_path: Path | None) -> None:
    from .charts import plot_scorecard, scorecard_html
    from .rulebook import load_rules

    names = {i: ind.zh for i, ind in load_rules().indicators.items()}
    charts = plot_scorecard(card, folder, font=font_path, names=names)
    page = scorecard_html(card, [c for c in charts if c.suffix == ".svg"])
    try:
        (folder / "scorecard.html").write_text(page, encoding="utf-8")
    except OSError as e:
        raise _out(folder / "scorecard.html", e) from None
