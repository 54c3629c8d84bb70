"""Apply a review: evidence + review → the reviewed evidence, and the review summary of a result.

Pure: no I/O. The reviewed figures come from the one scoring engine (``scoring.score``) run on
the evidence with the reviewer's corrections in place of the community's statuses — never from a
second engine. The self-assessment stays the result's own figures; the review sits beside it.

* 不同意 replaces the clause's status (and criteria) by the reviewer's; a corrected 不适用 takes
  the comment as its reason and the reviewer as its approver.
* 同意 on an N/A is the reviewer's approval of it (``approved_by``), so 不适用未审批 is cleared.
* The review is *lapsed* when the evidence file or an attachment changed since the review
  (SHA-256), or its seal no longer matches: figures shown, not official; only disagreements that
  still change something are listed.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from ..evidence.expiry import expiry
from ..evidence.loader import Evidence
from ..evidence.model import ClauseEntry, EvidenceFile
from ..exact import r4
from ..pack import Pack
from ..pack.model import id_order
from ..result import ClauseResult, Disagreement, Result, ReviewCategory, ReviewSeal, ReviewSummary
from ..scoring import score
from .model import ReviewEntry, ReviewFile


def reviewed_data(data: EvidenceFile, review: ReviewFile) -> EvidenceFile:
    """The evidence data with the reviewer's verdicts in place."""
    clauses = dict(data.clauses)
    approver = review.reviewer.name or review.reviewer.organization or "复核"
    for cid, verdict in review.verdicts.items():
        entry = clauses.get(cid) or ClauseEntry()
        if verdict.verdict == "agree":
            if entry.status == "na" and entry.approved_by is None:
                clauses[cid] = entry.model_copy(update={"approved_by": approver})
            continue
        update: dict[str, object] = {"status": verdict.status, "criteria_met": list(verdict.criteria_met)}
        if verdict.status == "na":
            update.update(reason=entry.reason or verdict.comment, approved_by=approver, valid_until=None)
        clauses[cid] = entry.model_copy(update=update)
    return data.model_copy(update={"clauses": clauses})


def reviewed_evidence(pack: Pack, evidence: Evidence, review: ReviewFile) -> Evidence:
    """The evidence as the reviewer judged it (same files, same facts), ready for ``score``."""
    data = reviewed_data(evidence.data, review)
    return dataclasses.replace(evidence, data=data, listed={}, expired=expiry(pack, data))


def lapse_reasons(evidence: Evidence, review: ReviewFile) -> list[str]:
    """Why a review no longer applies to this evidence: what changed since (SHA-256), in Chinese."""
    reasons = []
    if review.evidence_sha256 != evidence.sha256:
        reasons.append(f"证据文件 {evidence.name} 在复核后有改动（SHA-256 不同）")
    for label, sha in sorted(review.attachments.items()):
        info = evidence.attachments.get(label)
        now = info.sha256 if info is not None else None
        if now == sha:
            continue
        if now is None:
            reasons.append(f"佐证文件 {label} 在复核后被删除或不再列出")
        elif sha is None:
            reasons.append(f"佐证文件 {label} 在复核后才补充")
        else:
            reasons.append(f"佐证文件 {label} 在复核后有改动（SHA-256 不同）")
    return reasons


def still_applies(evidence: Evidence, cid: str, verdict: ReviewEntry) -> bool:
    """Whether a disagreement still changes anything (the community may since have corrected it)."""
    entry = evidence.data.clauses.get(cid)
    current = (entry.status, sorted(entry.criteria_met)) if entry is not None else (None, [])
    return current != (verdict.status, sorted(verdict.criteria_met))


def _contribution(clause: ClauseResult, result: Result) -> Fraction:
    """A clause's share of the total: earned × category points ÷ category applicable points."""
    if clause.status == "na":
        return Fraction(0)
    category = next(c for c in result.categories if c.id == clause.category)
    if not category.applicable:
        return Fraction(0)
    return Fraction(str(clause.earned)) * Fraction(str(category.points)) / Fraction(str(category.applicable))


def _minus(a: float, b: float) -> float:
    """``a − b`` of two 4-decimal figures, exactly (no binary float residue)."""
    return r4(Fraction(str(a)) - Fraction(str(b)))


def apply_review(pack: Pack, evidence: Evidence, own: Result, review: ReviewFile, *, path: str, sha256: str,
                 generated_at: str, seal_intact: bool | None = None) -> Result:
    """``own`` (the self-assessed result) with the review summary beside it."""
    reasons = lapse_reasons(evidence, review)
    if seal_intact is False:
        reasons.append("签署封印与当前的复核文件、证据、佐证或规则包不符（签署后有改动）")
    verdicts = review.verdicts
    applying = {cid: v for cid, v in verdicts.items()
                if v.verdict == "agree" or not reasons or still_applies(evidence, cid, v)}
    effective = review.model_copy(update={"clauses": applying})
    reviewed = score(pack, reviewed_evidence(pack, evidence, effective), generated_at=generated_at,
                     tool_version=own.tool.version)
    own_clauses = {c.id: c for c in own.clauses}
    new_clauses = {c.id: c for c in reviewed.clauses}
    disagreements = []
    for cid, verdict in applying.items():
        if verdict.verdict != "disagree" or cid not in own_clauses or not still_applies(evidence, cid, verdict):
            continue
        before, after = own_clauses[cid], new_clauses[cid]
        difference = _contribution(after, reviewed) - _contribution(before, own)
        disagreements.append((abs(difference), id_order(cid), Disagreement(
            clause=cid, title=before.title, self_status=before.status, status=after.status,
            criteria_met=list(verdict.criteria_met), comment=verdict.comment or "", difference=r4(difference))))
    disagreements.sort(key=lambda d: (-d[0], d[1]))
    seal = review.seal
    summary = ReviewSummary(
        path=path, sha256=sha256, reviewer=review.reviewer.name, organization=review.reviewer.organization,
        reviewed_on=review.reviewer.reviewed_on.isoformat() if review.reviewer.reviewed_on else None,
        state="none" if not verdicts else "lapsed" if reasons else "valid", lapsed_because=reasons,
        reviewed_clauses=len(verdicts), total=reviewed.total, total_text=reviewed.total_text,
        difference=_minus(reviewed.total, own.total), rating=reviewed.rating,
        categories=[ReviewCategory(id=a.id, title=a.title, self_score_text=a.score_text, score_text=b.score_text,
                                   self_score=a.score, score=b.score, difference=_minus(b.score, a.score))
                    for a, b in zip(own.categories, reviewed.categories, strict=True)],
        disagreements=[d for _, _, d in disagreements],
        seal=ReviewSeal(signed_by=seal.signed_by, signed_on=seal.signed_on.isoformat(), sha256=seal.sha256,
                        intact=bool(seal_intact)) if seal is not None else None,
    )
    return own.model_copy(update={"review": summary})
