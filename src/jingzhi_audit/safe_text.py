"""Text from evidence made safe for each kind of output: data, never a formula or an escape.

* Terminal: control characters (ESC and the rest of C0/C1, except tab and newline) are shown as
  ``\\x1b``, so a name cannot recolour, move the cursor or retitle the terminal.
* Spreadsheets: characters XML cannot hold are shown the same way (openpyxl would refuse the whole
  workbook); a text that Excel, WPS or LibreOffice would read as a formula (it starts with
  ``= + - @``, tab or CR: OWASP "CSV injection") is written as a text cell (``data_type = "s"``),
  and in CSV behind a leading ``'``. The cell's value stays the text itself, so it reads back unchanged.
"""

from __future__ import annotations

import re
from typing import Any

_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def for_terminal(text: str) -> str:
    """``text`` with every control character except tab and newline shown as ``\\xNN``."""
    return _TERMINAL_UNSAFE.sub(_escape, text)


def for_xml(text: str) -> str:
    """``text`` without the characters an XML file (a workbook) cannot hold, shown as ``\\xNN``."""
    return _XML_ILLEGAL.sub(_escape, text)


def formula_like(text: str) -> bool:
    """Whether a spreadsheet program would take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


def cell_value(value: Any) -> Any:
    """A value ready for an openpyxl cell (texts cleaned; see ``guard_cell`` for the type)."""
    return for_xml(value) if isinstance(value, str) else value


def guard_cell(cell: Any) -> None:
    """Make a formula-like text in an openpyxl cell a plain text cell, its value unchanged."""
    if isinstance(cell.value, str) and formula_like(cell.value):
        cell.data_type = "s"


def guard_workbook(book: Any) -> None:
    """``guard_cell`` for every cell of every sheet of ``book`` (just before it is saved)."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                guard_cell(cell)


def csv_value(value: Any) -> Any:
    """A CSV field: texts cleaned, and a formula-like text behind ``'`` so it opens as text."""
    if not isinstance(value, str):
        return value
    text = for_xml(value)
    return "'" + text if formula_like(text) else text
