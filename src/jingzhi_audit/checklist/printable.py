"""The checklist for paper: Markdown and PDF, with the same content as the workbook."""

from __future__ import annotations

from ..exact import decimal_text
from ..pack import Pack
from ..pack.model import RECONSTRUCTED_NOTE

BOXES = "□达标　□部分达标　□未达标　□不适用"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def checklist_markdown(pack: Pack) -> str:
    """The printable checklist as Markdown."""
    meta = pack.meta
    out = [f"# 《{meta.title}》{meta.code or ''} 社区自评表".replace("  ", " "), ""]
    out.append(f"规则包 {meta.id}，版本 {meta.version}。共 {len(pack.categories)} 类 {sum(len(c.items) for c in pack.categories)} 项 "
               f"{len(pack.index)} 条，总分 {decimal_text(meta.total_points)}。")
    if meta.provenance == "reconstructed":
        out.append("")
        out.append(f"> 注意：{RECONSTRUCTED_NOTE}。")
    out += ["", "社区名称：__________　区（市）：__________　街道：__________　评估日期：__________　评估人：__________", "",
            "填写方法：每条勾选一个状态；选“不适用”须写明理由；部分达标且列有细项的，须勾选已达到的细项。", ""]
    facts = pack.used_facts()
    if facts:
        out += ["## 社区数据", "", "| 数据项 | 数值 | 单位 |", "|---|---|---|"]
        for name in facts:
            fact = pack.facts[name]
            unit = fact.unit or {"ratio": "%", "boolean": "是/否"}.get(fact.type, "")
            out.append(f"| {_cell(fact.label)} | | {unit} |")
        out.append("")
    for category in pack.categories:
        out += [f"## {category.id} {category.title}（{decimal_text(category.points)} 分）", ""]
        for item in category.items:
            out += [f"### {item.id} {item.title}", "", "| 条款 | 要求 | 分值 | 佐证 | 状态 | 说明或理由 |",
                    "|---|---|---:|---|---|---|"]
            for clause in item.clauses:
                text = (f"**{clause.title}** " if clause.title else "") + clause.text
                if clause.criteria:
                    text += "<br>细项：" + "；".join(f"□{c.id}. {c.text}" for c in clause.criteria)
                if not clause.na_allowed:
                    text += "（不允许不适用）"
                out.append(f"| {clause.id} | {_cell(text)} | {decimal_text(clause.points)} | {_cell(clause.evidence_hint)} | "
                           f"{BOXES} | |")
            out.append("")
    out += ["---", "", "自评小组（签字）：__________　　审核人（签字）：__________　　日期：__________", ""]
    return "\n".join(out)


def checklist_html(pack: Pack) -> str:
    """The printable checklist as HTML (for the PDF)."""
    from ..render.html_report import environment, stylesheet

    return environment().get_template("checklist.html.j2").render(pack=pack, css=stylesheet(), boxes=BOXES,
                                                                   num=decimal_text, reconstructed=RECONSTRUCTED_NOTE)


def checklist_pdf(pack: Pack) -> bytes:
    """The printable checklist as PDF bytes."""
    from ..render.pdf import html_to_pdf

    return html_to_pdf(checklist_html(pack))
