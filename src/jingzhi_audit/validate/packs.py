"""Validators of rule-pack files: a pack folder, the shared vocabulary, a crosswalk."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from .. import yamlio
from ..compare.crosswalk import RELATION_LABELS, read_crosswalk
from ..diagnostics import validation_problems
from ..errors import InputError
from ..files import display_path
from ..pack.model import Vocabulary
from ..pack.reader import read_pack
from ..pack.rules import validate_raw
from ..result.validation import TargetReport


def validate_vocabulary(path: Path) -> TargetReport:
    """The shared fact vocabulary (``standards/vocabulary.yaml``)."""
    name = display_path(path)
    try:
        doc = yamlio.load(path)
        vocabulary = Vocabulary.model_validate(doc.data)
    except InputError as exc:
        return TargetReport(name, "vocabulary", list(exc.problems))
    except ValidationError as exc:
        return TargetReport(name, "vocabulary", validation_problems(exc, doc, Vocabulary))
    return TargetReport(name, "vocabulary", summary=f"共享数据项词表：{len(vocabulary.facts)} 个数据项", files=[name])


def validate_crosswalk(path: Path) -> TargetReport:
    """A crosswalk between two packs (``standards/crosswalk/a__b.yaml``)."""
    name = display_path(path)
    crosswalk, problems = read_crosswalk(path)
    report = TargetReport(name, "crosswalk", problems, files=[name])
    if crosswalk is not None:
        counts = Counter(p.relation for p in crosswalk.data.pairs)
        detail = "，".join(f"{RELATION_LABELS[r]} {n}" for r, n in counts.items())
        report.summary = f"对照表 {crosswalk.data.a} ↔ {crosswalk.data.b}：{len(crosswalk.data.pairs)} 对（{detail}）"
    return report


def validate_pack(folder: Path) -> TargetReport:
    """A pack folder: every file, then the rules that span files."""
    name = display_path(folder)
    try:
        raw = read_pack(folder)
    except InputError as exc:
        return TargetReport(name, "pack", list(exc.problems))
    pack, problems = validate_raw(raw)
    files = [d.name for d in ([raw.meta_doc] if raw.meta_doc else []) + raw.category_docs]
    report = TargetReport(name, "pack", problems, files=files)
    if pack is not None:
        cats, items, clauses = pack.counts()
        meta = pack.meta
        report.summary = (
            f"规则包 {meta.id}「{meta.title}」{meta.code or ''}：{cats} 类 / {items} 项 / {clauses} 条，"
            f"总分 {meta.total_points.normalize():f}，{len(pack.used_facts())} 个数据项，"
            f"{len(meta.thresholds)} 个阈值，{len(meta.vetoes)} 项一票否决，{len(meta.ratings)} 个等级"
        )
        report.details = {"id": meta.id, "categories": cats, "items": items, "clauses": clauses,
                          "sha256": pack.sha256}
    return report
