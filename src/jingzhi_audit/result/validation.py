"""The outcome of validating one target (a pack, a vocabulary, a crosswalk, an evidence or review file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..errors import Problem

TargetKind = Literal["pack", "vocabulary", "crosswalk", "evidence", "review", "unknown"]


@dataclass
class TargetReport:
    """The outcome of validating one pack or one evidence file."""

    path: str
    kind: TargetKind
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""
    files: list[str] = field(default_factory=list)  # every file checked, for per-file reports
    details: dict[str, object] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the target invalid."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Hints that do not fail validation (unless ``--strict``)."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        """No errors."""
        return not self.errors
