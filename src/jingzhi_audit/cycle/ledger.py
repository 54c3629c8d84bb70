"""The 整改台账 (rectification ledger): one row per gap of a result, with columns a community fills in.

``audit plan RESULT.json -o 整改台账.xlsx`` writes it; ``audit diff --plan`` and ``audit batch``
read it back (``read_ledger``). Sheet 「整改台账」: 序号, 条款, 类别, 要求, 原因, 失分, 整改建议
(locked, from the result) and 责任人, 完成时限 (a date between 2000-01-01 and 2100-12-31), 进度
(a list: 未开始/进行中/已完成), 完成佐证 (to fill). Sheet 「来源」 names the result it was made from.

Every text that came from the evidence (names, clause texts, guidance) is written as a text cell:
a value starting with ``=`` ``+`` ``-`` ``@`` stays text and never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import LedgerError
from ..files import display_path
from ..result import REASON_LABELS, Result

SHEET = "整改台账"
SOURCE_SHEET = "来源"
PROGRESS = ("未开始", "进行中", "已完成")
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
COLUMNS = (  # (title, width, filled in by the community)
    ("序号", 6, False), ("条款", 9, False), ("类别", 12, False), ("要求", 48, False), ("原因", 12, False),
    ("失分", 8, False), ("整改建议", 40, False), ("责任人", 12, True), ("完成时限", 13, True),
    ("进度", 10, True), ("完成佐证", 30, True),
)
COLUMN = {title: i for i, (title, _w, _f) in enumerate(COLUMNS, 1)}
SOURCE_FIELDS = (("community", "社区"), ("code", "社区代码"), ("district", "区（市）"), ("street", "街道"),
                 ("assessed_on", "评估日期"), ("pack", "规则包"), ("pack_version", "规则包版本"),
                 ("evidence_sha256", "证据文件 SHA-256"), ("generated_at", "结果生成时间"))


def _text_cell(ws: Any, row: int, column: int, value: str | None) -> Any:
    """A cell holding ``value`` as text, whatever its first character (never a formula)."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if value is not None:
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel/WPS keep showing it as text after an edit, too
    return cell


