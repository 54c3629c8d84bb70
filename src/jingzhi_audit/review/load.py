"""Read a review file (YAML or Excel) and check it against its evidence file and pack.

``load_review`` returns the review, or raises ``EvidenceError`` carrying every problem with file,
line (or cell) and field — the same messages ``audit validate`` prints for evidence files.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from .. import yamlio
from ..diagnostics import validation_problems
from ..errors import EvidenceError, InputError, Problem
from ..evidence.loader import Evidence, PackLoader, cached_pack, check_entries, load_evidence
from ..pack import Pack
from .model import ReviewFile
from .source import ReviewSource

REVIEW_FILE_LIMIT = 5 * 1024 * 1024


def read_review(path: Path) -> ReviewSource:
    """Parse and schema-check a review file."""
    if path.suffix.lower() == ".xlsx":
        from .workbook import read_review_workbook

        return read_review_workbook(path)
    try:
        raw = yamlio.read_bytes(path, limit=REVIEW_FILE_LIMIT)
        doc = yamlio.load_bytes(raw, path)
    except InputError as exc:
        raise EvidenceError(exc.problems) from None
    if not isinstance(doc.data, dict):
        raise EvidenceError([doc.problem((), None, "文件顶层应为映射（“键: 值”的形式），不是复核文件")])
    try:
        data = ReviewFile.model_validate(doc.data)
    except ValidationError as exc:
        raise EvidenceError(validation_problems(exc, doc, ReviewFile)) from None
    return ReviewSource(data, doc, raw, path)


def check_review(source: ReviewSource, pack: Pack, evidence: Evidence) -> list[Problem]:
    """Every problem of the review against the pack (clause IDs, statuses, criteria)."""
    doc, data = source.locator, source.data
    problems: list[Problem] = []
    problems += check_entries(doc, data.clauses, pack, criteria_only_when_partial=True)
    for label in data.attachments:
        if PurePosixPath(label).is_absolute() or ".." in PurePosixPath(label).parts:
            problems.append(doc.problem(("attachments", label), f"attachments.{label}",
                                        "佐证文件须写相对于证据文件的路径"))
    return problems


def load_review(path: Path, *, standard: str | None = None,
                pack_loader: PackLoader = cached_pack) -> tuple[ReviewSource, Pack, Evidence]:
    """A review, the evidence file it names and that file's pack; every problem raised at once."""
    source = read_review(path)
    where = source.locator.problem(("evidence",), "evidence", "")
    try:
        pack, evidence = load_evidence(source.evidence_path, standard=standard, pack_loader=pack_loader)
    except InputError as exc:
        first = "；".join(p.message for p in exc.problems[:3])
        raise EvidenceError([Problem(where.file, where.line, "evidence",
                                     f"所复核的证据文件「{source.data.evidence}」无法读取或校验不通过：{first}")],
                            summary=f"{where.file}: 所复核的证据文件「{source.data.evidence}」无效：\n"
                                    + "\n".join(str(p) for p in exc.problems)) from None
    problems = check_review(source, pack, evidence)
    if any(p.severity == "error" for p in problems):
        raise EvidenceError(problems)
    return source, pack, evidence


def describe(source: ReviewSource) -> dict[str, Any]:
    """Counts for ``audit validate``'s summary line."""
    verdicts = source.data.verdicts
    return {"reviewed": len(verdicts), "disagree": sum(1 for e in verdicts.values() if e.verdict == "disagree"),
            "sealed": source.data.seal is not None}
