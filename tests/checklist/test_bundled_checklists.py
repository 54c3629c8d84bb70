"""checklists/ holds the blank checklists of every bundled pack; they must match the packs.

Regenerate with ``make checklists`` after changing a pack.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jingzhi_audit.checklist.printable import checklist_markdown
from jingzhi_audit.checklist.workbook import checklist_workbook
from jingzhi_audit.pack import bundled_packs, load_pack
from tests.conftest import ROOT

CHECKLISTS = ROOT / "checklists"
PACKS = sorted((pid, folder) for pid, folder in bundled_packs().items() if folder.parent == ROOT / "standards")
STALE = "已过期：请运行 make checklists 重新生成"


@pytest.mark.parametrize(("pack_id", "folder"), PACKS, ids=[p for p, _ in PACKS])
def test_markdown_checklist_is_current(pack_id: str, folder: Path) -> None:
    path = CHECKLISTS / f"{pack_id}.md"
    assert path.is_file(), f"checklists/{pack_id}.md 不存在：请运行 make checklists"
    assert path.read_text(encoding="utf-8") == checklist_markdown(load_pack(folder)), STALE


def _cells(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets}


@pytest.mark.parametrize(("pack_id", "folder"), PACKS, ids=[p for p, _ in PACKS])
def test_excel_checklist_is_current(pack_id: str, folder: Path) -> None:
    path = CHECKLISTS / f"{pack_id}.xlsx"
    assert path.is_file(), f"checklists/{pack_id}.xlsx 不存在：请运行 make checklists"
    # compare content, not bytes: an .xlsx is a zip whose entries carry the time they were written
    assert _cells(path.read_bytes()) == _cells(checklist_workbook(load_pack(folder))), STALE
