"""The command line: ``cyx extract``, ``cyx review``, ``cyx scorecard``, ``cyx rules``,
``cyx indicators``.

pandas and pyarrow are imported only when a table is written, so ``cyx --help`` is quick.
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .cli_common import err
from .cli_extract import extract
from .cli_review import review
from .cli_rules import indicators, rules_group
from .cli_scorecard import scorecard_cmd
from .errors import CyxError


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


main.add_command(extract)
main.add_command(rules_group)
main.add_command(indicators)
main.add_command(review)
main.add_command(scorecard_cmd)


def run() -> None:
    """Entry point that turns any CyxError escaping a command into one line."""
    try:
        main(standalone_mode=True)
    except CyxError as e:
        err(str(e))
        sys.exit(e.exit_code)


if __name__ == "__main__":
    run()
