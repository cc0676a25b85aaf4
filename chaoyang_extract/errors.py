"""Errors that the CLI turns into one clear line and an exit code (never a traceback), and
the exit codes themselves."""

from __future__ import annotations

# Exit codes (also in the README and `cyx --help`).
EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # --require unmet; `rules check` / `rules test` found problems
EXIT_USAGE = 2  # click's own code for a bad command line
EXIT_INPUT = 3  # an input could not be read or extracted; the others were still written
EXIT_RULES = 4  # a rule file did not load
EXIT_OUTPUT = 5  # the table could not be written


class CyxError(Exception):
    """Base class: ``str(err)`` is the one line shown to the user."""

    exit_code = 1


class InputError(CyxError):
    """A document that cannot be read or decoded."""

    exit_code = EXIT_INPUT

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class RuleError(CyxError):
    """A rule file that does not load or validate."""

    exit_code = EXIT_RULES

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class OutputError(CyxError):
    """An output location that cannot be written."""

    exit_code = EXIT_OUTPUT

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")
