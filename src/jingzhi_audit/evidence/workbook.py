"""Read a filled-in checklist workbook as an evidence file; problems name the sheet and cell.

People fill forms in Excel or WPS the way people do: Chinese status words with spaces around
them, blank rows, ``93%`` typed as text or as a percentage, numbers typed as text. All of that is
accepted; anything else is refused with ``评估表!H37: 状态「已完成」不是可选值`` and the like.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..diagnostics import validation_problems
from ..errors import EvidenceError, InputError, Problem, Severity
from ..files import display_path, read_bytes
from ..yamlio import MAX_TEXT, Loc, deepest, number_problem
from .facts import NestError, nest
from .model import EvidenceFile, status_of
from .source import Source
from .workbook_layout import (
    BONUS,
    CLAUSE_COLUMNS,
    CLAUSES,
    INFO,
    INFO_COLUMNS,
    text_to_attachment,
    text_to_explanation,
)

WORKBOOK_LIMIT = 20 * 1024 * 1024
HEADER_CHANGED = "表头被改动"
# Only explicit yes marks count as met: in Chinese forms x and × mean 否, not a tick.
TICKED = {"✓", "√", "✔", "☑", "1", "是", "y", "yes", "●", "对"}
UNTICKED = {"", "否", "0", "n", "no", "x", "×", "✗", "✘", "☐"}


class XlsxLocator:
    """Where each value of the evidence data sits in the workbook (sheet and cell)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.data: dict[str, Any] = {}
        self.cells: dict[Loc, str] = {}

    def place(self, loc: Loc, sheet: str, column: int, row: int) -> None:
        """Remember the cell of ``loc``."""
        self.cells[loc] = _ref(sheet, column, row)

    def problem(self, loc: Any, field: str | None, message: str, severity: Severity = "error") -> Problem:
        """A problem placed at the cell of ``loc``."""
        return Problem(self.name, None, deepest(self.cells, loc) or field, message, severity)


def read_workbook(path: Path, *, name: str | None = None) -> Source:
    """A ``Source`` from an evidence workbook; ``name`` is how messages name it (default: its path)."""
    from openpyxl import load_workbook

    name = name or display_path(path)
    try:
        raw = read_bytes(path, limit=WORKBOOK_LIMIT)
    except InputError as exc:
        raise EvidenceError(exc.problems) from None
    check_archive(raw, name)
    try:
        book = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as exc:  # openpyxl raises anything (IndexError, ParseError …) on a damaged file
        raise EvidenceError([Problem(name, None, None, f"不是有效的 Excel 工作簿（.xlsx）：{_damage(exc)}；"
                                                       "请用 Excel 或 WPS “另存为 .xlsx” 后重试")]) from None
    missing = [sheet for sheet in (INFO, CLAUSES) if sheet not in book.sheetnames]
    if missing:
        raise EvidenceError([Problem(name, None, None, f"缺少工作表「{'」「'.join(missing)}」：这不是由 "
                                                       "audit checklist 生成的评估表")])
    locator = XlsxLocator(name)
    problems: list[Problem] = []
    for sheet in (INFO, CLAUSES, BONUS):
        if sheet in book.sheetnames and book[sheet].max_row > MAX_ROWS:
            raise EvidenceError([Problem(name, None, f"{sheet}!A{book[sheet].max_row}",
                                         f"工作表「{sheet}」有 {book[sheet].max_row} 行，超过上限 {MAX_ROWS} 行")])
    data = _info(book[INFO], locator, problems)
    data["clauses"] = _entries(book[CLAUSES], locator, problems, "clauses")
    if BONUS in book.sheetnames:
        data["bonus"] = _entries(book[BONUS], locator, problems, "bonus")
    _bound_texts(book, (INFO, CLAUSES, BONUS), locator, problems)
    locator.data = data
    if any(p.message.startswith(HEADER_CHANGED) for p in problems):
        raise EvidenceError(problems)  # a header was changed: nothing below it can be read
    try:  # cell problems do not hide the others: they travel with the data (Source.problems)
        evidence = EvidenceFile.model_validate(data)
    except ValidationError as exc:
        raise EvidenceError(problems + validation_problems(exc, locator, EvidenceFile)) from None
    return Source(locator, evidence, raw, "xlsx", problems)


