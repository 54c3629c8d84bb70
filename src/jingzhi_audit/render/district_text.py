"""The terminal view of a district summary (the full tables are in summary.xlsx / summary.pdf).

Laid out for the console's width (``render.fit``): at 80 or 60 columns the per-category scores
and the reasons give way first; the rank, the community, its total and its rating always stay.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..result import REASON_LABELS, stars
from ..result.district import DistrictSummary, RankedRow
from .district_cycle import change_cell, changes_view
from .district_review import review_lines
from .fit import Cell, Column, fit_table, fits, flow, wrap
from .terminal import WIDTH
from .wording import percent, printable

TOP = 15
BOTTOM = 5
CLAUSES = 10


def summary_view(summary: DistrictSummary, written: list[str], width: int = WIDTH) -> RenderableType:
    """Header, rating distribution, ranking, category statistics, weak clauses, exceptions, footer."""
    parts: list[RenderableType] = [_header(summary, width)]
    if summary.warnings:
        parts.append(_lines([f"⚠ {w}" for w in summary.warnings], width, "bold yellow"))
    if summary.ranking:  # nothing graded: no empty tables, the failures below say why
        parts.append(_distribution(summary, width))
        parts.append(_ranking(summary, width))
        parts.append(_categories(summary, width))
    if summary.clauses_missed:
        parts.append(_clauses(summary, width))
    for title, names in summary.attention():
        if names:
            shown = "、".join(names[:20]) + (f" 等 {len(names)} 个" if len(names) > 20 else "")
            parts.append(_lines([f"{title}（{len(names)}）：{shown}"], width, "yellow"))
    review = [printable(line) for line in review_lines(summary)]
    if review:
        parts.append(_lines(review, width, "yellow"))
    if summary.failed:
        lines = [f"无法评分的文件（{len(summary.failed)}）："]
        for failed in summary.failed:  # each error already names its file and line
            first = failed.errors[0] if failed.errors else failed.path
            more = f"（另有 {len(failed.errors) - 1} 个问题）" if len(failed.errors) > 1 else ""
            lines.append(f"  {first}{more}")
        parts.append(_lines(lines, width, "red"))
    if summary.unsupported:  # passed over for their format: say which, and what to do
        skipped = [f"因格式不支持而未读取的文件（{len(summary.unsupported)}）："]
        skipped += [f"  {s.path}：{s.reason}" for s in summary.unsupported]
        parts.append(_lines(skipped, width, "yellow"))
    if summary.cycle is not None:
        parts.append(changes_view(summary.cycle))
    parts.append(_lines([footer(summary)], width, "bold"))
    if written:
        parts.append(_lines(["已写入：" + "、".join(written)], width, "dim"))
    return Group(*parts)


def footer(summary: DistrictSummary) -> str:
    """The closing count, the same figures as the header: files = graded + not graded."""
    return f"合计：证据文件 {summary.files} 个，已评分 {summary.graded} 个，无法评分 {len(summary.failed)} 个。"


def marks(ranked: RankedRow) -> list[str]:
    """The short marks of a ranking row (一票否决, 依据不足, 缺少佐证 …)."""
    r = ranked.row
    out = []
    if r.vetoes:
        out.append("一票否决")
    if r.insufficient or r.rating.capped_by == "na_cap":
        out.append("依据不足")
    if not r.complete:
        out.append("不完整")
    if r.flags.mismatch:
        out.append(f"不符{r.flags.mismatch}")
    if r.flags.unevidenced:
        out.append(f"缺少佐证{r.flags.unevidenced}")
    if r.rating.capped_by == "gate" and r.rating.gate is not None:
        out.append(r.rating.gate.message)
    return out


def _lines(lines: list[str], width: int, style: str) -> Text:
    return Text("\n".join(w for line in lines for w in wrap(line, width)), style=style)


def _header(summary: DistrictSummary, width: int) -> Text:
    counts = f"已评分 {summary.graded} / {summary.files}" + (f"，无法评分 {len(summary.failed)}" if summary.failed else "")
    pack = f"规则包 {summary.pack}" + (f"「{summary.pack_title}」" if summary.pack_title else "")
    items = [summary.heading, *([pack] if summary.pack else []), counts]
    if summary.average_total is not None:
        items.append(f"平均总分 {summary.average_total:.1f}")
    if summary.folder_note:
        items.append(f"证据文件夹 {summary.folder_note}")
    text = Text(flow(items, width, sep="  "))
    text.stylize("bold", 0, len(summary.heading))
    text.highlight_words([counts], "cyan")
    return text


def _distribution(summary: DistrictSummary, width: int) -> Table:
    bands = [f"{b.label}{stars(b.stars)}" for b in summary.ratings]
    across = [Column(b, "right") for b in bands]
    row: list[list[Cell] | None] = [[str(b.count) for b in summary.ratings]]
    if fits(across, row, width):
        return fit_table(across, row, width, title="等级分布")[0]
    down: list[list[Cell] | None] = [[band, str(b.count)] for band, b in zip(bands, summary.ratings, strict=True)]
    return fit_table([Column("等级"), Column("社区数", "right")], down, width, title="等级分布")[0]


def _ranking(summary: DistrictSummary, width: int) -> Table:
    rows = summary.ranking
    shown = rows if len(rows) <= TOP + BOTTOM else rows[:TOP] + rows[-BOTTOM:]
    title = "总分排名" if shown is rows else f"总分排名（前 {TOP} 名与后 {BOTTOM} 名，完整排名见 summary.xlsx）"
    categories = [Column(c.title.removeprefix("社区"), "right", drop=3, group="categories") for c in summary.categories]
    comparable = summary.cycle is not None and summary.cycle.comparable
    changes = summary.cycle.by_path() if summary.cycle is not None and comparable else {}
    change = [Column("变化", "right", drop=4)] if changes else []  # 与上次评估相比: only with an earlier one
    columns = [Column("排名", "right"), Column("社区", wrap=True, floor=8), Column("街道", drop=2),
               Column("总分", "right"), Column("等级"), *change, *categories,
               Column("标记", wrap=True, floor=10, drop=1, items="、")]

    def table(fold_street: bool) -> tuple[Table, list[Column]]:
        body: list[list[Cell] | None] = []
        for i, ranked in enumerate(shown):
            if shown is not rows and i == TOP:
                body.append(["", f"（中间 {len(rows) - TOP - BOTTOM} 名略）", "", "", "", *[""] * len(change),
                             *[""] * len(categories), ""])
            r = ranked.row
            name = ranked.shown + (f"\n{r.street}" if fold_street and r.street else "")
            moved = [change_cell(changes.get(r.path))] if change else []
            body.append([str(ranked.rank), name, r.street or "", r.total_text, r.rating.label, *moved,
                         *[c.score_text for c in r.categories], "、".join(marks(ranked))])
        if fold_street:  # the street goes under the name instead of in a column of its own
            body = [b[:2] + b[3:] if b else b for b in body]
            return fit_table(columns[:2] + columns[3:], body, width, title=title)
        return fit_table(columns, body, width, title=title)

    built, dropped = table(fold_street=False)
    if any(c.header == "街道" for c in dropped):
        built, _ = table(fold_street=True)
    return built


def _categories(summary: DistrictSummary, width: int) -> Table:
    columns = [Column("类别", wrap=True, floor=11), Column("分值", "right", drop=2), Column("平均分", "right"),
               Column("平均得分率", "right", drop=3), Column("极差", "right", drop=4),
               Column("最低", wrap=True, floor=10, drop=1)]
    rows: list[list[Cell] | None] = [
        [f"{c.id} {c.title}", f"{c.points:g}", f"{c.average:.2f}", percent(c.average_ratio), f"{c.spread:.2f}",
         f"{c.lowest}（{c.lowest_score:.2f}）"] for c in summary.categories]
    return fit_table(columns, rows, width, title="分类统计")[0]


def _clauses(summary: DistrictSummary, width: int) -> Table:
    columns = [Column("条款"), Column("名称", wrap=True, floor=8), Column("社区数", "right"),
               Column("合计失分", "right", drop=2), Column("原因", wrap=True, floor=12, drop=1)]
    rows: list[list[Cell] | None] = []
    for m in summary.clauses_missed[:CLAUSES]:
        reasons = "、".join(f"{REASON_LABELS.get(k, k)}{v}" for k, v in m.reasons.items())
        rows.append([m.clause, m.title or "", str(m.communities), f"{m.points_lost:.2f}", reasons])
    title = f"全区高频失分条款（前 {min(CLAUSES, len(summary.clauses_missed))} 项）"
    return fit_table(columns, rows, width, title=title)[0]
