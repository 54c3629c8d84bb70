"""Load an evidence file and check it against its pack; resolve and hash attachments.

``load_evidence`` returns the pack and an ``Evidence`` ready for the (pure) scoring engine, or
raises ``EvidenceError`` carrying every problem with file, line and field. Only here is the disk
touched: attachments are checked for existence and hashed so that scoring needs no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Literal

from ..diagnostics import nearest
from ..errors import EvidenceError, PackError, Problem
from ..pack import Pack, load_pack, resolve_pack
from .expiry import Lapse, expiry
from .facts import FactError, FactValue, coerce, flatten
from .formats import parse_source
from .model import EvidenceFile
from .source import Locator

AttachmentKind = Literal["file", "paper", "url"]


@dataclass(frozen=True)
class AttachmentInfo:
    """What the loader found for one piece of evidence."""

    label: str
    kind: AttachmentKind
    exists: bool | None = None  # files only
    sha256: str | None = None
    size: int | None = None


@dataclass
class Evidence:
    """An evidence file checked against its pack, with typed facts and resolved attachments."""

    data: EvidenceFile
    path: Path
    name: str
    sha256: str
    encoding: str
    facts: dict[str, FactValue]
    attachments: dict[str, AttachmentInfo] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    listed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # clause id → attachment keys
    expired: dict[str, Lapse] = field(default_factory=dict)  # clause id → what has expired (``expiry``)

    def __post_init__(self) -> None:
        if not self.listed:
            self.listed = {cid: tuple(a.key for a in entry.evidence)
                           for cid, entry in self.data.clauses.items() if entry is not None and entry.evidence}


PackLoader = Callable[[Path], Pack]


def cached_pack(folder: Path) -> Pack:
    """Load a pack through the per-user cache of validated packs (the scoring path)."""
    return load_pack(folder, cached=True)


class PackMemo:
    """One ``Pack`` object per pack folder for the life of a run (a batch grades many files
    against the same pack; the pack is read and checked once)."""

    def __init__(self, loader: PackLoader = cached_pack) -> None:
        self._loader = loader
        self._packs: dict[Path, Pack] = {}

    def __call__(self, folder: Path) -> Pack:
        key = folder.resolve()
        pack = self._packs.get(key)
        if pack is None:
            pack = self._packs[key] = self._loader(folder)
        return pack


def load_evidence(path: Path, *, standard: str | None = None,
                  pack_loader: PackLoader = cached_pack) -> tuple[Pack, Evidence]:
    """Read ``path`` (YAML or Excel), find its pack, check it against the pack, hash attachments."""
    source = parse_source(path)
    doc, data, raw = source.locator, source.data, source.raw
    ref = standard or data.standard
    where = doc.problem(("standard",), "standard", "")
    try:
        folder = resolve_pack(ref, relative_to=path.parent, where=where if standard is None else None)
        pack = pack_loader(folder)
    except PackError as exc:
        raise EvidenceError(exc.problems, summary=(
            f"{doc.name}: 使用的规则包「{ref}」无效或找不到：\n" + "\n".join(str(p) for p in exc.problems)
        )) from None
    facts, problems = check_against_pack(doc, data, pack)
    problems = [*source.problems, *problems]  # a workbook's cell problems, with the rest
    attachments, attachment_problems = resolve_attachments(doc, data, path.parent)
    problems += attachment_problems
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise EvidenceError(problems)
    evidence = Evidence(
        data=data, path=path, name=doc.name, sha256=hashlib.sha256(raw).hexdigest(),
        encoding=source.encoding, facts=facts, attachments=attachments,
        warnings=[p for p in problems if p.severity == "warning"], expired=expiry(pack, data),
    )
    return pack, evidence


def check_against_pack(doc: Locator, data: EvidenceFile, pack: Pack, *,
                       inferred: bool = False) -> tuple[dict[str, FactValue], list[Problem]]:
    """Typed facts, and every problem of the file against ``pack`` (IDs, types, N/A, criteria).

    ``inferred``: statuses inferred through a crosswalk, which cannot name a clause's criteria.
    """
    problems: list[Problem] = []
    facts: dict[str, FactValue] = {}
    declared = pack.facts
    for name, (loc, value) in flatten(data.facts).items():
        full_loc = ("facts", *loc)
        fact = declared.get(name)
        if fact is None:
            problems.append(doc.problem(full_loc, f"facts.{name}",
                                        f"规则包 {pack.id} 中没有数据项「{name}」{nearest(name, declared)}"))
            continue
        try:
            typed = coerce(value, fact)
        except FactError as exc:
            problems.append(doc.problem(full_loc, f"facts.{name}", f"{fact.label}：{exc}"))
            continue
        if typed is not None:
            facts[name] = typed
    for key, entry in data.clauses.items():
        loc = ("clauses", key)
        found = pack.index.get(key)
        if found is None:
            problems.append(doc.problem(loc, f"clauses.{key}",
                                        f"规则包 {pack.id} 中没有条款 {key}{_nearest_clause(key, pack)}"))
            continue
        if entry is None:
            continue
        clause = found[2]
        if entry.status == "na" and not clause.na_allowed:
            problems.append(doc.problem((*loc, "status"), f"clauses.{key}.status",
                                        f"条款 {key}「{clause.title or clause.text}」不允许标为不适用"))
        if entry.status == "partial" and clause.criteria and not entry.criteria_met and not inferred:
            ids = "、".join(c.id for c in clause.criteria)
            problems.append(doc.problem((*loc, "criteria_met"), f"clauses.{key}.criteria_met",
                                        f"条款 {key} 有细项（{ids}），部分达标须写明已达到的细项"
                                        "（YAML 写 criteria_met，Excel 在细项列打 ✓）；得分按已达到的细项比例计"))
        if entry.criteria_met:
            allowed = [c.id for c in clause.criteria or []]
            if not allowed:
                problems.append(doc.problem((*loc, "criteria_met"), f"clauses.{key}.criteria_met",
                                            f"条款 {key} 没有细项，不能填写 criteria_met"))
            for k, ident in enumerate(entry.criteria_met):
                if allowed and ident not in allowed:
                    problems.append(doc.problem((*loc, "criteria_met", k), f"clauses.{key}.criteria_met",
                                                f"条款 {key} 没有细项「{ident}」；可选：{'、'.join(allowed)}"))
    bonus_ids = {b.id for b in pack.meta.bonus}
    for key in data.bonus:
        if key not in bonus_ids:
            problems.append(doc.problem(("bonus", key), f"bonus.{key}",
                                        f"规则包 {pack.id} 中没有加分项「{key}」{nearest(key, bonus_ids)}"))
    return facts, problems


def _nearest_clause(key: str, pack: Pack) -> str:
    head = key.rpartition(".")[0]
    siblings = [cid for cid in pack.index if cid.rpartition(".")[0] == head]
    if siblings:
        return f"（{head} 下的条款为：{'、'.join(siblings)}）"
    return nearest(key, pack.index)


def resolve_attachments(doc: Locator, data: EvidenceFile, folder: Path) -> tuple[dict[str, AttachmentInfo], list[Problem]]:
    """Check each listed file stays inside the evidence file's folder; hash the ones that exist."""
    found: dict[str, AttachmentInfo] = {}
    problems: list[Problem] = []
    root = folder.resolve()
    sections = (("clauses", data.clauses), ("bonus", data.bonus))
    for section, entries in sections:
        for key, entry in entries.items():
            if entry is None:
                continue
            for k, item in enumerate(entry.evidence):
                loc = (section, key, "evidence", k)
                field = f"{section}.{key}.evidence"
                label = item.key
                if item.url is not None:
                    if not item.url.startswith(("http://", "https://")):
                        problems.append(doc.problem(loc, field, f"链接「{item.url}」应以 http:// 或 https:// 开头"))
                    found.setdefault(label, AttachmentInfo(label, "url"))
                    continue
                if item.paper is not None:
                    found.setdefault(label, AttachmentInfo(label, "paper"))
                    continue
                if label in found:
                    continue
                message = _path_problem(label)
                if message is None:
                    target = (root / label).resolve()
                    if not target.is_relative_to(root):
                        message = "佐证文件路径跳出了证据文件所在的文件夹（路径经符号链接指向外部）"
                if message is not None:
                    problems.append(doc.problem(loc, field, f"「{item.path}」：{message}"))
                    continue
                found[label] = _hash_file(label, target)
    return found, problems


def _path_problem(label: str) -> str | None:
    if not label:
        return "路径为空"
    if PurePosixPath(label).is_absolute() or PureWindowsPath(label).is_absolute() or PureWindowsPath(label).drive:
        return "佐证文件必须写相对于证据文件的路径（如 files/名册.pdf），不能写绝对路径"
    if ".." in PurePosixPath(label).parts:
        return "佐证文件路径不能用“..”跳出证据文件所在的文件夹"
    return None


def _hash_file(label: str, target: Path) -> AttachmentInfo:
    if not target.is_file():
        return AttachmentInfo(label, "file", exists=False)
    digest = hashlib.sha256()
    size = 0
    with target.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return AttachmentInfo(label, "file", exists=True, sha256=digest.hexdigest(), size=size)
