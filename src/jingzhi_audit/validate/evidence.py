"""``audit validate community.yaml``: an evidence file checked against its pack."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ..evidence.formats import EVIDENCE_SUFFIXES, refusal
from ..evidence.loader import load_evidence
from ..files import display_path
from ..result.validation import TargetReport


def validate_evidence(path: Path) -> TargetReport | None:
    """An evidence file checked against its pack; None when the file is not of an evidence format."""
    name = display_path(path)
    refused = refusal(path)
    if refused is not None:  # a spreadsheet of a format we do not read: say what to do
        return TargetReport(name, "evidence", [Problem(name, None, None, refused)])
    if path.suffix.lower() not in EVIDENCE_SUFFIXES:
        return None
    try:
        pack, evidence = load_evidence(path)
    except InputError as exc:
        return TargetReport(name, "evidence", list(exc.problems))
    entries = evidence.data.clauses
    assessed = sum(1 for e in entries.values() if e is not None and e.status is not None)
    total = len(pack.index)
    missing_files = sum(1 for a in evidence.attachments.values() if a.kind == "file" and not a.exists)
    summary = (f"评估证据文件「{evidence.data.community.name}」，规则包 {pack.id}：已评估 {assessed}/{total} 条，"
               f"数据项 {sum(1 for f in pack.used_facts() if f in evidence.facts)}/{len(pack.used_facts())} 个")
    if missing_files:
        summary += f"，{missing_files} 个佐证文件不存在"
    report = TargetReport(name, "evidence", list(evidence.warnings), summary=summary, files=[name])
    report.details = {"pack": pack.id, "assessed": assessed, "clauses": total,
                      "facts": len(evidence.facts), "missing_attachments": missing_files}
    return report

