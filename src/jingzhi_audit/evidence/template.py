"""``audit init``: a complete, commented evidence template for a pack, and its JSON Schema.

The template lists the community block, every declared fact with its Chinese label and unit, and
every clause with its text and evidence hint as comments and an empty ``status:``. It is written
as text (not dumped from data) so that the comments a person needs sit next to each value.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ..exact import decimal_text
from ..pack import Pack
from ..pack.model import RECONSTRUCTED_NOTE, FactDef
from ..result import STATUS_LABELS
from .schema import evidence_schema

__all__ = ["evidence_schema", "render_template", "schema_file_name"]


def schema_file_name(pack: Pack) -> str:
    """The schema file written beside a template, named after its pack (``jingzhi-2022.schema.json``):
    a folder may hold templates of several packs, and none must be checked against another's."""
    return f"{pack.id}.schema.json"


_TYPE_HINTS = {
    "integer": "整数",
    "number": "数字",
    "ratio": "比例，如 0.93 或 93%",
    "boolean": "是/否：填 是 或 否",
}


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def _fact_comment(fact: FactDef) -> str:
    unit = f"，单位：{fact.unit}" if fact.unit else ""
    return f"{fact.label}（{_TYPE_HINTS[fact.type]}{unit}）"


def _scalar(value: Any) -> str:
    """A value as a YAML scalar that reads back as the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _q(str(value))


def _commented(text: str, comment: str, column: int) -> str:
    """``text``, then ``# comment`` aligned at ``column`` — always after at least one space
    (a ``#`` touching a value is part of the value in YAML)."""
    text = text.rstrip()
    return f"{text}{' ' * max(1, column - len(text))}# {comment}"


def _attachment(item: Any) -> str:
    fields = {k: getattr(item, k) for k in ("path", "paper", "url", "note", "dated", "valid_until")
              if getattr(item, k) is not None}
    if set(fields) == {"path"}:
        return _q(fields["path"])
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in fields.items()) + "}"


def _entry_lines(entry: Any, indent: str) -> list[str]:
    """The fields of one clause entry (blank for an unassessed clause, as in the template)."""
    if entry is None:
        return [f"{indent}status:", f"{indent}evidence: []", f"{indent}note:"]
    lines = [f"{indent}status: {STATUS_LABELS[entry.status] if entry.status else ''}".rstrip()]
    lines.append(f"{indent}evidence: [{', '.join(_attachment(a) for a in entry.evidence)}]")
    if entry.criteria_met:
        lines.append(f"{indent}criteria_met: [{', '.join(_q(c) for c in entry.criteria_met)}]")
    lines.append(f"{indent}note: {_scalar(entry.note)}".rstrip())
    if entry.reason is not None:
        lines.append(f"{indent}reason: {_scalar(entry.reason)}")
    for key in ("approved_by", "valid_until"):
        if getattr(entry, key) is not None:
            lines.append(f"{indent}{key}: {_scalar(getattr(entry, key))}")
    return lines


