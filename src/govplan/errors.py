"""User-facing errors and the exit codes the CLI maps them to.

Every error a user can cause (a bad file, a bad rule) is a ``GovplanError``; the CLI catches the
family once and prints one line on stderr.  Anything else is a bug and exits with ``INTERNAL``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PARTIAL = 1  # batch: some documents failed, the rest were written
    USAGE = 2  # bad command line (click's own code)
    INPUT = 3  # missing, empty, binary or undecodable input file
    RULES = 4  # a rule file is invalid
    OUTPUT = 5  # the output could not be written
    INTERNAL = 70  # a bug: please report it


class GovplanError(Exception):
    """Base of every error meant for the user; ``str(err)`` is the one-line message."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(GovplanError):
    """The input document cannot be read as a plan (missing, empty, binary, undecodable)."""

    exit_code = ExitCode.INPUT


class RulesError(GovplanError):
    """A rule file is malformed; the message names the file, line and rule."""

    exit_code = ExitCode.RULES

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message, path=path)
        self.line = line

    def __str__(self) -> str:
        where = self.path or "<rules>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class OutputError(GovplanError):
    exit_code = ExitCode.OUTPUT
