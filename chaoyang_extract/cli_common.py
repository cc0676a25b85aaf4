"""What every `cyx` command shares: the one-line message on stderr and the --rules option.

Only click is imported here, so that ``cyx --help`` stays quick.
"""

from __future__ import annotations

from pathlib import Path

import click


def err(msg: str) -> None:
    """One line on stderr, prefixed ``cyx:`` as every message of the command line is."""
    click.echo(f"cyx: {msg}", err=True)


# click makes a new option each time this decorates a command.
RULES_OPTION = click.option(
    "--rules",
    "rules_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule folder or file (repeatable), added to the built-in rules.",
)
