"""`cyx review`: a review page for each report (its text with every record marked, the
records beside it, the frame that placed them), and an index for a batch."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_common import RULES_OPTION, err
from .errors import EXIT_INPUT, EXIT_OUTPUT, EXIT_RULES, InputError, RuleError


@click.command("review")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o", "--output", "out_dir", default="review", show_default=True, help="Folder for the pages."
)
@click.option("--year", type=click.IntRange(1949, 2100), default=None, help="Report year Y.")
@click.option("--region", default=None, help="Reporting region (overrides the text).")
@RULES_OPTION
@click.option("--glob", "globs", multiple=True, metavar="PATTERN", help="As for extract.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def review(
    inputs: tuple[str, ...],
    out_dir: str,
    year: int | None,
    region: str | None,
    rules_dirs: tuple[Path, ...],
    globs: tuple[str, ...],
    quiet: bool,
) -> None:
    """Write OUT/<doc>.html for each report in INPUTS (files, folders, globs, any format):
    its text as cyx read it with every record's quote marked (results and targets in two
    colours, stretch targets and estimates marked), a table of the records (click a row to
    find its quote, a mark to see its record), and the report year, region and parts found.
    A batch also gets OUT/index.html. Each page opens from the file, without a network."""
    from .extract import document_metadata, extract_document
    from .formats.read import read_file
    from .review import IndexEntry, figure_pattern, index_page, review_page, unread_figures
    from .rulebook import load_rules
    from .sources import REPORT_GLOBS, collect

    try:
        rs = load_rules(rules_dirs)
    except RuleError as e:
        err(str(e))
        sys.exit(EXIT_RULES)
    core = [a for ind in rs.indicators.values() if ind.core for a in ind.aliases]
    figure = figure_pattern(rs)
    sources, failures = collect(inputs, globs or REPORT_GLOBS)
    folder = Path(out_dir)
    entries: list[IndexEntry] = []
    code = EXIT_INPUT if failures else 0
    for f in failures:
        err(f"{f.path}: {f.reason}")
    for src in sources:
        page = f"{src.doc}.html"
        try:
            got = read_file(Path(src.label))
            res = extract_document(
                rs, got.text, src.doc, year=year, region=region,
                metadata=document_metadata(got.title, got.date),
            )  # fmt: skip
        except InputError as e:
            err(f"{src.label}: {e.message}")
            entries.append(IndexEntry(page, None, e.message))
            code = EXIT_INPUT
            continue
        unread = unread_figures(got.text, res.records, core, figure)
        _write(folder / page, review_page(res, got.text, src.label, unread))
        entries.append(IndexEntry(page, res, unread=len(unread)))
    if len(sources) > 1:
        _write(folder / "index.html", index_page(entries))
    if not quiet:
        done = sum(1 for e in entries if e.result is not None)
        click.echo(f"{done} review page(s) in {folder}", err=True)
    if code:
        sys.exit(code)


def _write(path: Path, page: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    except OSError as e:
        err(f"{path}: cannot write: {e.strerror or e}")
        sys.exit(EXIT_OUTPUT)
