"""Errors that the CLI turns into one clear line and an exit code (never a traceback)."""

from __future__ import annotations


class CyxError(Exception):
    """Base class: ``str(err)`` is the one line shown to the user."""

    exit_code = 1


class InputError(CyxError):
    """A document that cannot be read or decoded."""

    exit_code = 3

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class RuleError(CyxError):
    """A rule file that does not load or validate."""

    exit_code = 4

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class OutputError(CyxError):
    """An output location that cannot be written."""

    exit_code = 5

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")
