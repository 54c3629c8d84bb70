"""Write the checklist workbook: blank for a pack, or filled in from an evidence file.

Header frozen, text wrapped, widths set, A4 landscape with the header row repeated; the columns a
person must not change are protected (without a password: protection here prevents slips, not
malice); every input cell has a drop-down or a typed validation with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..evidence.facts import flatten
from ..evidence.model import ClauseEntry, EvidenceFile
from ..evidence.workbook_layout import (
    BONUS,
    CLAUSE_COLUMNS,
    CLAUSE_INDEX,
    CLAUSES,
    COMMUNITY_FIELDS,
    FACTS_HEADING,
    INFO,
    INFO_COLUMNS,
    INFO_INDEX,
    INSTRUCTIONS,
    MAX_CRITERIA,
    STATUS_CHOICES,
    STATUS_TO_WORD,
    TICK,
    attachment_to_text,
    explanation_to_text,
)
from ..exact import decimal_text
from ..pack import Pack
from ..pack.model import RECONSTRUCTED_NOTE, FactDef
from ..safe_text import cell_value, guard_workbook

HEAD_FILL = PatternFill("solid", fgColor="DCE6F2")
INPUT_FILL = PatternFill("solid", fgColor="FFFDE7")
SECTION_FILL = PatternFill("solid", fgColor="EEF2F7")
NO_INPUT_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="B7C3D0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
# The workbook's creation date is fixed (the standard's date); openpyxl stamps "modified" with the
# time of saving, so a regenerated checklist differs in that stamp even when its content does not.
FIXED_TIME = dt.datetime(2022, 12, 11)
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)  # what 基本信息 accepts as a date


def _serial(day: dt.date) -> int:
    """The spreadsheet serial number of ``day`` (1900 date system, as Excel and WPS use)."""
    return (day - dt.date(1899, 12, 30)).days

_TYPE_HINTS = {"integer": "整数", "number": "数字", "ratio": "百分比，如 93% 或 0.93", "boolean": "是 / 否"}


def checklist_workbook(pack: Pack, evidence: EvidenceFile | None = None) -> bytes:
    """The Excel checklist of ``pack``, filled in from ``evidence`` when given."""
    book = Workbook()
    book.properties.creator = "jingzhi-audit"
    book.properties.created = FIXED_TIME
    book.properties.title = f"{pack.meta.title} 社区自评表"
    _instructions(book.active, pack)
    _info(book.create_sheet(INFO), pack, evidence)
    _clauses(book.create_sheet(CLAUSES), pack, evidence)
    if pack.meta.bonus:
        _bonus(book.create_sheet(BONUS), pack, evidence)
    as_text(book)
    buffer = io.BytesIO()
    guard_workbook(book)
    book.save(buffer)
    return buffer.getvalue()


def as_text(book: Workbook) -> None:
    """Text that starts with “=” is text, never a formula: the checklist writes no formulas of its
    own, so every cell openpyxl took for one holds words a person wrote (evidence is data)."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _header(ws: Worksheet, columns: Any) -> None:
    for i, column in enumerate(columns, 1):
        cell = ws.cell(row=1, column=i, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "B2"
    ws.print_title_rows = "1:1"


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False


def _protect(ws: Worksheet) -> None:
    """Lock what must not change, without a password; widths, heights and filters stay free."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    ws.protection.autoFilter = False
    ws.protection.sort = False


def _instructions(ws: Worksheet, pack: Pack) -> None:
    ws.title = INSTRUCTIONS
    meta = pack.meta
    lines = [
        (f"《{meta.title}》{meta.code or ''} 社区自评表", True),
        (f"规则包 {meta.id}，版本 {meta.version}。", False),
    ]
    if meta.provenance == "reconstructed":
        lines.append((f"注意：{RECONSTRUCTED_NOTE}。", False))
    lines += [
        ("", False),
        ("怎样填写", True),
        (f"1. 在“{INFO}”表填写社区名称等信息和社区数据（黄色格子）。比例可填 93% 或 0.93；是/否 从下拉中选。", False),
        (f"2. 在“{CLAUSES}”表逐条选择状态（H 列下拉）：达标、部分达标、未达标、不适用；不填视为未评估，按 0 分计。", False),
        ("3. “佐证材料”每行一项：文件写相对于本表格的路径（如 files/名册.pdf），纸质台账写“纸质：台账名称”，网页写“链接：网址”。", False),
        ("4. 选“不适用”时必须在“说明或不适用理由”写明理由；有的条款不允许不适用。", False),
        ("5. 部分达标且列有细项的条款，必须在细项 a–d 列勾选（✓）已达到的细项，按细项比例计分（多勾一项只增不减）。", False),
        ("   不适用可填“不适用审批人”和“不适用有效期至”：过期的不适用按未评估计；要求审批的条款（要求中注明）没有审批人时标记“不适用未审批”。", False),
        ("   佐证可注明形成日期和有效期，如“files/协议.pdf｜日期：2026-03-01｜有效期至：2027-02-28”：不在评估期内或已过期的佐证标记“佐证过期”，不计为佐证。", False),
        ("6. 灰色列由规则包生成，已锁定（无密码，仅防误改）。填好后运行：audit score 本文件.xlsx", False),
        ("", False),
        ("计分规则（简要）", True),
        (f"达标得全分；部分达标按勾选的细项比例，没有细项的条款按 {Decimal(meta.partial_credit) * 100:f}%；未达标 0 分；不适用的条款不计入本类适用分值。", False),
        ("要求佐证的条款没有佐证时不得分。数据只决定它能核验的部分（一个细项、整条，或作为必要条件），与自评不一致时标记“自评与数据不符”。", False),
        ("类得分 = 本类得分 ÷ 本类适用分值 × 本类分值；等级：" + "、".join(
            f"{r.label}（≥{decimal_text(r.min_total)}" + "".join(f"，且{g.label}" for g in r.gates) + "）"
            if r.min_total is not None else r.label for r in meta.ratings) + "；触发一票否决为不合格。", False),
    ]
    ws.column_dimensions["A"].width = 120
    for row, (text, bold) in enumerate(lines, 1):
        cell = ws.cell(row=row, column=1, value=cell_value(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=12 if row == 1 else 11)
    _print_setup(ws)
    _protect(ws)


def _info(ws: Worksheet, pack: Pack, evidence: EvidenceFile | None) -> None:
    _header(ws, INFO_COLUMNS)
    values = _info_values(evidence) if evidence is not None else {"standard": pack.id}
    row = 2
    # Real bounds: a date rule without them reads as "between 0 and 0" in LibreOffice, which then
    # refuses every date and writes that broken rule back into the file.
    date_rule = DataValidation(type="date", operator="between", formula1=str(_serial(FIRST_DATE)),
                               formula2=str(_serial(LAST_DATE)), allow_blank=True, showErrorMessage=True,
                               errorTitle="日期格式", error="请填写 2000-01-01 至 2100-12-31 之间的日期，如 2026-11-01")
    ws.add_data_validation(date_rule)
    for key, label, hint in COMMUNITY_FIELDS:
        _info_row(ws, row, label, values.get(key), hint, key, "")
        if key in ("assessed_on", "period.from", "period.to"):
            date_rule.add(ws.cell(row=row, column=INFO_INDEX["value"]))
            ws.cell(row=row, column=INFO_INDEX["value"]).number_format = "yyyy-mm-dd"
        row += 1
    heading = ws.cell(row=row, column=1, value=FACTS_HEADING)
    heading.font = Font(bold=True)
    for col in range(1, len(INFO_COLUMNS) + 1):
        ws.cell(row=row, column=col).fill = SECTION_FILL
    row += 1
    facts = dict(flatten(evidence.facts)) if evidence is not None else {}
    for name in pack.facts_to_fill(facts):
        fact = pack.facts.get(name)
        value = facts.get(name, ((), None))[1]
        if fact is None:
            _info_row(ws, row, name, value, "", name, "（本规则包未使用）")
        else:
            unit = _TYPE_HINTS[fact.type] + (f"，单位 {fact.unit}" if fact.unit else "")
            _info_row(ws, row, fact.label, _cell_value(value, fact), unit, name, fact.help or "")
            _fact_validation(ws, ws.cell(row=row, column=INFO_INDEX["value"]), fact)
        row += 1
    _print_setup(ws)
    _protect(ws)


def _info_row(ws: Worksheet, row: int, label: str, value: Any, hint: str, key: str, help_text: str) -> None:
    for key_name, text in (("label", label), ("unit", hint), ("key", key), ("help", help_text)):
        cell = ws.cell(row=row, column=INFO_INDEX[key_name], value=cell_value(text))
        cell.alignment = WRAP
        cell.border = BORDER
    cell = ws.cell(row=row, column=INFO_INDEX["value"], value=cell_value(value))
    cell.protection = UNLOCKED
    cell.fill = INPUT_FILL
    cell.border = BORDER
    cell.alignment = Alignment(vertical="top", horizontal="left")


def _info_values(evidence: EvidenceFile) -> dict[str, Any]:
    c = evidence.community
    values: dict[str, Any] = {
        "standard": evidence.standard, "community.name": c.name, "community.district": c.district,
        "community.street": c.street, "community.code": c.code, "community.contact": c.contact,
        "assessed_on": evidence.assessed_on, "assessor": evidence.assessor,
    }
    if evidence.period is not None:
        values["period.from"] = evidence.period.start
        values["period.to"] = evidence.period.end
    return values


def _cell_value(value: Any, fact: FactDef) -> Any:
    """A fact as Excel should hold it: numbers as numbers (exact decimals), booleans as 是/否."""
    if value is None:
        return None
    if fact.type == "boolean" and isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and fact.type == "integer" else float(value)
    return value


def _fact_validation(ws: Worksheet, cell: Any, fact: FactDef) -> None:
    low = float(fact.min) if fact.min is not None else None
    high = float(fact.max) if fact.max is not None else None
    if fact.type == "boolean":
        rule = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                              errorTitle="是/否", error="请从下拉列表中选择：是 或 否")
    elif fact.type == "ratio":
        cell.number_format = "0.0%"
        rule = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True,
                              showErrorMessage=True, errorTitle="百分比", error="请填写 0%–100% 之间的百分比，如 93%")
    else:
        kind = "whole" if fact.type == "integer" else "decimal"
        what = "整数" if fact.type == "integer" else "数字"
        if low is not None and high is not None:
            rule = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high))
            error = f"请填写 {low:g}–{high:g} 之间的{what}"
        elif low is not None:
            rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low))
            error = f"请填写不小于 {low:g} 的{what}"
        else:
            rule = DataValidation(type=kind, operator="between", formula1="-1E+15", formula2="1E+15")
            error = f"请填写{what}"
        rule.allow_blank = True
        rule.showErrorMessage = True
        rule.errorTitle = what
        rule.error = error
    ws.add_data_validation(rule)
    rule.add(cell)


def _clauses(ws: Worksheet, pack: Pack, evidence: EvidenceFile | None) -> None:
    _header(ws, CLAUSE_COLUMNS)
    status_rule = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                                 showErrorMessage=True, errorTitle="状态",
                                 error="请从下拉列表中选择：" + "、".join(STATUS_CHOICES))
    tick_rule = DataValidation(type="list", formula1=f'"{TICK}"', allow_blank=True, showErrorMessage=True,
                               errorTitle="细项", error=f"已达到的细项请选 {TICK}，未达到留空")
    ws.add_data_validation(status_rule)
    ws.add_data_validation(tick_rule)
    entries = evidence.clauses if evidence is not None else {}
    for row, (cid, (category, item, clause)) in enumerate(pack.index.items(), 2):
        entry = entries.get(cid)
        ids = [c.id for c in clause.criteria or []]
        values = {
            "id": cid, "category": f"{category.id} {category.title}", "item": f"{item.id} {item.title}",
            "text": (f"{clause.title}：" if clause.title else "") + clause.text
                    + ("" if clause.na_allowed else "（不允许不适用）")
                    + ("（不适用须经审批）" if clause.na_allowed and clause.na_requires_approval else ""),
            "points": float(clause.points), "method": "、".join(clause.method),
            "hint": clause.evidence_hint + ("" if clause.evidence_required else "（可选）"),
            "criteria": "\n".join(f"{c.id}. {c.text}" for c in clause.criteria or []),
        }
        values.update(_entry_values(entry))
        for column in CLAUSE_COLUMNS:
            index = CLAUSE_INDEX[column.key]
            cell = ws.cell(row=row, column=index, value=cell_value(values.get(column.key)))
            cell.alignment = WRAP
            cell.border = BORDER
            if column.key.startswith("criterion_"):
                letter = column.key[-1]
                if letter in ids:
                    cell.protection = UNLOCKED
                    cell.fill = INPUT_FILL
                    tick_rule.add(cell)
                    cell.alignment = Alignment(horizontal="center", vertical="top")
                else:
                    cell.fill = NO_INPUT_FILL
            elif column.editable:
                cell.protection = UNLOCKED
                cell.fill = INPUT_FILL
                if column.key == "valid_until":
                    cell.number_format = "yyyy-mm-dd"
    status = get_column_letter(CLAUSE_INDEX["status"])
    status_rule.add(f"{status}2:{status}{len(pack.index) + 1}")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(CLAUSE_COLUMNS))}{len(pack.index) + 1}"
    _print_setup(ws)
    _protect(ws)


def _entry_values(entry: ClauseEntry | None) -> dict[str, Any]:
    if entry is None:
        return {}
    values: dict[str, Any] = {
        "status": STATUS_TO_WORD.get(entry.status or "", None),
        "evidence": "\n".join(attachment_to_text(a) for a in entry.evidence) or None,
        "note": explanation_to_text(entry.status, entry.note, entry.reason) or None,
    }
    values["approved_by"] = entry.approved_by
    values["valid_until"] = entry.valid_until
    for letter in entry.criteria_met:
        if len(letter) == 1 and letter in "abcd"[:MAX_CRITERIA]:
            values[f"criterion_{letter}"] = TICK
    return values


def _bonus(ws: Worksheet, pack: Pack, evidence: EvidenceFile | None) -> None:
    columns = [c for c in CLAUSE_COLUMNS if c.key in ("id", "text", "points", "hint", "status", "evidence", "note")]
    _header(ws, columns)
    entries = evidence.bonus if evidence is not None else {}
    for row, bonus in enumerate(pack.meta.bonus, 2):
        values = {"id": bonus.id, "text": bonus.title, "points": float(bonus.points), "hint": bonus.evidence_hint}
        values.update(_entry_values(entries.get(bonus.id)))
        for i, column in enumerate(columns, 1):
            cell = ws.cell(row=row, column=i, value=cell_value(values.get(column.key)))
            cell.alignment = WRAP
            cell.border = BORDER
            if column.editable:
                cell.protection = UNLOCKED
                cell.fill = INPUT_FILL
    _print_setup(ws)
    _protect(ws)
