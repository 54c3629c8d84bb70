"""Terminal (rich) and Markdown views of a diff, a ledger check and the archive's history.

They format what they are given and never compute a figure. The terminal views fit 80 columns.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..result import stars
from ..result.cycle import (
    OUTCOME_LABELS,
    AssessmentRow,
    ClauseChange,
    CommunityHistory,
    Diff,
    DistrictHistory,
    PlanCheck,
    Side,
)

GROUPS = (("fixed", "已整改（上次有差距，本次没有）"), ("regressed", "退步（上次无差距，本次有差距）"),
          ("persisting", "仍未整改（两次都有差距）"), ("new", "新增条款的差距（上次结果中没有此条款）"))


def signed(value: float | None, places: int = 1) -> str:
    """``+5.6`` / ``-2.0`` / ``0.0`` / ``—``."""
    if value is None:
        return "—"
    text = f"{value:+.{places}f}"
    return text[1:] if float(text) == 0 else text


def band_words(change: int) -> str:
    """A rating change in words (升 1 档, 降 2 档, 不变)."""
    if change > 0:
        return f"升 {change} 档"
    if change < 0:
        return f"降 {-change} 档"
    return "等级不变"


def credit(value: float | None) -> str:
    """A clause credit as a percentage, or —."""
    return "不适用" if value is None else f"{value * 100:.0f}%"


def _side(s: Side) -> str:
    return f"{s.assessed_on or '日期未填'} 总分 {s.total_text}，{s.rating_label}{stars(s.rating_stars)}"


def diff_view(d: Diff, plan: PlanCheck | None = None) -> RenderableType:
    """``audit diff`` in the terminal."""
    packs = d.current.pack if d.previous.pack == d.current.pack else f"{d.previous.pack} → {d.current.pack}（经对照表）"
    parts: list[RenderableType] = [
        Text.assemble((d.current.community, "bold"), f"  规则包 {packs}"),
        Text(f"上次：{_side(d.previous)}"),
        Text(f"本次：{_side(d.current)}"),
        Text.assemble("变化：总分 ", (signed(d.total_change), "bold green" if d.total_change > 0 else
                                    "bold red" if d.total_change < 0 else "bold"), f"，{band_words(d.rating_change)}；"
                      f"已整改 {len(d.fixed)}、退步 {len(d.regressed)}、仍未整改 {len(d.persisting)}、"
                      f"新增 {len(d.new)}"),
    ]
    if d.categories:
        cats = Table(title="各类得分", title_justify="left", pad_edge=False)
        for name, justify in (("类别", "left"), ("上次", "right"), ("本次", "right"), ("变化", "right")):
            cats.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for c in d.categories:
            cats.add_row(f"{c.id} {c.title}", f"{c.previous:.2f}", f"{c.current:.2f}", signed(c.change, 2))
        parts.append(cats)
    for key, title in GROUPS:
        changes: list[ClauseChange] = getattr(d, key)
        if changes:
            parts.append(_clause_table(f"{title}：{len(changes)} 条", changes))
    for label, ids in (("只在上次结果中的条款", d.only_previous), ("只在本次结果中的条款", d.only_current)):
        if ids:
            parts.append(Text(f"{label}（{len(ids)}）：{'、'.join(ids[:30])}{' 等' if len(ids) > 30 else ''}",
                              style="dim"))
    if plan is not None:
        parts.append(plan_view(plan))
    return Group(*parts)


def _clause_table(title: str, changes: list[ClauseChange]) -> Table:
    table = Table(title=title, title_justify="left", pad_edge=False)
    table.add_column("条款", no_wrap=True)
    table.add_column("名称", overflow="fold", max_width=30)
    table.add_column("上次", justify="right", no_wrap=True)
    table.add_column("本次", justify="right", no_wrap=True)
    table.add_column("上次失分", justify="right", no_wrap=True)
    table.add_column("本次失分", justify="right", no_wrap=True)
    for c in changes:
        ident = c.id if c.previous_id in (None, c.id) else f"{c.id}←{c.previous_id}"
        table.add_row(ident, Text(c.title or ""), credit(c.previous_credit), credit(c.current_credit),
                      f"{c.previous_points_lost:.2f}", f"{c.points_lost:.2f}")
    return table


def plan_view(plan: PlanCheck) -> RenderableType:
    """The ledger check: one line per row, with what the assessment says of it."""
    counts = "，".join(f"{OUTCOME_LABELS[k]} {v}" for k, v in plan.counts.items() if v)
    head = Text(f"整改台账 {plan.ledger}（{len(plan.rows)} 项）：{counts or '无'}", style="bold")
    parts: list[RenderableType] = [head]
    if plan.same_assessment:
        parts.append(Text("注意：台账由这次评估本身生成，尚无新的评估可核对。", style="yellow"))
    table = Table(pad_edge=False)
    for name, justify in (("行", "right"), ("条款", "left"), ("责任人", "left"), ("完成时限", "left"),
                          ("进度", "left"), ("核对结果", "left")):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    styles = {"confirmed": "green", "contradicted": "bold red", "overdue": "red", "open": "", "missing": "dim"}
    for r in plan.rows:
        table.add_row(str(r.row), r.clause, Text(r.owner or ""), r.deadline or "", r.progress or "",
                      Text(OUTCOME_LABELS[r.outcome], style=styles[r.outcome]))
    parts.append(table)
    return Group(*parts)


def _md(text: str | None) -> str:
    """Evidence text in a Markdown table cell: literal, never markup."""
    if not text:
        return ""
    out = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for ch in "*_`[]<>#":
        out = out.replace(ch, "\\" + ch)
    return out


def diff_markdown(d: Diff, plan: PlanCheck | None = None) -> str:
    """``audit diff -f markdown``."""
    lines = [f"# {_md(d.current.community)}：与上次评估相比", "",
             f"- 上次：{_md(_side(d.previous))}（规则包 {d.previous.pack} {d.previous.pack_version}）",
             f"- 本次：{_md(_side(d.current))}（规则包 {d.current.pack} {d.current.pack_version}）",
             f"- 总分变化 **{signed(d.total_change)}**，{band_words(d.rating_change)}；已整改 {len(d.fixed)}、"
             f"退步 {len(d.regressed)}、仍未整改 {len(d.persisting)}、新增 {len(d.new)}", ""]
    if d.categories:
        lines += ["## 各类得分", "", "| 类别 | 上次 | 本次 | 变化 |", "|---|---:|---:|---:|"]
        lines += [f"| {c.id} {_md(c.title)} | {c.previous:.2f} | {c.current:.2f} | {signed(c.change, 2)} |"
                  for c in d.categories]
        lines.append("")
    for key, title in GROUPS:
        changes: list[ClauseChange] = getattr(d, key)
        lines += [f"## {title}：{len(changes)} 条", ""]
        if changes:
            lines += ["| 条款 | 名称 | 上次 | 本次 | 上次失分 | 本次失分 |", "|---|---|---:|---:|---:|---:|"]
            lines += [f"| {c.id} | {_md(c.title)} | {credit(c.previous_credit)} | {credit(c.current_credit)} | "
                      f"{c.previous_points_lost:.2f} | {c.points_lost:.2f} |" for c in changes]
            lines.append("")
    for label, ids in (("只在上次结果中的条款", d.only_previous), ("只在本次结果中的条款", d.only_current)):
        if ids:
            lines += [f"{label}：{'、'.join(ids)}", ""]
    if plan is not None:
        lines += [f"## 整改台账核对（{_md(plan.ledger)}）", "", "| 行 | 条款 | 责任人 | 完成时限 | 进度 | 核对结果 |",
                  "|---:|---|---|---|---|---|"]
        lines += [f"| {r.row} | {r.clause} | {_md(r.owner)} | {r.deadline or ''} | {r.progress or ''} | "
                  f"{OUTCOME_LABELS[r.outcome]} |" for r in plan.rows]
        lines.append("")
    return "\n".join(lines)


def reviewed(a: AssessmentRow) -> str:
    """The reviewed (official) figures of an archived assessment: 「95.0 良好」, marked when lapsed
    or unsigned; empty without a review."""
    r = a.review
    if r is None or r.state == "none":
        return ""
    marks = [m for m in ("已失效" if r.state == "lapsed" else "", "" if r.signed else "未签署") if m]
    return f"{r.total_text} {r.rating_label}" + (f"（{'，'.join(marks)}）" if marks else "")


def history_view(h: CommunityHistory | DistrictHistory) -> RenderableType:
    """``audit history`` in the terminal: one community's assessments, or the district's latest
    (with a 复核后 column when any of them was recorded with an inspector's review)."""
    if isinstance(h, CommunityHistory):
        c = h.community
        head = Text.assemble((c.name, "bold"), f"  {' '.join(x for x in (c.district, c.street) if x)}"
                             f"{'  社区代码 ' + c.code if c.code else ''}  归档编号 {c.id}")
        table = Table(pad_edge=False)
        with_review = any(reviewed(a) for a in h.assessments)
        for name, justify in (("编号", "right"), ("评估日期", "left"), ("总分", "right"), ("等级", "left"), ("变化", "right"),
                              ("差距", "right"), ("规则包", "left")) + ((("复核后", "left"),) if with_review else ()):
            table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for a in h.assessments:
            table.add_row(str(a.id), a.assessed_on, a.total_text, f"{a.rating_label}{stars(a.rating_stars)}", signed(a.change),
                          str(a.gaps), f"{a.pack_id} {a.pack_version}", *((reviewed(a),) if with_review else ()))
        return Group(head, table)
    table = Table(title=f"{h.district or '全部'}社区：最近一次评估与上次相比（{len(h.communities)} 个）",
                  title_justify="left", pad_edge=False)
    with_review = any(reviewed(row.latest) for row in h.communities)
    for name, justify in (("编号", "right"), ("社区", "left"), ("街道", "left"), ("次数", "right"),
                          ("最近评估", "left"), ("总分", "right"), ("等级", "left"), ("变化", "right")) + (
                              (("复核后", "left"),) if with_review else ()):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in h.communities:
        a = row.latest
        table.add_row(str(row.community.id), Text(row.community.name), Text(row.community.street or ""),
                      str(row.assessments), a.assessed_on, a.total_text, a.rating_label, signed(a.change),
                      *((reviewed(a),) if with_review else ()))
    return table


def history_markdown(h: CommunityHistory | DistrictHistory) -> str:
    """``audit history -f markdown``."""
    if isinstance(h, CommunityHistory):
        with_review = any(reviewed(a) for a in h.assessments)
        extra, rule = (" 复核后 |", "---|") if with_review else ("", "")
        lines = [f"# {_md(h.community.name)} 评估历史", "", f"| 评估日期 | 总分 | 等级 | 变化 | 差距 | 规则包 |{extra}",
                 f"|---|---:|---|---:|---:|---|{rule}"]
        lines += [f"| {a.assessed_on} | {a.total_text} | {a.rating_label} | {signed(a.change)} | {a.gaps} | "
                  f"{a.pack_id} {a.pack_version} |" + (f" {reviewed(a)} |" if with_review else "") for a in h.assessments]
        return "\n".join(lines) + "\n"
    with_review = any(reviewed(r.latest) for r in h.communities)
    extra, rule = (" 复核后 |", "---|") if with_review else ("", "")
    lines = [f"# {_md(h.district or '全部')}社区评估历史", "",
             f"| 编号 | 社区 | 街道 | 次数 | 最近评估 | 总分 | 等级 | 变化 |{extra}",
             f"|---:|---|---|---:|---|---:|---|---:|{rule}"]
    lines += [f"| {r.community.id} | {_md(r.community.name)} | {_md(r.community.street)} | {r.assessments} | "
              f"{r.latest.assessed_on} | {r.latest.total_text} | {r.latest.rating_label} | {signed(r.latest.change)} |"
              + (f" {reviewed(r.latest)} |" if with_review else "") for r in h.communities]
    return "\n".join(lines) + "\n"
