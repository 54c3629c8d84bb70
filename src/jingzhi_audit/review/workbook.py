"""The review as Excel: the community's checklist workbook with three review columns added.

Inspectors who work in Excel get the filled-in checklist (the self-assessment, locked) with
复核结论, 复核状态 and 复核意见 columns to fill in on the 评估表 sheet, and a 复核信息 sheet holding
the reviewer block, the SHA-256s the review is bound to and, once signed, the seal. Reading it
back gives the same ``ReviewFile`` (a round trip is lossless); problems name the sheet and cell.
A corrected 部分达标 with criteria is written ``部分达标（a、c）`` in the 复核状态 cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..diagnostics import validation_problems
from ..errors import EvidenceError, Problem
from ..evidence.loader import Evidence
from ..evidence.workbook import XlsxLocator, _text, _value
from ..evidence.workbook_layout import CLAUSES, STATUS_CHOICES, STATUS_TO_WORD
from ..files import display_path
from ..pack import Pack
from ..yamlio import Loc
from .model import VERDICT_LABELS, ReviewFile
from .source import ReviewSource

REVIEW_INFO = "复核信息"
REVIEW_COLUMNS = (("verdict", "复核结论", 10), ("status", "复核状态", 14), ("comment", "复核意见", 36))
ATTACHMENT = "attachment:"
SEAL_ATTACHMENT = "seal.attachment:"
_CRITERIA = re.compile(r"^(?P<status>[^（(]+)[（(](?P<ids>[^）)]*)[）)]$")


def _status_text(status: str | None, criteria: list[str]) -> str | None:
    if status is None:
        return None
    word = STATUS_TO_WORD[status]
    return f"{word}（{'、'.join(criteria)}）" if criteria else word


def _info_rows(review: ReviewFile) -> list[tuple[str, str, Any]]:
    r = review.reviewer
    rows: list[tuple[str, str, Any]] = [
        ("所复核的证据文件（勿改）", "evidence", review.evidence),
        ("证据文件 SHA-256（勿改）", "evidence_sha256", review.evidence_sha256),
        ("复核人", "reviewer.name", r.name),
        ("复核单位", "reviewer.organization", r.organization),
        ("复核日期", "reviewer.reviewed_on", r.reviewed_on),
    ]
    rows += [(f"佐证 {label} 的 SHA-256（勿改）", ATTACHMENT + label, sha) for label, sha in review.attachments.items()]
    seal = review.seal
    if seal is not None:
        rows += [("签署人", "seal.signed_by", seal.signed_by), ("签署日期", "seal.signed_on", seal.signed_on),
                 ("封印算法", "seal.algorithm", seal.algorithm),
                 ("签署时证据 SHA-256", "seal.evidence_sha256", seal.evidence_sha256),
                 ("签署时规则包 SHA-256", "seal.pack_sha256", seal.pack_sha256)]
        rows += [(f"签署时佐证 {label}", SEAL_ATTACHMENT + label, sha) for label, sha in seal.attachments.items()]
        rows.append(("封印 SHA-256", "seal.sha256", seal.sha256))
    return rows


def review_workbook(pack: Pack, evidence: Evidence, review: ReviewFile) -> bytes:
    """The checklist workbook of ``evidence`` (locked), with the review columns and sheet."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..checklist.workbook import (
        BORDER,
        HEAD_FILL,
        INPUT_FILL,
        WRAP,
        as_text,
        checklist_workbook,
    )

    book = load_workbook(io.BytesIO(checklist_workbook(pack, evidence.data)))
    ws = book[CLAUSES]
    for row in ws.iter_rows():  # the self-assessment is the community's: locked for the reviewer
        for cell in row:
            cell.protection = Protection(locked=True)
    first = ws.max_column + 1
    for k, (_, title, width) in enumerate(REVIEW_COLUMNS):
        cell = ws.cell(row=1, column=first + k, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(first + k)].width = width
    verdicts = DataValidation(type="list", formula1='"同意,不同意"', allow_blank=True, showErrorMessage=True,
                              errorTitle="复核结论", error="请从下拉列表中选择：同意 或 不同意")
    ws.add_data_validation(verdicts)
    for row in range(2, ws.max_row + 1):
        cid = _text(ws.cell(row=row, column=1).value)
        entry = review.clauses.get(cid)
        values = ((VERDICT_LABELS[entry.verdict] if entry.verdict else None,
                   _status_text(entry.status, list(entry.criteria_met)), entry.comment)
                  if entry is not None else (None, None, None))
        for k, value in enumerate(values):
            cell = ws.cell(row=row, column=first + k, value=value)
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
            cell.border = BORDER
            cell.alignment = WRAP
        verdicts.add(ws.cell(row=row, column=first))
    statuses = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                              showErrorMessage=False)  # 部分达标（a、c） is allowed too
    ws.add_data_validation(statuses)
    statuses.add(f"{get_column_letter(first + 1)}2:{get_column_letter(first + 1)}{ws.max_row}")
    ws.auto_filter.ref = f"A1:{get_column_letter(first + len(REVIEW_COLUMNS) - 1)}{ws.max_row}"
    info = book.create_sheet(REVIEW_INFO, 1)
    for col, (title, width) in enumerate((("项目", 30), ("填写内容", 70), ("名称（勿改）", 24)), 1):
        cell = info.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        info.column_dimensions[get_column_letter(col)].width = width
    for row, (label, key, value) in enumerate(_info_rows(review), 2):
        info.cell(row=row, column=1, value=label)
        cell = info.cell(row=row, column=2, value=value)
        if key.startswith("reviewer."):
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
        if key.endswith(("reviewed_on", "signed_on")):
            cell.number_format = "yyyy-mm-dd"
        info.cell(row=row, column=3, value=key)
    info.protection.sheet = True
    info.protection.formatColumns = False
    as_text(book)  # a comment that starts with “=” stays a comment
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_review_workbook(path: Path) -> ReviewSource:
    """A ``ReviewSource`` from a review workbook written by ``review_workbook``."""
    from openpyxl import load_workbook

    name = display_path(path)
    try:
        raw = path.read_bytes()
        book = load_workbook(io.BytesIO(raw), data_only=True)
    except OSError as exc:
        raise EvidenceError([Problem(name, None, None, f"无法读取文件：{exc.strerror}")]) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise EvidenceError([Problem(name, None, None, f"不是有效的 Excel 工作簿（.xlsx）：{exc}")]) from None
    if REVIEW_INFO not in book.sheetnames or CLAUSES not in book.sheetnames:
        raise EvidenceError([Problem(name, None, None, f"缺少工作表「{REVIEW_INFO}」或「{CLAUSES}」："
                                                       "这不是由 audit review init 生成的复核表")])
    locator = XlsxLocator(name)
    problems: list[Problem] = []
    data = _info(book[REVIEW_INFO], locator)
    data["clauses"] = _entries(book[CLAUSES], locator, problems)
    locator.data = data
    if problems:
        raise EvidenceError(problems)
    try:
        review = ReviewFile.model_validate(data)
    except ValidationError as exc:
        raise EvidenceError(validation_problems(exc, locator, ReviewFile)) from None
    return ReviewSource(review, locator, raw, path)


