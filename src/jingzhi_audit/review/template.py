"""``audit review init``: a commented review template for one evidence file.

Written as text, like the evidence template, so that the self-assessed status of each clause sits
as a comment beside the reviewer's empty ``verdict:``. The template binds the review to the
evidence file's SHA-256 and every attachment's SHA-256 as they are now.
"""

from __future__ import annotations

import json

from ..evidence.loader import Evidence
from ..exact import decimal_text
from ..pack import Pack
from ..result import STATUS_LABELS
from .model import VERDICT_LABELS, ReviewEntry, ReviewFile
from .seal import file_hashes


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def self_assessed(evidence: Evidence, cid: str) -> str:
    """``自评：部分达标（细项 a、c），佐证 2 项`` — what the community declared for a clause."""
    entry = evidence.data.clauses.get(cid)
    if entry is None or entry.status is None:
        return "自评：未评估"
    text = f"自评：{STATUS_LABELS[entry.status]}"
    if entry.criteria_met:
        text += f"（细项 {'、'.join(entry.criteria_met)}）"
    if entry.evidence:
        text += f"，佐证 {len(entry.evidence)} 项"
    if entry.status == "na" and entry.approved_by:
        text += f"，审批：{entry.approved_by}"
    return text


def new_review(evidence: Evidence, evidence_ref: str) -> ReviewFile:
    """An empty review bound to ``evidence`` as it is now."""
    return ReviewFile(evidence=evidence_ref, evidence_sha256=evidence.sha256, attachments=file_hashes(evidence))


def _entry_lines(entry: ReviewEntry | None) -> list[str]:
    if entry is None:
        return ["    verdict:                 # 同意 / 不同意", "    status:                  # 不同意时：复核认定的状态",
                "    comment:"]
    lines = [f"    verdict: {VERDICT_LABELS[entry.verdict] if entry.verdict else ''}".rstrip()]
    lines.append(f"    status: {STATUS_LABELS[entry.status] if entry.status else ''}".rstrip())
    if entry.criteria_met:
        lines.append(f"    criteria_met: [{', '.join(_q(c) for c in entry.criteria_met)}]")
    lines.append(f"    comment: {_q(entry.comment) if entry.comment else ''}".rstrip())
    return lines


def render_review(pack: Pack, evidence: Evidence, review: ReviewFile) -> str:
    """The review file as commented YAML (a new template, or a review written back)."""
    lines: list[str] = []
    add = lines.append
    community = evidence.data.community.name
    add(f"# {community} 自评复核文件（规则包 {pack.id}，版本 {pack.meta.version}）")
    add("#")
    add("# 复核人逐条填写：")
    add("#   verdict  同意（认可社区自评）或 不同意；留空表示本条未复核。")
    add("#   status   不同意时必填：复核认定的状态——达标、部分达标、未达标 或 不适用；")
    add("#            部分达标且有细项时，可写 criteria_met: [a, c]。")
    add("#   comment  不同意时必填：复核意见（理由、发现的问题）。")
    add("# 复核后的得分为正式得分；证据文件或佐证文件在复核后改动，复核即失效（复核已失效）。")
    add("# 填好后运行：audit validate 本文件；audit score 证据文件（自动找到本文件）；audit review sign 本文件。")
    add("")
    add(f"evidence: {_q(review.evidence)}   # 所复核的证据文件（相对于本文件）")
    add(f"evidence_sha256: {review.evidence_sha256}   # 复核时证据文件的 SHA-256，勿改")
    r = review.reviewer
    add("reviewer:")
    add(f"  name: {_q(r.name) if r.name else ''}".rstrip().ljust(34) + "# 复核人")
    add(f"  organization: {_q(r.organization) if r.organization else ''}".rstrip().ljust(34) + "# 复核单位")
    add(f"  reviewed_on: {r.reviewed_on.isoformat() if r.reviewed_on else ''}".rstrip().ljust(34)
        + "# 复核日期，如 2026-11-20")
    if review.attachments:
        add("attachments:   # 复核时各佐证文件的 SHA-256（null：当时文件不存在），勿改")
        for label, sha in review.attachments.items():
            add(f"  {_q(label)}: {sha or 'null'}")
    else:
        add("attachments: {}")
    add("")
    add("clauses:")
    for category in pack.categories:
        add("")
        add(f"  # ━━ {category.id} {category.title}（{decimal_text(category.points)} 分）━━")
        for item in category.items:
            for clause in item.clauses:
                add(f"  {_q(clause.id)}:  # {clause.title or ''}（{decimal_text(clause.points)} 分）"
                    f"  {self_assessed(evidence, clause.id)}")
                lines.extend(_entry_lines(review.clauses.get(clause.id)))
    for cid, entry in review.clauses.items():  # entries the pack does not know are kept
        if cid not in pack.index:
            add(f"  {_q(cid)}:  # 规则包中没有此条款")
            lines.extend(_entry_lines(entry))
    text = "\n".join(lines) + "\n"
    if review.seal is not None:
        from .seal import seal_yaml

        text += "\n" + seal_yaml(review.seal)
    return text