def render_template(pack: Pack, *, standard_ref: str | None = None, schema_file: str | None = "",
                    evidence: Any = None) -> str:
    """The commented evidence template; with ``evidence``, filled in with its values (``audit convert``).
    Its first line points editors at ``schema_file`` (default: the pack's; None: no such line)."""
    meta = pack.meta
    lines: list[str] = []
    add = lines.append
    if schema_file == "":
        schema_file = schema_file_name(pack)
    if schema_file:
        add(f"# yaml-language-server: $schema={schema_file}")
    add(f"# 《{meta.title}》{meta.code or ''} 社区自评证据文件（规则包 {meta.id}，版本 {meta.version}）")
    if meta.provenance == "reconstructed":
        add(f"# 注意：{RECONSTRUCTED_NOTE}。")
    add("#")
    add("# 填写说明：")
    add("#   status  填 达标（met）、部分达标（partial）、未达标（not_met）或 不适用（na）；留空表示未评估（按 0 分计）。")
    add("#   evidence 列出佐证材料：相对于本文件的文件路径，如 [files/名册.pdf]；纸质台账写 {paper: 台账名称}，")
    add("#           网页写 {url: 链接}。要求佐证的条款没有佐证时不得分。")
    add("#   reason  标为不适用时必须写明理由；可加 approved_by（审批人或审批单位）和 valid_until（有效期至，")
    add("#           如 2027-06-30）：过期的不适用按未评估计（不适用已过期）；注明“不适用须经审批”的条款")
    add("#           没有 approved_by 时标记“不适用未审批”。")
    add("#   佐证可写形成日期和有效期：{path: files/协议.pdf, dated: 2026-03-01, valid_until: 2027-02-28}；")
    add("#           不在评估期（period）内或已过有效期的佐证标记“佐证过期”，不计为佐证。")
    add("#   criteria_met 部分达标且列有细项的条款必须写已达到的细项，如 [a, c]，按细项比例计分。")
    add("#   facts   中的数据用于自动核验：数据与自评不一致时以数据为准，并标记“自评与数据不符”。")
    add("# 填好后运行：audit validate 本文件   检查填写；audit score 本文件   查看得分。")
    add("")
    e = evidence
    add(f"standard: {_q(e.standard if e is not None else (standard_ref or meta.id))}")
    add("community:")
    add(_commented(f"  name: {_scalar(e.community.name) if e else ''}", "社区名称（必填）", 15))
    for key, label in (("district", "区（市）"), ("street", "街道（镇）"), ("code", "社区代码"), ("contact", "联系人及电话")):
        value = getattr(e.community, key) if e else None
        if value is not None or key in ("district", "street"):
            add(_commented(f"  {key}: {_scalar(value)}", label, 15))
    add(_commented(f"assessed_on: {_scalar(e.assessed_on) if e else ''}", "评估日期，如 2026-11-01", 15))
    if e is not None and e.period is not None:
        add(f"period: {{from: {e.period.start.isoformat()}, to: {e.period.end.isoformat()}}}")
    else:
        add("period:        # 评估期，如 {from: 2025-11-01, to: 2026-10-31}；可留空")
    add(_commented(f"assessor: {_scalar(e.assessor) if e else ''}", "评估人或评估小组", 15))
    add("")
    add("# 社区数据（留空表示未提供；相关条款将无法自动核验）")
    add("facts:")
    _facts(pack, lines, e.facts if e is not None else None)
    add("")
    add("clauses:")
    for category in pack.categories:
        add("")
        add(f"  # ━━ {category.id} {category.title}（{decimal_text(category.points)} 分）━━")
        for item in category.items:
            add(f"  # ── {item.id} {item.title} ──")
            for clause in item.clauses:
                add(f"  {_q(clause.id)}:  # {clause.title or ''}（{decimal_text(clause.points)} 分）")
                add(f"    # 要求：{clause.text}")
                required = "必须提供" if clause.evidence_required else "可选"
                add(f"    # 佐证（{required}）：{clause.evidence_hint}")
                if clause.criteria:
                    add("    # 细项：" + "；".join(f"{c.id}. {c.text}" for c in clause.criteria))
                if clause.check or clause.measure:
                    names = pack.expressions[clause.id].facts
                    add(f"    # 自动核验：依据数据 {'、'.join(names)}")
                if not clause.na_allowed:
                    add("    # 本条不允许标为不适用。")
                elif clause.na_requires_approval:
                    add("    # 本条标为不适用须经街道审批：请填写 approved_by（审批人或审批单位）。")
                lines.extend(_entry_lines(e.clauses.get(clause.id) if e is not None else None, "    "))
    if e is not None:  # entries the pack does not know are kept, so that nothing is lost
        for cid, entry in e.clauses.items():
            if cid not in pack.index:
                add(f"  {_q(cid)}:  # 规则包中没有此条款")
                lines.extend(_entry_lines(entry, "    "))
    if meta.bonus:
        add("")
        add("bonus:")
        for bonus in meta.bonus:
            add(f"  {_q(bonus.id)}:  # 加分项：{bonus.title}（{decimal_text(bonus.points)} 分）")
            lines.extend(_entry_lines(e.bonus.get(bonus.id) if e is not None else None, "    "))
    return "\n".join(lines) + "\n"


def _facts(pack: Pack, lines: list[str], values: dict[str, Any] | None = None) -> None:
    """Facts as nested YAML: ``satisfaction.facilities`` under ``satisfaction:``; with ``values``
    (an evidence file's facts), filled in, and facts the pack does not use kept at the end."""
    from .facts import flatten

    given = {name: value for name, (_, value) in flatten(values or {}).items()}
    opened: list[str] = []
    for name in pack.facts_to_fill(given):
        fact = pack.facts.get(name)
        parts = name.split(".")
        groups, leaf = parts[:-1], parts[-1]
        common = 0
        while common < min(len(opened), len(groups)) and opened[common] == groups[common]:
            common += 1
        opened = opened[:common]
        for depth in range(common, len(groups)):
            lines.append(f"{'  ' * (depth + 1)}{groups[depth]}:")
            opened.append(groups[depth])
        indent = "  " * (len(groups) + 1)
        comment = _fact_comment(fact) if fact is not None else "本规则包未使用的数据项"
        lines.append(_commented(f"{indent}{leaf}: {_scalar(given.get(name))}", comment, 35))