def _info(ws: Any, locator: XlsxLocator) -> dict[str, Any]:
    data: dict[str, Any] = {"reviewer": {}, "attachments": {}}
    seal: dict[str, Any] = {"attachments": {}}
    for row in range(2, ws.max_row + 1):
        key = _text(ws.cell(row=row, column=3).value)
        raw = ws.cell(row=row, column=2).value
        value = _value(raw) if not isinstance(raw, str) else (raw.strip() or None)
        loc: Loc
        if key.startswith(ATTACHMENT):
            loc = ("attachments", key.removeprefix(ATTACHMENT))
            data["attachments"][loc[1]] = value
        elif key.startswith(SEAL_ATTACHMENT):
            loc = ("seal", "attachments", key.removeprefix(SEAL_ATTACHMENT))
            seal["attachments"][loc[2]] = value
        elif key.startswith("reviewer."):
            loc = ("reviewer", key.removeprefix("reviewer."))
            data["reviewer"][loc[1]] = value
        elif key.startswith("seal."):
            loc = ("seal", key.removeprefix("seal."))
            seal[loc[1]] = value
        elif key:
            loc = (key,)
            data[key] = value
        else:
            continue
        locator.place(loc, REVIEW_INFO, 2, row)
    if len(seal) > 1:
        data["seal"] = seal
    return data


def _entries(ws: Any, locator: XlsxLocator, problems: list[Problem]) -> dict[str, Any]:
    titles = {str(c.value).strip(): c.column for c in ws[1] if c.value is not None}
    columns = {key: titles.get(title) for key, title, _ in REVIEW_COLUMNS}
    ident_column = titles.get("条款编号")
    if ident_column is None or any(c is None for c in columns.values()):
        problems.append(Problem(locator.name, None, f"{CLAUSES}!A1",
                                "表头被改动：找不到“条款编号”“复核结论”“复核状态”或“复核意见”列"))
        return {}
    entries: dict[str, Any] = {}
    for row in range(2, ws.max_row + 1):
        ident = _text(ws.cell(row=row, column=ident_column).value)
        values = {key: _text(ws.cell(row=row, column=col).value) for key, col in columns.items() if col}
        if not ident or not any(values.values()):
            continue
        status, criteria = values["status"], []
        match = _CRITERIA.match(status)
        if match:
            status = match["status"].strip()
            criteria = [c.strip() for c in re.split(r"[、,，\s]+", match["ids"]) if c.strip()]
        comment = ws.cell(row=row, column=columns["comment"]).value
        entries[ident] = {"verdict": values["verdict"] or None, "status": status or None, "criteria_met": criteria,
                          "comment": str(comment).strip() if comment is not None and str(comment).strip() else None}
        for key, col in columns.items():
            if col:
                locator.place(("clauses", ident, key), CLAUSES, col, row)
        locator.place(("clauses", ident, "criteria_met"), CLAUSES, columns["status"] or 1, row)
        locator.place(("clauses", ident), CLAUSES, ident_column, row)
    return entries
