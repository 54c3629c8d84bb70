"""The terminal view of a district summary (the full tables are in summary.xlsx / summary.pdf)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..batch.model import DistrictSummary
from ..result import REASON_LABELS, stars
from .common import percent

TOP = 15
BOTTOM = 5
CLAUSES = 10


def summary_view(summary: DistrictSummary, written: list[str]) -> RenderableType:
    parts: list[RenderableType] = [Text.assemble(
        (f"{summary.source}", "bold"), f"  规则包 {summary.pack}「{summary.pack_title}」  ",
        (f"已评分 {summary.graded} / {summary.files}", "cyan"),
        (f"，无法评分 {len(summary.failed)}", "bold red") if summary.failed else "",
        f"，平均总分 {summary.average_total:.1f}" if summary.average_total is not None else "",
    )]
    dist = Table(title="等级分布", title_justify="left", pad_edge=False)
    for band in summary.ratings:
        dist.add_column(f"{band.label}{stars(band.stars)}", justify="right")
    dist.add_row(*[str(b.count) for b in summary.ratings])
    parts.append(dist)
    parts.append(_ranking(summary))
    cats = Table(title="分类统计", title_justify="left", pad_edge=False)
    for name, justify in (("类别", "left"), ("分值", "right"), ("平均分", "right"), ("平均得分率", "right"),
                          ("极差", "right"), ("最低", "left")):
        cats.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for c in summary.categories:
        cats.add_row(f"{c.id} {c.title}", f"{c.points:g}", f"{c.average:.2f}", percent(c.average_ratio),
                     f"{c.spread:.2f}", f"{c.lowest}（{c.lowest_score:.2f}）")
    parts.append(cats)
    if summary.clauses_missed:
        miss = Table(title=f"全区高频失分条款（前 {min(CLAUSES, len(summary.clauses_missed))} 项）",
                     title_justify="left", pad_edge=False)
        for name, justify in (("条款", "left"), ("名称", "left"), ("社区数", "right"), ("合计失分", "right"),
                              ("原因", "left")):
            miss.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for m in summary.clauses_missed[:CLAUSES]:
            reasons = "、".join(f"{REASON_LABELS.get(k, k)}{v}" for k, v in m.reasons.items())
            miss.add_row(m.clause, m.title or "", str(m.communities), f"{m.points_lost:.2f}", reasons)
        parts.append(miss)
    for title, names in (("一票否决", summary.vetoed), ("评估不完整", summary.incomplete),
                         ("自评与数据不符", summary.mismatched)):
        if names:
            shown = "、".join(names[:20]) + (f" 等 {len(names)} 个" if len(names) > 20 else "")
            parts.append(Text(f"{title}（{len(names)}）：{shown}", style="yellow"))
    if summary.failed:
        parts.append(Text(f"无法评分的文件（{len(summary.failed)}）：", style="bold red"))
        for failed in summary.failed:  # each error already names its file and line
            first = failed.errors[0] if failed.errors else failed.path
            more = f"（另有 {len(failed.errors) - 1} 个问题）" if len(failed.errors) > 1 else ""
            parts.append(Text(f"  {first}{more}", style="red"))
    if summary.cycle is not None:
        from ..cycle.summary_view import changes_view

        parts.append(changes_view(summary.cycle))
    if written:
        parts.append(Text("已写入：" + "、".join(written), style="dim"))
    return Group(*parts)


def _ranking(summary: DistrictSummary) -> Table:
    rows = summary.ranking
    shown = rows if len(rows) <= TOP + BOTTOM else rows[:TOP] + rows[-BOTTOM:]
    title = "总分排名" if shown is rows else f"总分排名（前 {TOP} 名与后 {BOTTOM} 名，完整排名见 summary.xlsx）"
    table = Table(title=title, title_justify="left", pad_edge=False)
    table.add_column("排名", justify="right")
    table.add_column("社区", overflow="fold", min_width=6)
    table.add_column("总分", justify="right")
    table.add_column("等级", no_wrap=True)
    table.add_column("变化", justify="right", no_wrap=True)  # 与上次评估相比 (cycle)
    from ..cycle.summary_view import change_cell

    changes = summary.cycle.by_path() if summary.cycle is not None else {}
    for c in summary.categories:
        table.add_column(c.title.removeprefix("社区"), justify="right", no_wrap=True)
    table.add_column("标记", overflow="fold")
    for i, ranked in enumerate(shown):
        if shown is not rows and i == TOP:
            table.add_row("…", "", "", "", "", *[""] * len(summary.categories), "")
        r = ranked.row
        marks = []
        if r.vetoes:
            marks.append("一票否决")
        if not r.complete:
            marks.append("不完整")
        if r.flags.mismatch:
            marks.append(f"不符{r.flags.mismatch}")
        table.add_row(str(ranked.rank), r.name, r.total_text, r.rating.label, change_cell(changes.get(r.path)),
                      *[c.score_text for c in r.categories],
                      "、".join(marks))
    return table
