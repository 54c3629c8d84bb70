"""Wording shared by every renderer (terminal, Markdown, HTML/PDF), so that they say the same."""

from __future__ import annotations

from ..result import FLAG_LABELS, AutoCheck, ClauseResult, Result


def place(result: Result) -> str:
    """``环翠区 鲸园街道`` — the community's district and street."""
    c = result.community
    return " ".join(x for x in (c.district, c.street) if x)


def notices(result: Result) -> list[str]:
    """Warnings a reader must see: vetoes, an incomplete assessment, too much N/A."""
    lines: list[str] = []
    triggered = [v.title for v in result.vetoes if v.triggered]
    if triggered:
        lines.append(f"一票否决：{'；'.join(triggered)}。等级为{result.rating.label}，得分仍照常计算。")
    if not result.complete:
        reasons = []
        if result.flag_counts.unassessed:
            reasons.append(f"{result.flag_counts.unassessed} 条未评估（按 0 分计）")
        unknown = [v.title for v in result.vetoes if v.triggered is None]
        if unknown:
            reasons.append("一票否决事项缺少数据：" + "；".join(unknown))
        lines.append("评估不完整：" + "；".join(reasons) + "。")
    gate = result.rating.gate
    if gate is not None and not triggered:
        bands = "、".join(b.label for b in result.pack.ratings if any(g.id == gate.id for g in b.gates))
        lines.append(f"等级条件：{gate.message}（{bands}须“{gate.label}”）。")
    insufficient = [f"{c.id} {c.title}" for c in result.categories if "insufficient_basis" in c.flags]
    if insufficient:
        message = f"依据不足：{'、'.join(insufficient)} 的不适用条款超过本类分值的 {result.pack.na_cap * 100:g}%"
        cap = na_cap_label(result)
        capped = cap is not None and not triggered  # a veto already decides the rating
        lines.append(message + (f"，等级最高为{cap}。" if capped else "。"))
    return lines


def na_cap_label(result: Result) -> str | None:
    """The highest rating a category with too much N/A allows, if the pack sets one."""
    return next((r.label for r in result.pack.ratings if r.id == result.pack.na_cap_rating), None)


def flag_summary(result: Result) -> str:
    counts = result.flag_counts
    parts = [
        f"{FLAG_LABELS['unevidenced']} {counts.unevidenced}",
        f"{FLAG_LABELS['missing_attachment']} {counts.missing_attachment}",
        f"{FLAG_LABELS['mismatch']} {counts.mismatch}",
        f"{FLAG_LABELS['unverified']} {counts.unverified}",
        f"{FLAG_LABELS['unassessed']} {counts.unassessed}",
        f"不适用 {counts.na}",
    ]
    return " · ".join(parts)


def rating_note(result: Result) -> str:
    if result.rating.capped_by == "veto":
        return "（一票否决）"
    if result.rating.capped_by == "na_cap":
        return "（不适用比例过高，等级封顶）"
    if result.rating.capped_by == "gate" and result.rating.gate is not None:
        return f"（{result.rating.gate.message}）"
    return ""


ESTIMATED = "工具推定"


def basis_tag(basis: str | None) -> str:
    """「（工具推定）」 after a requirement whose figure rests on the tool's own estimate."""
    return f"（{ESTIMATED}）" if basis == "estimated" else ""


def gate_note(result: Result) -> str:
    """The gate that held a community back, for district tables (empty when none did)."""
    gate = result.rating.gate
    return gate.message if gate is not None and result.rating.capped_by == "gate" else ""


def checks_of(clause: ClauseResult) -> list[tuple[str, AutoCheck]]:
    """A clause's automatic checks with a label: its own (""), or each criterion's (「细项 a：」)."""
    found = [("", clause.auto)] if clause.auto is not None else []
    return found + [(f"细项 {c.id}：", c.auto) for c in clause.criteria if c.auto is not None]


def percent(ratio: float | None) -> str:
    return f"{ratio * 100:.1f}%" if ratio is not None else "—"
