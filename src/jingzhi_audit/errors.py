"""One exception hierarchy, each error carrying Chinese messages a person can act on.

Core code raises these and never prints or exits; the CLI is the only place that turns them into
text on stderr and an exit code (see ``cli._error_boundary``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Exit codes, documented in the README ("退出码").
EXIT_OK = 0
EXIT_INVALID = 1  # invalid input, failed validation, --fail-under not met, failures in a batch
EXIT_USAGE = 2  # wrong command-line usage (typer/click's own code)
EXIT_ENVIRONMENT = 3  # a system package or optional library is missing
EXIT_INTERRUPTED = 130

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one input file, at one line, in one field."""

    file: str
    line: int | None
    field: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        """``file:line: field: message``."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"

    def as_dict(self) -> dict[str, object]:
        """The problem as JSON data (``audit validate --format json``)."""
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


class AuditError(Exception):
    """Base of every error the tool reports to a person."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(AuditError):
    """An input file is unreadable or invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = [p for p in problems if p.severity == "error"] or problems
        super().__init__(summary or "\n".join(str(p) for p in self.problems))


class PackError(InputError):
    """A rule pack is unreadable or invalid."""


class EvidenceError(InputError):
    """An evidence file is unreadable or invalid."""


class ResultError(InputError):
    """A saved result JSON is unreadable or not a result of this tool."""


class UsageError(AuditError):
    """The command line asks for something impossible (a format that cannot go to that file …)."""

    exit_code = EXIT_USAGE


class OutputError(AuditError):
    """An output cannot be written (it exists, or its folder is not writable)."""


class SetupError(AuditError):
    """A system package or optional library the command needs is missing."""

    exit_code = EXIT_ENVIRONMENT


class ReportError(AuditError):
    """A report could not be rendered."""


class ArchiveError(AuditError):
    """The assessment archive cannot be opened, is of a newer version, or lacks what was asked."""


class LedgerError(AuditError):
    """A 整改台账 (rectification ledger) workbook is unreadable or filled in wrongly."""
