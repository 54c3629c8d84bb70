"""An evidence file as read from disk, before it is checked against a pack, and the YAML reader.

Every format's reader (``evidence.formats``) returns a ``Source``: the schema-checked data, the
exact bytes read (their SHA-256 is the evidence's identity) and a locator that places a problem
at a line or a cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from .. import yamlio
from ..diagnostics import validation_problems
from ..errors import EvidenceError, InputError, Problem, Severity
from ..files import read_bytes
from .model import EvidenceFile

EVIDENCE_FILE_LIMIT = 5 * 1024 * 1024


class Locator(Protocol):
    """Where a value sits in the source (YAML lines, or Excel cells), for messages."""

    name: str

    def problem(self, loc: Any, field: str | None, message: str, severity: Severity = "error") -> Problem:
        """A problem placed at the line or cell of ``loc``."""
        ...


@dataclass
class Source:
    """A parsed, schema-checked evidence file and the bytes it was parsed from."""

    locator: Locator
    data: EvidenceFile
    raw: bytes
    encoding: str
    problems: list[Problem] = field(default_factory=list)  # found while reading; the data is still usable


def read_yaml(path: Path) -> Source:
    """Parse and schema-check a YAML evidence file."""
    try:  # read once: the SHA-256 in the result is of the very bytes that were scored
        raw = read_bytes(path, limit=EVIDENCE_FILE_LIMIT)
        doc = yamlio.load_bytes(raw, path)
    except InputError as exc:
        raise EvidenceError(exc.problems) from None
    if not isinstance(doc.data, dict):
        raise EvidenceError([doc.problem((), None, "文件顶层应为映射（“键: 值”的形式），不是评估证据文件")])
    try:
        data = EvidenceFile.model_validate(doc.data)
    except ValidationError as exc:
        raise EvidenceError(validation_problems(exc, doc, EvidenceFile)) from None
    return Source(doc, data, raw, doc.encoding)
