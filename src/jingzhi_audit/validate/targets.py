"""``audit validate``: check packs (and evidence files) and report every problem, never print.

Each path a user gives is classified: a pack folder, a file inside a pack folder (its pack is
checked: cross-file rules need the whole pack), a folder of packs, or an evidence file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..compare.crosswalk import CROSSWALK_FOLDER
from ..errors import InputError, Problem
from ..pack.loader import PACK_FILE, VOCABULARY_FILE, read_pack
from ..pack.rules import validate_raw
from ..review.check import validate_review
from ..yamlio import display_path


@dataclass
class TargetReport:
    """The outcome of validating one pack or one evidence file."""

    path: str
    kind: str  # "pack" | "evidence" | "crosswalk" | "unknown"
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""
    files: list[str] = field(default_factory=list)  # every file checked, for per-file reports
    details: dict[str, object] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors


# Other kinds register themselves here (evidence files, crosswalks) so that this module does not
# import their loaders: each takes a path and returns a report, or None when it is not its kind.
Validator = Callable[[Path], "TargetReport | None"]
EXTRA_VALIDATORS: list[Validator] = []


def validate_paths(paths: Iterable[Path]) -> list[TargetReport]:
    """Validate every target the paths name; each target once, in the order first named."""
    reports: list[TargetReport] = []
    seen: set[Path] = set()
    for path in paths:
        for kind, target in _targets(path):
            key = target.resolve()
            if key in seen:
                continue
            seen.add(key)
            reports.append(_validate(kind, target))
    return reports


def _targets(path: Path) -> list[tuple[str, Path]]:
    if path.is_dir():
        if (path / PACK_FILE).is_file():
            return [("pack", path)]
        if path.name == CROSSWALK_FOLDER:
            return [("crosswalk", p) for p in sorted(path.glob("*.y*ml"))] or [("missing", path)]
        packs = sorted(p.parent for p in path.glob(f"*/{PACK_FILE}"))
        if packs:  # a folder of packs (standards/): the vocabulary and crosswalks beside them too
            targets = [("pack", p) for p in packs]
            if (path / VOCABULARY_FILE).is_file():
                targets.insert(0, ("vocabulary", path / VOCABULARY_FILE))
            targets += [("crosswalk", p) for p in sorted((path / CROSSWALK_FOLDER).glob("*.y*ml"))]
            return targets
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", ".xlsx"))
        return [("file", p) for p in files] or [("missing", path)]
    if not path.exists():
        return [("missing", path)]
    if path.name == PACK_FILE or (path.parent / PACK_FILE).is_file():
        return [("pack", path.parent)]
    if path.parent.name == CROSSWALK_FOLDER and path.suffix in (".yaml", ".yml"):
        return [("crosswalk", path)]
    if path.name == VOCABULARY_FILE:
        # the shared vocabulary, and every pack beside it (a change to it can break any of them)
        return [("vocabulary", path)] + [("pack", p.parent) for p in sorted(path.parent.glob(f"*/{PACK_FILE}"))]
    return [("file", path)]


def _validate(kind: str, path: Path) -> TargetReport:
    if kind == "pack":
        return validate_pack(path)
    if kind == "vocabulary":
        return validate_vocabulary(path)
    if kind == "crosswalk":
        return validate_crosswalk(path)
    if kind == "missing":
        return TargetReport(display_path(path), "unknown",
                            [Problem(display_path(path), None, None, "文件或文件夹不存在")])
    for validator in (validate_review, *EXTRA_VALIDATORS):  # a review file first: it is YAML too
        report = validator(path)
        if report is not None:
            return report
    return TargetReport(display_path(path), "unknown", [Problem(
        display_path(path), None, None,
        "无法识别的文件：既不是规则包（含 pack.yaml 的文件夹），也不是评估证据文件",
    )])


def validate_vocabulary(path: Path) -> TargetReport:
    from pydantic import ValidationError

    from .. import yamlio
    from ..diagnostics import validation_problems
    from ..pack.model import Vocabulary

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
    from collections import Counter

    from ..compare.crosswalk import RELATION_LABELS, read_crosswalk

    name = display_path(path)
    crosswalk, problems = read_crosswalk(path)
    report = TargetReport(name, "crosswalk", problems, files=[name])
    if crosswalk is not None:
        counts = Counter(p.relation for p in crosswalk.data.pairs)
        detail = "，".join(f"{RELATION_LABELS[r]} {n}" for r, n in counts.items())
        report.summary = f"对照表 {crosswalk.data.a} ↔ {crosswalk.data.b}：{len(crosswalk.data.pairs)} 对（{detail}）"
    return report


def validate_pack(folder: Path) -> TargetReport:
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
