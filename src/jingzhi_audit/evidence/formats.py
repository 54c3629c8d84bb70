"""The one registry of evidence formats, by file suffix: what ``score``, ``validate`` and ``batch``
read as evidence. openpyxl is imported only when a workbook is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .source import Source, read_yaml


def read_workbook(path: Path) -> Source:
    """Parse and schema-check an Excel evidence workbook (the form ``audit checklist`` writes)."""
    from .workbook import read_workbook as read

    return read(path)


READERS: dict[str, Callable[[Path], Source]] = {
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".xlsx": read_workbook,
    ".xlsm": read_workbook,
}
"""Evidence formats by suffix: what ``score``, ``validate`` and ``batch`` read as evidence."""

EVIDENCE_SUFFIXES = tuple(READERS)
EXCEL_SUFFIXES = tuple(s for s, reader in READERS.items() if reader is read_workbook)


def read_source(path: Path) -> Source:
    """Parse and schema-check an evidence file in whichever format its suffix names (YAML by default)."""
    return READERS.get(path.suffix.lower(), read_yaml)(path)
