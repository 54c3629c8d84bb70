"""``audit validate``: which targets the paths name, and the one registry of validators by kind.

Each path a user gives is classified: a pack folder, a file inside a pack folder (its pack is
checked: cross-file rules need the whole pack), a folder of packs, a crosswalk, the shared
vocabulary, or another file — which each file validator in ``FILE_VALIDATORS`` is asked in turn
to recognise (an evidence file, …). Nothing registers itself by being imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..compare.crosswalk import CROSSWALK_FOLDER
from ..errors import Problem
from ..files import display_path, is_dir, is_file
from ..pack.compiled import PACK_FILE, VOCABULARY_FILE
from ..result.validation import TargetReport
from .evidence import validate_evidence
from .packs import validate_crosswalk, validate_pack, validate_vocabulary
from .review import validate_review

Validator = Callable[[Path], TargetReport]
FileValidator = Callable[[Path], "TargetReport | None"]

VALIDATORS: dict[str, Validator] = {
    "pack": validate_pack,
    "vocabulary": validate_vocabulary,
    "crosswalk": validate_crosswalk,
}
"""Validators of the targets a path is classified as, by kind."""

FILE_VALIDATORS: tuple[FileValidator, ...] = (validate_review, validate_evidence)  # a review file first: it is YAML too
"""Validators of other files, asked in turn: each returns a report, or None when it is not its kind."""


def validator(kind: str) -> Validator:
    """The validator of ``kind``; ``KeyError`` with the known kinds for anything else."""
    try:
        return VALIDATORS[kind]
    except KeyError:
        raise KeyError(f"没有「{kind}」类的校验（可用：{'、'.join(VALIDATORS)}）") from None


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
    if is_dir(path):
        if is_file(path / PACK_FILE):
            return [("pack", path)]
        if path.name == CROSSWALK_FOLDER:
            return [("crosswalk", p) for p in sorted(path.glob("*.y*ml"))] or [("missing", path)]
        packs = sorted(p.parent for p in path.glob(f"*/{PACK_FILE}"))
        if packs:  # a folder of packs (standards/): the vocabulary and crosswalks beside them too
            targets = [("pack", p) for p in packs]
            if is_file(path / VOCABULARY_FILE):
                targets.insert(0, ("vocabulary", path / VOCABULARY_FILE))
            targets += [("crosswalk", p) for p in sorted((path / CROSSWALK_FOLDER).glob("*.y*ml"))]
            return targets
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", ".xlsx"))
        return [("file", p) for p in files] or [("missing", path)]
    if not path.exists():
        return [("missing", path)]
    if path.name == PACK_FILE or is_file(path.parent / PACK_FILE):
        return [("pack", path.parent)]
    if path.parent.name == CROSSWALK_FOLDER and path.suffix in (".yaml", ".yml"):
        return [("crosswalk", path)]
    if path.name == VOCABULARY_FILE:
        # the shared vocabulary, and every pack beside it (a change to it can break any of them)
        return [("vocabulary", path)] + [("pack", p.parent) for p in sorted(path.parent.glob(f"*/{PACK_FILE}"))]
    return [("file", path)]


def _validate(kind: str, path: Path) -> TargetReport:
    name = display_path(path)
    if kind == "missing":
        return TargetReport(name, "unknown", [Problem(name, None, None, "文件或文件夹不存在")])
    if kind != "file":
        return validator(kind)(path)
    for check in FILE_VALIDATORS:
        report = check(path)
        if report is not None:
            return report
    return TargetReport(name, "unknown", [Problem(
        name, None, None, "无法识别的文件：既不是规则包（含 pack.yaml 的文件夹），也不是评估证据文件",
    )])
