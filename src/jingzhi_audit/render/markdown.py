"""A Markdown report of a result: for 公众号/OA systems and for reviewing in a pull request."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..pack.model import RECONSTRUCTED_NOTE
from ..result import FLAG_LABELS, REASON_LABELS, STATUS_LABELS, Result, stars
from .wording import basis_tag, flag_summary, notices, percent, place, rating_note, review_lines

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # text never starts a line here: no # or - needed


def _cell(text: str | None) -> str:
    """Text from a pack or evidence as data in Markdown: no HTML (``<script>``, ``<img onerror>``),
    no links or images (``[x](javascript:…)``), no emphasis, no table breaks, no line breaks."""
    if not text:
        return ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))
    return text


def _review(result: Result, add: Callable[[str], None]) -> None:
    rv = result.review
    assert rv is not None
    add("## 复核意见")
    add("")
    for line in review_lines(result):
        add(f"- {_cell(line)}")
    add("")
    add("| 类别 | 自评得分 | 复核后得分 |")
    add("|---|---:|---:|")
    for c in rv.categories:
        add(f"| {c.id} {c.title} | {c.self_score_text} | {c.score_text} |")
    add(f"| **合计** | {result.total_text} | **{rv.total_text}** |")
    add("")
    if rv.disagreements:
        add("| 条款 | 自评 | 复核认定 | 分差 | 复核意见 |")
        add("|---|---|---|---:|---|")
        for d in rv.disagreements:
            add(f"| {d.clause} | {STATUS_LABELS[d.self_status]} | {STATUS_LABELS[d.status]} | {d.difference:+.2f} | "
                f"{_cell(d.comment)} |")
        add("")


def render_markdown(result: Result) -> str:
    """The gap report as Markdown (text from evidence escaped)."""
    c, pack, rating = result.community, result.pack, result.rating
    out: list[str] = []
    add = out.append
    add(f"# {_cell(c.name)} 社区评估报告")
    add("")
    add(f"- 地区：{_cell(place(result)) or '—'}")
    add(f"- 标准：{_cell(pack.code)} 《{_cell(pack.title)}》（规则包 {_cell(pack.id)} {_cell(pack.version)}）"
        .replace("  ", " "))
    if pack.provenance == "reconstructed":
        add(f"- 说明：{RECONSTRUCTED_NOTE}。")
    if result.assessed_on:
        add(f"- 评估日期：{result.assessed_on}")
    if result.assessor:
        add(f"- 评估人：{_cell(result.assessor)}")
    add(f"- **总分：{result.total_text} / {result.total_points:g}**")
    add(f"- **等级：{rating.label} {stars(rating.stars)}{rating_note(result)}**")
    for line in notices(result):
        add(f"\n> ⚠ {line}")
    add("")
    add("## 各类得分")
    add("")
    add("| 类别 | 分值 | 适用分值 | 条款得分 | 得分率 | 折算得分 | 标记 |")
    add("|---|---:|---:|---:|---:|---:|---|")
    for cat in result.categories:
        flags = "、".join(FLAG_LABELS[f] for f in cat.flags)
        add(f"| {_cell(cat.id)} {_cell(cat.title)} | {cat.points:g} | {cat.applicable:g} | {cat.earned:g} | "
            f"{percent(cat.ratio)} | {cat.score_text} | {flags} |")
    add(f"| **合计** | {result.total_points:g} | | | | **{result.total_text}** | |")
    add("")
    add(f"## 整改清单（{len(result.gaps)} 项，按失分排序）")
    add("")
    if result.gaps:
        add("| 序号 | 条款 | 要求 | 原因 | 失分 | 整改建议 |")
        add("|---:|---|---|---|---:|---|")
        for n, gap in enumerate(result.gaps, 1):
            add(f"| {n} | {_cell(gap.clause)} | {_cell(gap.text)}{basis_tag(gap.figure_basis)} | {REASON_LABELS[gap.reason]} | "
                f"{gap.points_lost:.2f} | {_cell(gap.guidance)} |")
    else:
        add("全部适用条款均已达标。")
    add("")
    if result.review is not None:
        _review(result, add)
    add("## 标记")
    add("")
    add(flag_summary(result))
    na = [cl for cl in result.clauses if cl.status == "na"]
    if na:
        add("")
        add("### 不适用条款及理由")
        add("")
        for cl in na:
            add(f"- {_cell(cl.id)} {_cell(cl.title or cl.text)}：{_cell(cl.reason)}")
    add("")
    add("## 条款明细")
    for cat in result.categories:
        add("")
        add(f"### {_cell(cat.id)} {_cell(cat.title)}（{cat.score_text} / {cat.points:g}）")
        add("")
        add("| 条款 | 要求 | 状态 | 分值 | 得分 | 标记 |")
        add("|---|---|---|---:|---:|---|")
        for cl in result.clauses:
            if cl.category != cat.id:
                continue
            flags = "、".join(FLAG_LABELS[f] for f in cl.flags if f != "verified")
            add(f"| {_cell(cl.id)} | {_cell(cl.text)}{basis_tag(cl.figure_basis)} | {STATUS_LABELS[cl.status]} | {cl.points:g} | "
                f"{'—' if cl.status == 'na' else f'{cl.earned:g}'} | {flags} |")
    add("")
    add("---")
    add(f"由 {result.tool.name} {result.tool.version} 生成于 {result.generated_at}；"
        f"规则包 SHA-256 `{pack.sha256[:16]}…`，证据文件 SHA-256 `{result.evidence.sha256[:16]}…`。")
    return "\n".join(out) + "\n"
