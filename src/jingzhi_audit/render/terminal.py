"""The terminal view of a result (rich): the figures a 社区书记 wants at a glance."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..result import FLAG_LABELS, REASON_LABELS, Result, stars
from .wording import basis_tag, flag_summary, notices, percent, place, rating_note

BAR_WIDTH = 20
TOP_GAPS = 10


def print_result(result: Result, console: Console | None = None) -> None:
    (console or Console(highlight=False, emoji=False)).print(result_view(result))


def render_text(result: Result, width: int = 110) -> str:
    """The same view as plain text (for ``-o file.txt`` and tests)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False, color_system=None, emoji=False)
    console.print(result_view(result))
    return buffer.getvalue()


def result_view(result: Result) -> RenderableType:
    parts: list[RenderableType] = [_header(result), _categories(result)]
    if result.gaps:
        parts.append(_gaps(result))
    parts.append(_flags(result))
    warning = _warnings(result)
    if warning is not None:
        parts.append(warning)
    return Group(*parts)


def _header(result: Result) -> Panel:
    c = result.community
    where = place(result)
    rating = result.rating
    line1 = Text.assemble(
        ("总分 ", "bold"), (result.total_text, "bold cyan"), f" / {result.total_points:g}    ",
        ("等级 ", "bold"), (rating.label, "bold green" if rating.stars >= 4 else "bold yellow" if rating.stars else "bold red"),
        f" {stars(rating.stars)}" if rating.stars else "",
    )
    line1.append(rating_note(result), style="bold red" if rating.capped_by == "veto" else "yellow")
    pack = result.pack
    line2 = Text(f"规则包 {pack.title} {pack.code or ''}".rstrip(), overflow="fold")
    if pack.provenance == "reconstructed":
        line2.append("（条款措辞为依据公开资料的重构）", style="dim")
    details = []
    if result.assessed_on:
        details.append(f"评估日期 {result.assessed_on}")
    if result.assessor:
        details.append(f"评估人 {result.assessor}")
    body = [line1, line2] + ([Text("  ".join(details), style="dim")] if details else [])
    title = c.name + (f" · {where}" if where else "")
    return Panel(Group(*body), title=title, title_align="left")


def _bar(ratio: float | None) -> Text:
    if ratio is None:
        return Text("—".ljust(BAR_WIDTH), style="dim")
    filled = round(ratio * BAR_WIDTH)
    style = "green" if ratio >= 0.8 else "yellow" if ratio >= 0.6 else "red"
    return Text.assemble(("█" * filled, style), ("░" * (BAR_WIDTH - filled), "dim"))


def _categories(result: Result) -> Table:
    table = Table(title="各类得分", title_justify="left", expand=False, pad_edge=False)
    table.add_column("类别", no_wrap=True)
    table.add_column("分值", justify="right")
    table.add_column("适用", justify="right")
    table.add_column("得分", justify="right")
    table.add_column("得分率", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    for cat in result.categories:
        ratio = percent(cat.ratio)
        flags = "、".join(FLAG_LABELS[f] for f in cat.flags)
        table.add_row(f"{cat.id} {cat.title}", f"{cat.points:g}", f"{cat.applicable:g}", cat.score_text,
                      _bar(cat.ratio), ratio + (f" {flags}" if flags else ""))
    table.add_section()
    table.add_row("合计", f"{result.total_points:g}", "", result.total_text, "", "")
    return table


def _gaps(result: Result) -> Table:
    shown = result.gaps[:TOP_GAPS]
    title = f"失分最多的 {len(shown)} 项（共 {len(result.gaps)} 项差距）"
    table = Table(title=title, title_justify="left", show_lines=False, pad_edge=False)
    table.add_column("条款", no_wrap=True)
    # Chinese has no spaces to wrap at: "fold" breaks lines inside a sentence instead of cutting it.
    table.add_column("内容", ratio=2, overflow="fold")
    table.add_column("原因", no_wrap=True)
    table.add_column("失分", justify="right", no_wrap=True)
    table.add_column("整改建议", ratio=3, overflow="fold")
    for gap in shown:
        table.add_row(gap.clause, (gap.title or gap.text) + basis_tag(gap.figure_basis), REASON_LABELS[gap.reason],
                      f"{gap.points_lost:.2f}",
                      gap.guidance)
    return table


def _flags(result: Result) -> Text:
    return Text("标记：" + flag_summary(result), style="dim")


def _warnings(result: Result) -> Text | None:
    lines = notices(result)
    if not lines:
        return None
    return Text("\n".join(f"⚠ {line}" for line in lines), style="bold yellow")