UNPACKED_LIMIT = 100 * 1024 * 1024
"""Most bytes a workbook may unpack to: a filled checklist is ~2 MB unpacked."""
RATIO_LIMIT = 200
"""Largest compression ratio of a part bigger than 1 MB (XML of a real sheet compresses ~10×)."""
MAX_ROWS = 20_000


def check_archive(raw: bytes, name: str) -> None:
    """Refuse a zip bomb before anything is inflated: the sizes the archive declares, and their ratio."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise EvidenceError([Problem(name, None, None, "不是有效的 Excel 工作簿（.xlsx）：文件不是完整的 zip 压缩包；"
                                                       "请用 Excel 或 WPS “另存为 .xlsx” 后重试")]) from None
    total = sum(m.file_size for m in members)
    bomb = total > UNPACKED_LIMIT or len(members) > 10_000 or any(
        m.file_size > 1024 * 1024 and m.file_size > RATIO_LIMIT * max(m.compress_size, 1) for m in members)
    if bomb:
        raise EvidenceError([Problem(name, None, None, (
            f"工作簿解压后过大（{total / 1024 / 1024:.0f} MB，上限 {UNPACKED_LIMIT // 1024 // 1024} MB，"
            f"或压缩比超过 {RATIO_LIMIT} 倍），未打开：这不是正常填写的评估表"))])


def _damage(exc: BaseException) -> str:
    """What is wrong with a workbook openpyxl could not open, in Chinese (no XML internals)."""
    while exc.__cause__ is not None or exc.__context__ is not None:  # openpyxl wraps the real error
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    kind = type(exc).__name__
    if "Forbidden" in kind or "Entities" in kind or "DTD" in kind or "amplification" in str(exc):
        return "含有 XML 实体定义（可能是恶意构造的文件）"
    if kind in ("ParseError", "XMLSyntaxError", "ExpatError"):
        return "内部的 XML 不完整或已损坏"
    if isinstance(exc, zipfile.BadZipFile):
        return "zip 压缩包已损坏"
    if isinstance(exc, IndexError | KeyError):
        return "内部引用了不存在的字符串、样式或部件"
    return "文件已损坏或不是 Excel 生成的"


def _columns(ws: Any, expected: tuple[Any, ...]) -> dict[str, int]:
    """Column of each field, found by its header title (robust to a sheet with fewer columns)."""
    titles = {str(cell.value).strip(): cell.column for cell in ws[1] if cell.value is not None}
    return {c.key: titles[c.title] for c in expected if c.title in titles}


def _bound_texts(book: Any, sheets: tuple[str, ...], locator: XlsxLocator, problems: list[Problem]) -> None:
    """Every text cell within ``MAX_TEXT`` characters, every number within the YAML bounds."""
    for sheet in sheets:
        if sheet not in book.sheetnames:
            continue
        for row in book[sheet].iter_rows():
            for cell in row:
                value = cell.value
                where = _ref(sheet, cell.column, cell.row)
                if isinstance(value, str) and len(value) > MAX_TEXT:
                    problems.append(Problem(locator.name, None, where,
                                            f"文字过长（{len(value)} 个字符），上限为 {MAX_TEXT} 个字符"))
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    message = number_problem(repr(value)) if math.isfinite(value) else "数值无效（无穷大或非数字）"
                    if message:
                        problems.append(Problem(locator.name, None, where, message))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _value(value: Any) -> Any:
    """A cell as the YAML loader would give it: exact decimals, dates, 是/否 as booleans."""
    if isinstance(value, str):
        text = value.strip()
        return {"是": True, "否": False}.get(text, text or None)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    return value


def _info(ws: Any, locator: XlsxLocator, problems: list[Problem]) -> dict[str, Any]:
    columns = _columns(ws, INFO_COLUMNS)
    if "key" not in columns or "value" not in columns:
        problems.append(Problem(locator.name, None, f"{INFO}!A1", f"{HEADER_CHANGED}：找不到“名称（勿改）”或“填写内容”列"))
        return {}
    data: dict[str, Any] = {"community": {}, "facts": {}}
    facts: dict[str, Any] = {}
    fact_rows: dict[str, int] = {}
    for row in range(2, ws.max_row + 1):
        key = _text(ws.cell(row=row, column=columns["key"]).value)
        if not key:
            continue
        value = _value(ws.cell(row=row, column=columns["value"]).value)
        head, _, tail = key.partition(".")
        if key in ("standard", "assessed_on", "assessor"):
            loc: Loc = (key,)
            data[key] = value
        elif head == "community" and tail:
            loc = ("community", tail)
            data["community"][tail] = value
        elif head == "period" and tail in ("from", "to"):
            loc = ("period", tail)
            data.setdefault("period", {})[tail] = value
        else:  # a fact, by its dotted name (nested below, once, by facts.nest)
            loc = ("facts", *key.split("."))
            facts[key] = value
            fact_rows[key] = row
        locator.place(loc, INFO, columns["value"], row)
    try:
        data["facts"] = nest(facts)
    except NestError as exc:
        problems.append(Problem(locator.name, None, f"{INFO}!D{fact_rows[exc.name]}", f"名称「{exc.name}」与其他数据项冲突"))
    if "period" in data and all(v is None for v in data["period"].values()):
        del data["period"]  # both dates blank: no period, as in a YAML file without one
    return data


def _entries(ws: Any, locator: XlsxLocator, problems: list[Problem], section: str) -> dict[str, Any]:
    columns = _columns(ws, CLAUSE_COLUMNS)
    if "id" not in columns or "status" not in columns:
        problems.append(Problem(locator.name, None, f"{ws.title}!A1", f"{HEADER_CHANGED}：找不到“条款编号”或“状态”列"))
        return {}
    entries: dict[str, Any] = {}
    first_row: dict[str, int] = {}
    for row in range(2, ws.max_row + 1):
        ident = _text(ws.cell(row=row, column=columns["id"]).value)
        if not ident:
            continue  # a blank row
        values = {key: ws.cell(row=row, column=column).value for key, column in columns.items()}
        cell = values.get
        status_text = _text(cell("status"))
        evidence_text = _text(cell("evidence"))
        raw_note = cell("note")
        explanation = str(raw_note) if raw_note is not None else ""  # split before stripping: see layout
        ticks = []
        for letter in "abcd":
            key = f"criterion_{letter}"
            raw = _text(cell(key)).lower()
            if raw in TICKED:
                ticks.append(letter)
            elif raw not in UNTICKED:
                problems.append(Problem(locator.name, None, _ref(ws.title, columns[key], row),
                                        f"细项 {letter} 请选 ✓ 或留空（填写的是「{_text(cell(key))}」）"))
        approved_by = _text(cell("approved_by")) or None
        na_until = _value(cell("valid_until"))
        if not (status_text or evidence_text or explanation.strip() or ticks or approved_by or na_until):
            continue  # not assessed: the same as a clause left out of a YAML file
        if ident in first_row:
            problems.append(Problem(locator.name, None, _ref(ws.title, columns["id"], row),
                                    f"条款 {ident} 重复出现（第 {first_row[ident]} 行已有）"))
            continue
        first_row[ident] = row
        note, reason = text_to_explanation(status_of(status_text), explanation)
        lines = [line for part in evidence_text.replace("；", "\n").splitlines() if (line := part.strip())]
        entries[ident] = {
            "status": status_text or None,
            "evidence": [text_to_attachment(line) for line in lines],
            "criteria_met": ticks,
            "note": note,
            "reason": reason,
            "approved_by": approved_by,
            "valid_until": na_until,
        }
        base: Loc = (section, ident)
        locator.place(base, ws.title, columns["id"], row)
        for field, key in (("status", "status"), ("evidence", "evidence"), ("note", "note"), ("reason", "note"),
                           ("criteria_met", "criterion_a"), ("approved_by", "approved_by"),
                           ("valid_until", "valid_until")):
            if key in columns:
                locator.place((*base, field), ws.title, columns[key], row)
    return entries


def _ref(sheet: str, column: int, row: int) -> str:
    """``评估表!H37``."""
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(column)}{row}"
