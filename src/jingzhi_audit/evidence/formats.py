"""The one registry of evidence formats, by file suffix: what ``score``, ``validate`` and ``batch``
read as evidence. openpyxl is imported only when a workbook is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import EvidenceError, Problem
from ..files import display_path
from .source import Source, read_yaml


def read_workbook(path: Path) -> Source:
    """Parse and schema-check an Excel evidence workbook (the form ``audit checklist`` writes)."""
    from .workbook import read_workbook as read

    return read(path)


def read_ods(path: Path) -> Source:
    """A LibreOffice/WPS ``.ods`` checklist, converted by LibreOffice, then read as a workbook."""
    from .office import read_office

    return read_office(path)


READERS: dict[str, Callable[[Path], Source]] = {
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".xlsx": read_workbook,
    ".xlsm": read_workbook,
    ".ods": read_ods,
}
"""Evidence formats by suffix: what ``score``, ``validate`` and ``batch`` read as evidence."""

EVIDENCE_SUFFIXES = tuple(READERS)
EXCEL_SUFFIXES = tuple(s for s, reader in READERS.items() if reader is read_workbook)


def refusal(path: Path) -> str | None:
    """Why ``path`` cannot be evidence because of its format (and what to do instead), or None."""
    from .office import REFUSED

    message = REFUSED.get(path.suffix.lower())
    return f"不能读取 {path.suffix} 文件。{message}" if message else None


def parse_source(path: Path) -> Source:
    """Parse and schema-check an evidence file in whichever format its suffix names (YAML by default).

    Problems that leave the data usable (a workbook cell that could not be read) come back in
    ``Source.problems``, so that the pack's checks still run and every problem is listed at once.
    """
    refused = refusal(path)
    if refused is not None:
        raise EvidenceError([Problem(display_path(path), None, None, refused)])
    return READERS.get(path.suffix.lower(), read_yaml)(path)


def read_source(path: Path) -> Source:
    """``parse_source``, with any problem raised."""
    source = parse_source(path)
    if source.problems:
        raise EvidenceError(source.problems)
    return source
