"""The terminal view of a comparison: scores side by side, and the quantitative indicators."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..compare.engine import Comparison, Indicator, IndicatorCell
from ..expr import OPERATORS
from ..result import stars
from .terminal import to_text


def figure(value: float | int | bool | None, kind: str, unit: str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or kind == "boolean":
        return "是" if value else "否"
    if kind == "ratio":
        return f"{value * 100:.1f}%".replace(".0%", "%")
    text = f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{text}{(' ' + unit) if unit else ''}"


def cell_text(indicator: Indicator, cell: IndicatorCell) -> str:
    reqs = "；".join(f"{OPERATORS[r.op]} {figure(r.value, indicator.type, indicator.unit)}" for r in cell.requirements)
    mark = {True: " ✓", False: " ✗", None: " ?"}[cell.met]
    return f"{reqs}（{cell.clause}）{mark}"


def render_text(comparison: Comparison, width: int = 110) -> str:
    """The comparison's terminal view as plain text."""
    return to_text(comparison_view(comparison), width)


def comparison_view(comparison: Comparison) -> RenderableType:
    """Scores side by side, and the quantitative indicators each standard asks for."""
    head = Text.assemble((comparison.community, "bold"), f"  证据文件 {comparison.evidence}（规则包 {comparison.source_pack}）")
    scores = Table(title="各标准得分", title_justify="left", pad_edge=False)
    for title, justify in (("规则包", "left"), ("总分", "right"), ("等级", "left"), ("有状态的条款", "right"),
                           ("其中推断", "right")):
        scores.add_column(title, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for p in comparison.packs:
        name = f"{p.id}「{p.title}」" + ("（本证据）" if p.native else "")
        rating = f"{p.rating.label}{stars(p.rating.stars)}" if p.native else f"参考：{p.rating.label}"
        scores.add_row(name, f"{p.total_text} / {p.total_points:g}", rating,
                       f"{p.covered}/{p.clauses}", str(len(p.inferred)) if not p.native else "—")
    table = Table(title="量化指标对照（✓ 达到，✗ 未达到，? 缺数据）", title_justify="left", pad_edge=False)
    table.add_column("指标", overflow="fold")
    table.add_column("本社区", justify="right", no_wrap=True)
    for p in comparison.packs:
        table.add_column(p.id, overflow="fold")
    for indicator in comparison.indicators:
        cells = {p.id: [] for p in comparison.packs}  # type: dict[str, list[str]]
        for cell in indicator.cells:
            cells[cell.pack].append(cell_text(indicator, cell))
        table.add_row(indicator.label, figure(indicator.value, indicator.type, indicator.unit),
                      *["\n".join(cells[p.id]) or "" for p in comparison.packs])
    note = Text("其他规则包的条款状态由对照表（standards/crosswalk/）从本证据推断：等同的照搬，部分重叠或较窄的"
                "“达标”降为“部分达标”，较宽的“达标”可推出对方达标；无对照的条款为未评估。因此推断得分偏保守，"
                "其等级仅供参考；量化指标按本社区数据直接核验，不经推断。", style="dim")
    return Group(head, scores, table, note)
