"""``audit verify RESULT.json``: has anything changed since this result was computed?

Recomputes from the files the result names — the evidence file, every file attachment, the pack,
the review file and its seal — and re-scores, then lists in Chinese what differs from the result.
Paths in a result are as shown when it was made (relative to that working folder); each is looked
up from the current folder, then from the result file's folder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..files import display_path
from ..result import REVIEW_STATE_LABELS, Result
from ..result.load import load_result


@dataclass
class Verification:
    """What ``audit verify`` found: the files checked and every change."""

    result: str
    checked: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """Nothing changed since the result was made."""
        return not self.changes


def _locate(name: str, result_path: Path) -> Path | None:
    for candidate in (Path(name), result_path.parent / name):
        if candidate.is_file():
            return candidate
    return None


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify_result(path: Path) -> Verification:
    """Check a saved result against the files it names; raise only when the result itself is unreadable."""
    result = load_result(path)
    report = Verification(display_path(path))
    evidence_path = _locate(result.evidence.path, path)
    if evidence_path is None:
        report.changes.append(f"证据文件 {result.evidence.path} 找不到")
        return report
    report.checked.append(f"证据文件 {result.evidence.path}")
    if _sha(evidence_path) != result.evidence.sha256:
        report.changes.append(f"证据文件 {result.evidence.path} 已改动（SHA-256 与结果中记录的不同）")
    folder = evidence_path.parent
    for attachment in result.evidence.attachments:
        if attachment.kind != "file":
            continue
        target = folder / attachment.path
        now = _sha(target) if target.is_file() else None
        report.checked.append(f"佐证文件 {attachment.path}")
        if now != attachment.sha256:
            what = "已被删除" if now is None else "新近补充" if attachment.sha256 is None else "已改动（SHA-256 不同）"
            report.changes.append(f"佐证文件 {attachment.path} {what}")
    review_path = None
    if result.review is not None:
        review_path = _locate(result.review.path, path)
        report.checked.append(f"复核文件 {result.review.path}")
        if review_path is None:
            report.changes.append(f"复核文件 {result.review.path} 找不到")
        elif _sha(review_path) != result.review.sha256:
            report.changes.append(f"复核文件 {result.review.path} 已改动（SHA-256 不同）")
    _rescore(result, evidence_path, review_path, report)
    return report


def _rescore(result: Result, evidence_path: Path, review_path: Path | None, report: Verification) -> None:
    """Score again from the files as they are, and compare pack, seal and figures with the result."""
    from .service import assess_reviewed

    try:
        again = assess_reviewed(evidence_path, review=review_path, generated_at=result.generated_at,
                                standard=None)
    except InputError as exc:
        report.changes.append("按现有文件无法重新评分：" + "；".join(p.message for p in exc.problems[:3]))
        return
    except Exception as exc:  # a bad review path given by the result: say so, do not crash
        report.changes.append(f"按现有文件无法重新评分：{exc}")
        return
    report.checked.append(f"规则包 {result.pack.id}")
    if again.pack.sha256 != result.pack.sha256:
        report.changes.append(f"规则包 {result.pack.id} 已改动（SHA-256 不同）")
    pairs = [("总分", result.total_text, again.total_text), ("等级", result.rating.label, again.rating.label)]
    pairs += [(f"{a.id} {a.title} 得分", a.score_text, b.score_text)
              for a, b in zip(result.categories, again.categories, strict=False)]
    old, new = result.review, again.review
    if old is None and new is not None:
        report.changes.append(f"结果生成后新增了复核文件 {new.path}（{REVIEW_STATE_LABELS[new.state]}）")
    if old is not None and new is not None:
        pairs += [("复核后总分", old.total_text, new.total_text),
                  ("复核状态", REVIEW_STATE_LABELS[old.state], REVIEW_STATE_LABELS[new.state])]
        if old.seal is not None:
            report.checked.append("复核签署封印")
            if new.seal is None or new.seal.sha256 != old.seal.sha256:
                report.changes.append("复核签署封印已改变（复核文件被重新签署或封印被改动）")
            elif not new.seal.intact:
                report.changes.append("复核签署封印与现有文件不符：签署后复核内容、证据、佐证或规则包有改动")
    for label, before, after in pairs:
        if before != after:
            report.changes.append(f"{label}：结果中为 {before}，按现有文件重新评分为 {after}")
