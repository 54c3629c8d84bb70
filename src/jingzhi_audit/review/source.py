"""A review file as read (YAML or Excel), before it is checked against its evidence and pack."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..evidence.source import Locator
from .model import ReviewFile


@dataclass
class ReviewSource:
    """A parsed review file: its data, where each value sits, its bytes."""

    data: ReviewFile
    locator: Locator
    raw: bytes
    path: Path

    @property
    def sha256(self) -> str:
        """The SHA-256 of the review file's bytes."""
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def evidence_path(self) -> Path:
        """The evidence file the review names, relative to the review file."""
        return self.path.parent / self.data.evidence
