"""`cyx rules check`, `cyx rules test` and `cyx indicators` (placeholder until issue 4)."""

from __future__ import annotations

import click


@click.group("rules")
def rules_group() -> None:
    """Check and test rule files."""


@click.command("indicators")
def indicators() -> None:
    """The indicator catalog."""
