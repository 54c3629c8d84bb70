"""The terminal view of a result (rich): the figures a 社区书记 wants at a glance."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..result import FLAG_LABELS, REASON_LABELS, STATUS_LABELS, Result, stars
from .fit import Cell, Column, fit_table, flow, text_width, wrap
from .wording import (
    basis_tag,
    flag_parts,
    notices,
    percent,
    place,
    printable,
    rating_note,
    review_lines,
)

BAR_WIDTH = 20
TOP_GAPS = 10
WIDTH = 110
"""The width of ``-o file.txt`` (a file has no console to ask)."""


def to_text(view: RenderableType, width: int = WIDTH) -> str:
    """A terminal view as plain text at a fixed width (for ``-o file.txt`` and tests)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False, color_system=None, emoji=False)
    console.print(view)
    return buffer.getvalue()


def render_text(result: Result, width: int = WIDTH) -> str:
    """The result's terminal view as plain text."""
    return to_text(result_view(result, width), width)


def result_view(result: Result, width: int = WIDTH) -> RenderableType:
    """Header, category scores, the review, the largest gaps, flags and warnings, laid out for ``width``."""
    parts: list[RenderableType] = [_header(result, width), _categories(result, width)]
    if result.review is not None:
        parts.append(_review(result))
    if result.gaps:
        parts.extend(_gaps(result, width))
    parts.append(_flags(result, width))
    warning = _warnings(result, width)
    if warning is not None:
        parts.append(warning)
    return Group(*parts)


def _header(result: Result, width: int) -> Panel:
    c = result.community
    where = place(result)
    rating = result.rating
    inner = max(width - 4, 20)
    style = "bold green" if rating.stars >= 4 else "bold yellow" if rating.stars else "bold red"
    total = f"总分 {result.total_text} / {result.total_points:g}"
    grade = f"等级 {rating.label}" + (f" {stars(rating.stars)}" if rating.stars else "") + rating_note(result)
    line1 = Text(flow([total, grade], inner, sep="    "))
    line1.highlight_words([result.total_text], "bold cyan")
    line1.highlight_words([rating.label], style)
    pack = result.pack
    line2 = Text(f"规则包 {pack.title} {pack.code or ''}".rstrip(), overflow="fold")
    if pack.provenance == "reconstructed":
        line2.append("（条款措辞为依据公开资料的重构）", style="dim")
    details = []
    if result.assessed_on:
        details.append(f"评估日期 {result.assessed_on}")
    if result.assessor:
        details.append(f"评估人 {result.assessor}")
    body: list[RenderableType] = [line1, line2]
    if details:
        body.append(Text(flow(details, inner, sep="  "), style="dim"))
    title = c.name + (f" · {where}" if where else "")
    if text_width(title) <= width - 6:
        return Panel(Group(*body), title=title, title_align="left")
    # a title too long for the border would be cut: the name goes inside, whole
    name = Text(c.name, style="bold", overflow="fold")
    return Panel(Group(name, *([Text(where)] if where else []), *body))


def _bar(ratio: float | None) -> Text:
    if ratio is None:
        return Text("—".ljust(BAR_WIDTH), style="dim")
    filled = round(ratio * BAR_WIDTH)
    style = "green" if ratio >= 0.8 else "yellow" if ratio >= 0.6 else "red"
    return Text.assemble(("█" * filled, style), ("░" * (BAR_WIDTH - filled), "dim"))


CATEGORY_COLUMNS = (
    Column("类别", wrap=True, floor=8),
    Column("分值", "right", drop=3),
    Column("适用", "right", drop=4),
    Column("得分", "right"),
    Column("", drop=5),  # the bar goes first
    Column("得分率", "right"),
    Column("标记", wrap=True, floor=8, drop=2),
)


def _categories(result: Result, width: int) -> Table:
    rows: list[list[Cell] | None] = []
    for cat in result.categories:
        flags = "、".join(FLAG_LABELS[f] for f in cat.flags)
        rows.append([f"{cat.id} {cat.title}", f"{cat.points:g}", f"{cat.applicable:g}", cat.score_text,
                     _bar(cat.ratio), percent(cat.ratio), flags])
    rows.append(None)
    rows.append(["合计", f"{result.total_points:g}", "", result.total_text, "", "", ""])
    columns = CATEGORY_COLUMNS if any(r and r[6] for r in rows) else CATEGORY_COLUMNS[:-1]
    table, _ = fit_table(columns, [r[:len(columns)] if r else None for r in rows], width, title="各类得分")
    return table


GAP_COLUMNS = (
    Column("条款"),
    Column("内容", wrap=True, floor=10),
    Column("原因"),
    Column("失分", "right"),
    Column("整改建议", wrap=True, floor=30, drop=1),
)


def _gaps(result: Result, width: int) -> list[RenderableType]:
    shown = result.gaps[:TOP_GAPS]
    title = f"失分最多的 {len(shown)} 项（共 {len(result.gaps)} 项差距）"
    rows: list[list[Cell] | None] = [
        [gap.clause, (gap.title or gap.text) + basis_tag(gap.figure_basis), REASON_LABELS[gap.reason], f"{gap.points_lost:.2f}", gap.guidance]
        for gap in shown]
    table, dropped = fit_table(GAP_COLUMNS, rows, width, title=title)
    if not dropped:
        return [table]
    note = Text("\n".join(wrap("窗口较窄，整改建议未显示；完整内容见报告（-o 报告.pdf 或 -o 报告.md）。", width)),
                style="dim")
    return [table, note]


def _review(result: Result) -> RenderableType:
    """The inspector's review: state, reviewed figures per category, disagreements with comments."""
    rv = result.review
    assert rv is not None
    style = "bold green" if rv.state == "valid" else "bold red"
    text = Text(printable("\n".join(review_lines(result))), style=style)  # Text: never markup
    table = Table(title="复核：各类得分", title_justify="left", pad_edge=False)
    table.add_column("类别", no_wrap=True)
    table.add_column("自评", justify="right")
    table.add_column("复核后", justify="right")
    for self_cat in rv.categories:
        table.add_row(f"{self_cat.id} {self_cat.title}", self_cat.self_score_text, self_cat.score_text)
    table.add_section()
    table.add_row("合计", result.total_text, rv.total_text)
    parts: list[RenderableType] = [text, table]
    if rv.disagreements:
        rows = Table(title=f"不同意的条款（{len(rv.disagreements)}，分差大的在前）", title_justify="left", pad_edge=False)
        rows.add_column("条款", no_wrap=True)
        rows.add_column("自评", no_wrap=True)
        rows.add_column("复核认定", no_wrap=True)
        rows.add_column("分差", justify="right", no_wrap=True)
        rows.add_column("复核意见", overflow="fold")
        for d in rv.disagreements:
            rows.add_row(d.clause, STATUS_LABELS[d.self_status], STATUS_LABELS[d.status], f"{d.difference:+.2f}",
                         Text(printable(d.comment)))
        parts.append(rows)
    return Group(*parts)


def _flags(result: Result, width: int) -> Text:
    parts = flag_parts(result)
    return Text(flow([f"标记：{parts[0]}", *parts[1:]], width), style="dim")


def _warnings(result: Result, width: int) -> Text | None:
    lines = notices(result)
    if not lines:
        return None
    return Text("\n".join(w for line in lines for w in wrap(f"⚠ {line}", width)), style="bold yellow")
