"""The registry of checklist formats (``audit checklist --format``): Excel to fill, Markdown or
PDF to print. Each builder imports its module only when called."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pack import Pack


@dataclass(frozen=True)
class ChecklistFormat:
    """One checklist format: its name, file suffix and builder."""

    name: str
    suffix: str
    build: Callable[[Pack], str | bytes]
    description: str
    fillable: bool  # a person fills it in: never replaced without --force


def _xlsx(pack: Pack) -> bytes:
    from .workbook import checklist_workbook

    return checklist_workbook(pack)


def _md(pack: Pack) -> str:
    from .printable import checklist_markdown

    return checklist_markdown(pack)


def _pdf(pack: Pack) -> bytes:
    from .printable import checklist_pdf

    return checklist_pdf(pack)


CHECKLIST_FORMATS: dict[str, ChecklistFormat] = {
    f.name: f
    for f in (
        ChecklistFormat("xlsx", ".xlsx", _xlsx, "可填写的 Excel 自评表", fillable=True),
        ChecklistFormat("md", ".md", _md, "可打印的 Markdown 纸质表", fillable=False),
        ChecklistFormat("pdf", ".pdf", _pdf, "可打印的 PDF 纸质表", fillable=False),
    )
}
