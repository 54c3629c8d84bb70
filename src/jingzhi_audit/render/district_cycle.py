"""The district summary's 「与上次评估相比」: cells for the ranking, sheets for the workbook, terminal lines.

Used by ``batch/outputs.py`` (CSV, XLSX), ``render/batch_view.py`` (terminal) and the district PDF
template; every figure comes from ``DistrictChanges`` (``cycle.district``).
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..result.cycle import CommunityChange, DistrictChanges
from .cycle_text import signed

CHANGE_HEADER = "与上次相比"
LEDGER_HEADERS = ["整改逾期", "整改矛盾"]


def change_cell(change: CommunityChange | None) -> str:
    """``+3.2`` / ``-1.0（降档）`` / ``首次`` for a ranking row."""
    if change is None or change.previous_on is None:
        return "首次" if change is not None else ""
    return signed(change.change) + ("（降档）" if change.band_dropped else "")


def ledger_cells(change: CommunityChange | None) -> list[Any]:
    """The overdue and contradicted counts of the community's ledger (blank without one)."""
    if change is None or change.overdue is None:
        return ["台账无法读取" if change is not None and change.ledger_error else "", ""]
    return [change.overdue, change.contradicted]


def changes_sheet(changes: DistrictChanges) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the workbook's 「与上次相比」 sheet."""
    header = ["社区", "证据文件", "上次评估", "上次总分", "上次等级", "总分变化", "降档", "已整改", "退步", "仍未整改",
              *LEDGER_HEADERS]
    rows = [[c.name, c.path, c.previous_on or "（首次）", c.previous_total_text or "", c.previous_rating or "",
             c.change if c.change is not None else "", "是" if c.band_dropped else "", c.fixed, c.regressed,
             c.persisting, *ledger_cells(c)] for c in changes.communities]
    return header, rows


def persisting_sheet(changes: DistrictChanges) -> tuple[list[str], list[list[Any]]]:
    """The 仍未整改最多的条款 sheet: header and rows."""
    return ["条款", "两次都有差距的社区数"], [[p.clause, p.communities] for p in changes.persisting]


def changes_view(changes: DistrictChanges) -> RenderableType:
    """Terminal lines: who regressed, what persists, whose ledger is overdue or contradicted."""
    parts: list[RenderableType] = []
    compared = [c for c in changes.communities if c.previous_on is not None]
    if not compared:
        parts.append(Text("与上次评估相比：归档中还没有这些社区更早的评估。" if changes.archive else "", style="dim"))
    else:
        up = sum(1 for c in compared if (c.change or 0) > 0)
        down = sum(1 for c in compared if (c.change or 0) < 0)
        parts.append(Text(f"与上次评估相比（{len(compared)} 个社区）：上升 {up}，下降 {down}，持平 {len(compared) - up - down}",
                          style="bold"))
    if changes.regressed:
        shown = "、".join(changes.regressed[:20]) + (f" 等 {len(changes.regressed)} 个" if len(changes.regressed) > 20 else "")
        parts.append(Text(f"总分下降或等级降档（{len(changes.regressed)}）：{shown}", style="yellow"))
    if changes.persisting:
        parts.append(Text("仍未整改最多的条款：" + "、".join(f"{p.clause}（{p.communities} 个社区）"
                                                      for p in changes.persisting), style="yellow"))
    ledgers = [c for c in changes.communities if c.overdue is not None or c.ledger_error]
    if ledgers:
        table = Table(title="整改台账核对", title_justify="left", pad_edge=False)
        for name, justify in (("社区", "left"), ("逾期未完成", "right"), ("标记已完成但仍有差距", "right")):
            table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for c in ledgers:
            overdue, contradicted = ledger_cells(c)
            table.add_row(Text(c.name), str(overdue), str(contradicted))
        parts.append(table)
        for c in ledgers:
            if c.ledger_error:
                parts.append(Text(f"  {c.ledger_error}", style="red"))
    return Group(*parts)
