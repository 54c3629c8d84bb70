"""Wording shared by every renderer (terminal, Markdown, HTML/PDF), so that they say the same."""

from __future__ import annotations

from ..result import FLAG_LABELS, REVIEW_STATE_LABELS, AutoCheck, ClauseResult, Result

_CONTROL = {c: None for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if c != 0x0A}


def printable(text: str) -> str:
    """Text from a file as the terminal may show it: control characters (escape sequences) removed."""
    return text.translate(_CONTROL)


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
    """``缺少佐证 0 · 佐证文件缺失 1 · …`` — the result's flag counts on one line."""
    return " · ".join(flag_parts(result))


def flag_parts(result: Result) -> list[str]:
    """Each flag with its count (``缺少佐证 0``), to be joined or laid out by the caller."""
    counts = result.flag_counts
    parts = [
        f"{FLAG_LABELS['unevidenced']} {counts.unevidenced}",
        f"{FLAG_LABELS['missing_attachment']} {counts.missing_attachment}",
        f"{FLAG_LABELS['mismatch']} {counts.mismatch}",
        f"{FLAG_LABELS['unverified']} {counts.unverified}",
        f"{FLAG_LABELS['unassessed']} {counts.unassessed}",
        f"不适用 {counts.na}",
    ]
    for flag in EXPIRY_FLAGS:  # shown only when present: most results have none
        n = sum(1 for c in result.clauses if flag in c.flags)
        if n:
            parts.append(f"{FLAG_LABELS[flag]} {n}")
    return parts


EXPIRY_FLAGS = ("na_expired", "na_unapproved", "stale_evidence")


def review_lines(result: Result) -> list[str]:
    """The review in a few sentences (terminal and Markdown say the same)."""
    rv = result.review
    if rv is None:
        return []
    who = (rv.reviewer or "未填写") + (f"（{rv.organization}）" if rv.organization else "")
    head = f"{REVIEW_STATE_LABELS[rv.state]}：复核人 {who}，复核日期 {rv.reviewed_on or '未填写'}，已复核 {rv.reviewed_clauses} 条"
    if rv.state == "valid":
        figures = f"复核后得分 {rv.total_text}（{rv.rating.label}）为正式得分；自评得分 {result.total_text}"
    elif rv.state == "lapsed":
        figures = f"复核后得分 {rv.total_text}（{rv.rating.label}）仅供参考，不作为正式结果；自评得分 {result.total_text}"
    else:
        figures = "复核文件中尚无复核结论"
    lines = [head + "。", figures + "。"]
    lines += [f"复核失效原因：{reason}。" for reason in rv.lapsed_because]
    if rv.seal is not None:
        lines.append(f"已签署：{rv.seal.signed_by}，{rv.seal.signed_on}"
                     + ("" if rv.seal.intact else "（封印与现有文件不符）") + "。")
    return lines


def rating_note(result: Result) -> str:
    """Why the rating is capped, if it is."""
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
    """A ratio as 93.0% (— when none)."""
    return f"{ratio * 100:.1f}%" if ratio is not None else "—"
