"""Wording shared by every renderer (terminal, Markdown, HTML/PDF), so that they say the same."""

from __future__ import annotations

from ..result import FLAG_LABELS, Result


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
    """``缺少佐证 0 · 佐证文件缺失 1 · …`` — the result's flag counts on one line."""
    return " · ".join(flag_parts(result))


def flag_parts(result: Result) -> list[str]:
    """Each flag with its count (``缺少佐证 0``), to be joined or laid out by the caller."""
    counts = result.flag_counts
    return [
        f"{FLAG_LABELS['unevidenced']} {counts.unevidenced}",
        f"{FLAG_LABELS['missing_attachment']} {counts.missing_attachment}",
        f"{FLAG_LABELS['mismatch']} {counts.mismatch}",
        f"{FLAG_LABELS['unverified']} {counts.unverified}",
        f"{FLAG_LABELS['unassessed']} {counts.unassessed}",
        f"不适用 {counts.na}",
    ]


def rating_note(result: Result) -> str:
    if result.rating.capped_by == "veto":
        return "（一票否决）"
    if result.rating.capped_by == "na_cap":
        return "（不适用比例过高，等级封顶）"
    return ""


def percent(ratio: float | None) -> str:
    return f"{ratio * 100:.1f}%" if ratio is not None else "—"
