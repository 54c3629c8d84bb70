"""The Excel workbook layout, shared by the writer and the reader, and the text syntax of cells.

One layout serves the blank checklist (``audit checklist``) and a filled-in evidence workbook
(``audit convert``, ``audit score community.xlsx``): a person fills in the checklist, and it *is*
the evidence file. Everything the YAML evidence format holds has a place, so conversion is
lossless both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..result import STATUS_LABELS

INSTRUCTIONS = "填写说明"
INFO = "基本信息"
CLAUSES = "评估表"
BONUS = "加分项"

STATUS_TO_WORD = {s: STATUS_LABELS[s] for s in ("met", "partial", "not_met", "na")}  # what a person picks
STATUS_CHOICES = tuple(STATUS_TO_WORD.values())
TICK = "✓"
MAX_CRITERIA = 4  # clauses list at most four criteria (a–d)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: float
    editable: bool = False


# 评估表: the status is column H, as the checklist's instructions and error messages name it.
CLAUSE_COLUMNS: tuple[Column, ...] = (
    Column("id", "条款编号", 9),
    Column("category", "类别", 10),
    Column("item", "项目", 12),
    Column("text", "条款要求", 46),
    Column("points", "分值", 6),
    Column("method", "评估方式", 10),
    Column("hint", "佐证提示", 28),
    Column("status", "状态", 10, editable=True),
    Column("evidence", "佐证材料（每行一项）", 28, editable=True),
    Column("note", "说明或不适用理由", 28, editable=True),
    *(Column(f"criterion_{c}", f"细项{c}", 6, editable=True) for c in "abcd"),
    Column("criteria", "细项内容", 40),
    Column("approved_by", "不适用审批人", 14, editable=True),
    Column("valid_until", "不适用有效期至", 12, editable=True),
)
CLAUSE_INDEX = {c.key: i + 1 for i, c in enumerate(CLAUSE_COLUMNS)}  # key → 1-based column

# 基本信息: the community block, then one row per fact. Column D holds the machine name of each
# row (locked), so that rows can be found even if a person inserts or blanks some.
INFO_COLUMNS: tuple[Column, ...] = (
    Column("label", "项目", 30),
    Column("value", "填写内容", 24, editable=True),
    Column("unit", "单位或格式", 16),
    Column("key", "名称（勿改）", 30),
    Column("help", "说明", 44),
)
INFO_INDEX = {c.key: i + 1 for i, c in enumerate(INFO_COLUMNS)}

COMMUNITY_FIELDS: tuple[tuple[str, str, str], ...] = (
    # (machine name, label, format hint)
    ("standard", "规则包", "内置规则包 ID 或文件夹路径"),
    ("community.name", "社区名称（必填）", "文字"),
    ("community.district", "区（市）", "文字"),
    ("community.street", "街道（镇）", "文字"),
    ("community.code", "社区代码", "文字"),
    ("community.contact", "联系人及电话", "文字"),
    ("assessed_on", "评估日期", "日期，如 2026-11-01"),
    ("period.from", "评估期开始", "日期"),
    ("period.to", "评估期结束", "日期"),
    ("assessor", "评估人或评估小组", "文字"),
)
FACTS_HEADING = "社区数据"


# -- cell text ↔ evidence values ------------------------------------------------------------------
PAPER = "纸质："
LINK = "链接："
NOTE_SEP = "｜"
EXTRA_NOTE = "\n说明："
EXTRA_REASON = "\n理由："


DATED = "日期："
VALID_UNTIL = "有效期至："


def attachment_to_text(item: Any) -> str:
    """One evidence entry as one line: a path, ``纸质：名称``, ``链接：网址``, then optionally
    ``｜日期：2026-03-01``, ``｜有效期至：2027-02-28`` and ``｜备注``."""
    if item.paper is not None:
        text = PAPER + item.paper
    elif item.url is not None:
        text = LINK + item.url
    else:
        text = item.path or ""
    if item.dated is not None:
        text += NOTE_SEP + DATED + item.dated.isoformat()
    if item.valid_until is not None:
        text += NOTE_SEP + VALID_UNTIL + item.valid_until.isoformat()
    return text + (NOTE_SEP + item.note if item.note else "")


def _dates(rest: str) -> tuple[dict[str, str], str]:
    """Leading ``日期：…`` / ``有效期至：…`` segments of what follows the body, and the note after them."""
    dates: dict[str, str] = {}
    while True:
        head, sep, tail = rest.partition(NOTE_SEP)
        segment = head.strip()
        for prefix, key in ((DATED, "dated"), (VALID_UNTIL, "valid_until")):
            if segment.startswith(prefix) and key not in dates:
                dates[key] = segment.removeprefix(prefix).strip()
                break
        else:
            return dates, rest
        if not sep:
            return dates, ""
        rest = tail


def text_to_attachment(line: str) -> dict[str, str]:
    """An evidence entry from one line of a 佐证材料 cell."""
    body, _, rest = line.partition(NOTE_SEP)
    dates, note = _dates(rest)
    body = body.strip()
    entry: dict[str, str]
    if body.startswith(PAPER):
        entry = {"paper": body.removeprefix(PAPER).strip()}
    elif body.startswith(LINK):
        entry = {"url": body.removeprefix(LINK).strip()}
    elif body.startswith(("http://", "https://")):
        entry = {"url": body}
    else:
        entry = {"path": body}
    entry.update(dates)
    if note.strip():
        entry["note"] = note.strip()
    return entry


def explanation_to_text(status: str | None, note: str | None, reason: str | None) -> str:
    """The 说明或不适用理由 cell: the reason for 不适用 clauses, the note for others; the rare other
    one follows after a marked line, so that nothing is lost."""
    if status == "na":
        return (reason or "") + (EXTRA_NOTE + note if note else "")
    return (note or "") + (EXTRA_REASON + reason if reason else "")


def text_to_explanation(status: str | None, text: str) -> tuple[str | None, str | None]:
    """``(note, reason)`` from a 说明或不适用理由 cell."""
    if status == "na":
        reason, _, note = text.partition(EXTRA_NOTE)
    else:
        note, _, reason = text.partition(EXTRA_REASON)
    return (note.strip() or None), (reason.strip() or None)
