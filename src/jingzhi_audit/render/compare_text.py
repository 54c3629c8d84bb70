"""The terminal view of a comparison: scores side by side, and the quantitative indicators."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..compare.engine import Comparison, Indicator, IndicatorCell
from ..expr import OPERATORS
from ..result import stars
from .fit import Cell, Column, fit_table, fits, text_width, wrap
from .terminal import WIDTH, to_text


def figure(value: float | int | bool | None, kind: str, unit: str | None) -> str:
    """A fact's value as a person reads it (是/否, 93%, 120 户)."""
    if value is None:
        return "—"
    if isinstance(value, bool) or kind == "boolean":
        return "是" if value else "否"
    if kind == "ratio":
        return f"{value * 100:.1f}%".replace(".0%", "%")
    text = f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{text}{(' ' + unit) if unit else ''}"


def cell_text(indicator: Indicator, cell: IndicatorCell) -> str:
    """One pack's requirement on one fact, with ✓/✗/?."""
    reqs = "；".join(f"{OPERATORS[r.op]} {figure(r.value, indicator.type, indicator.unit)}" for r in cell.requirements)
    mark = {True: " ✓", False: " ✗", None: " ?"}[cell.met]
    return f"{reqs}（{cell.clause}）{mark}"


def render_text(comparison: Comparison, width: int = WIDTH) -> str:
    """The comparison's terminal view as plain text."""
    return to_text(comparison_view(comparison, width), width)


def comparison_view(comparison: Comparison, width: int = WIDTH) -> RenderableType:
    """Scores side by side, and the quantitative indicators each standard asks for, at ``width``."""
    head = Text("\n".join(wrap(f"{comparison.community}  证据文件 {comparison.evidence}"
                               f"（规则包 {comparison.source_pack}）", width)))
    head.stylize("bold", 0, len(comparison.community))
    ids = max((text_width(p.id) for p in comparison.packs), default=8)
    columns = (Column("规则包", wrap=True, floor=ids), Column("总分", "right"), Column("等级"),
               Column("有状态的条款", "right", drop=2), Column("其中推断", "right", drop=1))
    rows: list[list[Cell] | None] = []
    for p in comparison.packs:
        name = f"{p.id}「{p.title}」" + ("（本证据）" if p.native else "")
        rating = f"{p.rating.label}{stars(p.rating.stars)}" if p.native else f"参考：{p.rating.label}"
        rows.append([name, f"{p.total_text} / {p.total_points:g}", rating, f"{p.covered}/{p.clauses}",
                     str(len(p.inferred)) if not p.native else "—"])
    scores, _ = fit_table(columns, rows, width, title="各标准得分")
    note = Text("\n".join(wrap(NOTE, width)), style="dim")
    return Group(head, scores, _indicators(comparison, width), note)


NOTE = ("其他规则包的条款状态由对照表（standards/crosswalk/）从本证据推断：等同的照搬，部分重叠或较窄的"
        "“达标”降为“部分达标”，较宽的“达标”可推出对方达标；无对照的条款为未评估。因此推断得分偏保守，"
        "其等级仅供参考；量化指标按本社区数据直接核验，不经推断。")
TITLE = "量化指标对照（✓ 达到，✗ 未达到，? 缺数据）"


def _indicators(comparison: Comparison, width: int) -> Table:
    """One column per standard when they all fit whole; else one column listing each standard's
    requirement on its own line (a narrow window)."""
    packs = [p.id for p in comparison.packs]
    lines: list[dict[str, list[str]]] = []
    for indicator in comparison.indicators:
        cells: dict[str, list[str]] = {pid: [] for pid in packs}
        for cell in indicator.cells:
            cells[cell.pack].append(cell_text(indicator, cell))
        lines.append(cells)
    values = [figure(i.value, i.type, i.unit) for i in comparison.indicators]
    wide = [Column("指标", wrap=True, floor=10), Column("本社区", "right"), *(Column(pid) for pid in packs)]
    wide_rows: list[list[Cell] | None] = [
        [i.label, v, *["\n".join(c[pid]) for pid in packs]]
        for i, v, c in zip(comparison.indicators, values, lines, strict=True)]
    if fits(wide, wide_rows, width):
        return fit_table(wide, wide_rows, width, title=TITLE)[0]
    narrow = [Column("指标", wrap=True, floor=10), Column("本社区", "right"), Column("各标准的要求", wrap=True, floor=20)]
    narrow_rows: list[list[Cell] | None] = [
        [i.label, v, "\n".join(f"{pid} {t}" for pid in packs for t in c[pid])]
        for i, v, c in zip(comparison.indicators, values, lines, strict=True)]
    return fit_table(narrow, narrow_rows, width, title=TITLE)[0]