def ledger_workbook(result: Result) -> bytes:
    """The ledger of ``result``'s gaps, ordered by points lost."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.properties.creator = "jingzhi-audit"
    book.properties.title = f"{result.community.name} 整改台账"
    ws = book.active
    ws.title = SHEET
    head = PatternFill("solid", fgColor="E8EFF7")
    fill_in = PatternFill("solid", fgColor="FFFBEB")
    for i, (title, width, _filled) in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=i, value=title)
        cell.font, cell.fill = Font(bold=True), head
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = width
    deadline = DataValidation(type="date", operator="between", formula1=str(int(to_excel(EARLIEST))),
                              formula2=str(int(to_excel(LATEST))), allow_blank=True, showErrorMessage=True,
                              errorTitle="完成时限", error="请填写 2000-01-01 至 2100-12-31 之间的日期，如 2027-06-30")
    progress = DataValidation(type="list", formula1='"' + ",".join(PROGRESS) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle="进度", error="请从下拉列表中选择：" + "/".join(PROGRESS))
    ws.add_data_validation(deadline)
    ws.add_data_validation(progress)
    categories = {c.id: c.title for c in result.categories}
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, gap in enumerate(result.gaps, 1):
        row = n + 1
        ws.cell(row=row, column=COLUMN["序号"], value=n)
        _text_cell(ws, row, COLUMN["条款"], gap.clause)
        _text_cell(ws, row, COLUMN["类别"], f"{gap.category} {categories.get(gap.category, '')}".strip())
        _text_cell(ws, row, COLUMN["要求"], f"{gap.title}：{gap.text}" if gap.title else gap.text)
        _text_cell(ws, row, COLUMN["原因"], REASON_LABELS.get(gap.reason, gap.reason))
        ws.cell(row=row, column=COLUMN["失分"], value=gap.points_lost).number_format = "0.00"
        _text_cell(ws, row, COLUMN["整改建议"], gap.guidance)
        ws.cell(row=row, column=COLUMN["完成时限"]).number_format = "yyyy-mm-dd"
        ws.cell(row=row, column=COLUMN["进度"], value=PROGRESS[0])
        for i, (_title, _width, filled) in enumerate(COLUMNS, 1):
            cell = ws.cell(row=row, column=i)
            cell.alignment = wrap
            if filled:
                cell.protection = Protection(locked=False)
                cell.fill = fill_in
        deadline.add(ws.cell(row=row, column=COLUMN["完成时限"]))
        progress.add(ws.cell(row=row, column=COLUMN["进度"]))
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.protection.sheet = True  # no password: it prevents slips, not edits
    ws.protection.formatColumns = ws.protection.formatRows = ws.protection.formatCells = False
    source = book.create_sheet(SOURCE_SHEET)
    values = _source_values(result)
    for row, (key, label) in enumerate(SOURCE_FIELDS, 1):
        _text_cell(source, row, 1, label)
        _text_cell(source, row, 2, values[key])
        _text_cell(source, row, 3, key)
    source.column_dimensions["A"].width, source.column_dimensions["B"].width = 18, 70
    source.column_dimensions["C"].hidden = True
    source.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _source_values(result: Result) -> dict[str, str | None]:
    c = result.community
    return {"community": c.name, "code": c.code, "district": c.district, "street": c.street,
            "assessed_on": result.assessed_on, "pack": result.pack.id, "pack_version": result.pack.version,
            "evidence_sha256": result.evidence.sha256, "generated_at": result.generated_at}


# -- reading a filled ledger back -------------------------------------------------------------
@dataclass(frozen=True)
class LedgerRow:
    row: int
    clause: str
    points_lost: float | None
    owner: str | None
    deadline: dt.date | None
    progress: str | None
    proof: str | None


@dataclass(frozen=True)
class Ledger:
    path: str
    source: dict[str, str | None]
    rows: list[LedgerRow]


def read_ledger(path: Path) -> Ledger:
    """A filled ledger: every row, checked; all problems at once, each naming its cell."""
    from openpyxl import load_workbook

    name = display_path(path)
    if not path.is_file():
        raise LedgerError(f"{name}: 整改台账文件不存在")
    try:
        book = load_workbook(path, data_only=True)
    except Exception:  # zipfile, XML and openpyxl errors alike: not a workbook we can read
        raise LedgerError(f"{name}: 不是有效的 Excel 工作簿（.xlsx），无法读取整改台账") from None
    if SHEET not in book.sheetnames:
        raise LedgerError(f"{name}: 没有「{SHEET}」工作表；请使用 audit plan 生成的整改台账")
    ws = book[SHEET]
    header = [str(c.value).strip() if c.value is not None else "" for c in ws[1]]
    missing = [title for title, _w, _f in COLUMNS if title not in header]
    if missing:
        raise LedgerError(f"{name}: {SHEET}!第 1 行缺少列：{'、'.join(missing)}")
    at = {title: header.index(title) + 1 for title, _w, _f in COLUMNS}
    problems: list[str] = []
    rows: list[LedgerRow] = []
    for r in range(2, ws.max_row + 1):
        clause = _text(ws.cell(row=r, column=at["条款"]).value)
        if not clause:
            continue
        rows.append(LedgerRow(
            row=r, clause=clause, points_lost=_number(ws.cell(row=r, column=at["失分"]).value),
            owner=_text(ws.cell(row=r, column=at["责任人"]).value),
            deadline=_deadline(ws, r, at["完成时限"], name, problems),
            progress=_progress(ws, r, at["进度"], name, problems),
            proof=_text(ws.cell(row=r, column=at["完成佐证"]).value),
        ))
    if problems:
        raise LedgerError("\n".join(problems))
    source: dict[str, str | None] = {}
    if SOURCE_SHEET in book.sheetnames:
        for row in book[SOURCE_SHEET].iter_rows(min_row=1, max_col=3, values_only=True):
            if row[2]:
                source[str(row[2])] = _text(row[1])
    return Ledger(path=name, source=source, rows=rows)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _deadline(ws: Any, row: int, column: int, name: str, problems: list[str]) -> dt.date | None:
    from openpyxl.utils import get_column_letter

    value = ws.cell(row=row, column=column).value
    ref = f"{name}: {SHEET}!{get_column_letter(column)}{row}"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    day: dt.date | None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        match = _DATE.match(str(value).strip())
        try:
            day = dt.date(*(int(g) for g in match.groups())) if match else None
        except ValueError:
            day = None
        if day is None:
            problems.append(f"{ref}: 完成时限「{value}」不是日期，请写成 2027-06-30")
            return None
    if day is None or not EARLIEST <= day <= LATEST:
        problems.append(f"{ref}: 完成时限 {day.isoformat()} 不在 2000-01-01 至 2100-12-31 之间")
        return None
    return day


def _progress(ws: Any, row: int, column: int, name: str, problems: list[str]) -> str | None:
    from openpyxl.utils import get_column_letter

    value = _text(ws.cell(row=row, column=column).value)
    if value is None:
        return None
    if value not in PROGRESS:
        problems.append(f"{name}: {SHEET}!{get_column_letter(column)}{row}: 进度「{value}」不是可选值"
                        f"（{'/'.join(PROGRESS)}）")
        return None
    return value


def ledger_beside(evidence: Path) -> Path:
    """Where a community's ledger sits in a district folder: ``<name>.整改台账.xlsx`` beside ``<name>.yaml``."""
    return evidence.parent / f"{evidence.stem}.{SHEET}.xlsx"
