"""The review's front door: one call per command (init, score with a review, sign, verify)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AuditError, EvidenceError
from ..evidence.loader import Evidence, PackLoader, cached_pack, load_evidence
from ..files import display_path
from ..pack import Pack
from ..result import Result
from ..scoring import score
from .locate import find_review

if TYPE_CHECKING:  # the review modules load only when there is a review (audit score stays fast)
    from .model import Seal
    from .source import ReviewSource

CHINA = dt.timezone(dt.timedelta(hours=8))


def default_review_path(evidence_path: Path) -> Path:
    """``community.yaml`` → ``community.review.yaml``."""
    return evidence_path.with_name(evidence_path.name.rsplit(".", 1)[0] + ".review.yaml")


def init_review(evidence_path: Path, output: Path | None = None, *, force: bool = False) -> Path:
    """Write a review template (YAML, or an Excel workbook for ``.xlsx``) for one evidence file."""
    from ..files import refuse_overwrite, write_bytes_atomic, write_text_atomic
    from .template import new_review, render_review

    out = output if output is not None else default_review_path(evidence_path)
    if out.suffix.lower() not in (".yaml", ".yml", ".xlsx"):
        raise AuditError("复核文件的扩展名应为 .review.yaml 或 .review.xlsx")
    if out.resolve() == evidence_path.resolve():
        raise AuditError(f"复核文件 {display_path(out)} 就是证据文件，未写入。请换一个文件名")
    refuse_overwrite(out, force, what="复核文件")
    pack, evidence = load_evidence(evidence_path)  # never a review of a file that does not load
    ref = Path(os.path.relpath(evidence_path.resolve(), out.resolve().parent)).as_posix()
    review = new_review(evidence, ref)
    if out.suffix.lower() == ".xlsx":
        from .workbook import review_workbook

        write_bytes_atomic(out, review_workbook(pack, evidence, review))
    else:
        write_text_atomic(out, render_review(pack, evidence, review))
    return out


def _checked(review_path: Path, evidence_path: Path, pack: Pack, evidence: Evidence) -> ReviewSource:
    from .load import check_review, read_review

    source = read_review(review_path)
    if source.evidence_path.resolve() != evidence_path.resolve():
        raise AuditError(f"复核文件 {display_path(review_path)} 复核的是「{source.data.evidence}」，"
                         f"不是 {display_path(evidence_path)}")
    problems = check_review(source, pack, evidence)
    if any(p.severity == "error" for p in problems):
        raise EvidenceError(problems)
    return source


def assess_reviewed(path: Path, *, standard: str | None = None, review: Path | None = None,
                    generated_at: str, pack_loader: PackLoader = cached_pack) -> Result:
    """Score an evidence file; with a review (given, or ``<name>.review.yaml`` beside it), add the
    reviewed figures beside the self-assessed ones."""
    pack, evidence = load_evidence(path, standard=standard, pack_loader=pack_loader)
    own = score(pack, evidence, generated_at=generated_at)
    return with_review(pack, evidence, own, review if review is not None else find_review(path),
                       generated_at=generated_at)


def with_review(pack: Pack, evidence: Evidence, own: Result, review: Path | None, *, generated_at: str) -> Result:
    """``own`` with the review at ``review`` beside it (``own`` itself when there is none)."""
    if review is None:
        return own
    from .apply import apply_review
    from .seal import seal_intact

    source = _checked(review, evidence.path, pack, evidence)
    return apply_review(pack, evidence, own, source.data, path=display_path(review),
                        sha256=source.sha256, generated_at=generated_at,
                        seal_intact=seal_intact(source.data, pack, evidence))


def sign_review(review_path: Path, *, signed_by: str | None = None, signed_on: dt.date | None = None,
                force: bool = False) -> Seal:
    """Seal a review (``audit review sign``): only the ``seal`` block of the file is written."""
    from ..files import write_bytes_atomic, write_text_atomic
    from .load import read_review
    from .seal import make_seal, seal_yaml, without_seal

    source = read_review(review_path)
    pack, evidence = load_evidence(source.evidence_path)
    _checked(review_path, source.evidence_path, pack, evidence)
    data = source.data
    if data.seal is not None and not force:
        raise AuditError(f"{display_path(review_path)} 已于 {data.seal.signed_on} 由 {data.seal.signed_by} 签署，"
                         "未改动。如需重新签署，请加 --force")
    if not data.verdicts:
        raise AuditError(f"{display_path(review_path)} 中还没有任何复核结论，不能签署")
    from .apply import lapse_reasons

    reasons = lapse_reasons(evidence, data)
    if reasons:
        raise AuditError("复核已失效，不能签署：" + "；".join(reasons) + "。请重新复核（audit review init）")
    who = signed_by or data.reviewer.name
    if not who:
        raise AuditError("请填写复核人（reviewer.name），或用 --reviewer 指定签署人")
    seal = make_seal(data, pack, evidence, signed_by=who, signed_on=signed_on or dt.datetime.now(CHINA).date())
    if review_path.suffix.lower() == ".xlsx":
        from .workbook import review_workbook

        write_bytes_atomic(review_path, review_workbook(pack, evidence, data.model_copy(update={"seal": seal})))
    else:
        encoding = getattr(source.locator, "encoding", "utf-8")  # written back as the person saved it
        text = without_seal(source.raw.decode(encoding))
        write_text_atomic(review_path, text.rstrip("\n") + "\n\n" + seal_yaml(seal), encoding=encoding)
    return seal
