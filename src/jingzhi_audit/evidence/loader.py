"""Load an evidence file and check it against its pack; resolve and hash attachments.

``load_evidence`` returns the pack and an ``Evidence`` ready for the (pure) scoring engine, or
raises ``EvidenceError`` carrying every problem with file, line and field. Only here is the disk
touched: attachments are checked for existence and hashed so that scoring needs no I/O.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal, cast

from ..diagnostics import nearest
from ..errors import EvidenceError, PackError, Problem, Severity
from ..files import reason
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
    mtime_ns: int | None = None  # as stat said when the hash was taken (the batch's incremental key)


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
    problems += check_entries(doc, data.clauses, pack, inferred=inferred)
    bonus_ids = {b.id for b in pack.meta.bonus}
    for key in data.bonus:
        if key not in bonus_ids:
            problems.append(doc.problem(("bonus", key), f"bonus.{key}",
                                        f"规则包 {pack.id} 中没有加分项「{key}」{nearest(key, bonus_ids)}"))
    return facts, problems


def check_entries(doc: Locator, entries: Mapping[str, Any], pack: Pack, *, inferred: bool = False,
                  criteria_only_when_partial: bool = False) -> list[Problem]:
    """Problems of clause entries (an evidence file's, or a reviewer's corrections) against ``pack``:
    unknown clause IDs, N/A where not allowed, a partial clause without its criteria (k/n), criteria
    that do not exist; with ``criteria_only_when_partial``, criteria named for another status."""
    problems: list[Problem] = []
    for key, entry in entries.items():
        loc = ("clauses", key)
        found = pack.index.get(key)
        if found is None:
            problems.append(doc.problem(loc, f"clauses.{key}",
                                        f"规则包 {pack.id} 中没有条款 {key}{nearest_clause(key, pack)}"))
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
            elif criteria_only_when_partial and entry.status != "partial":
                problems.append(doc.problem((*loc, "criteria_met"), f"clauses.{key}.criteria_met",
                                            "只有复核认定为部分达标时才填写已达到的细项"))
            for k, ident in enumerate(entry.criteria_met):
                if allowed and ident not in allowed:
                    problems.append(doc.problem((*loc, "criteria_met", k), f"clauses.{key}.criteria_met",
                                                f"条款 {key} 没有细项「{ident}」；可选：{'、'.join(allowed)}"))
    return problems


def nearest_clause(key: str, pack: Pack) -> str:
    """A hint naming the clauses beside ``key`` (or the closest IDs), for an unknown clause."""
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
                message, severity = _path_problem(label), cast(Severity, "error")
                if message is None:
                    try:
                        target = (root / label).resolve()
                    except (OSError, RuntimeError, ValueError) as exc:
                        message = f"无法读取：{reason(exc)}"
                    else:
                        if not target.is_relative_to(root):
                            message = "佐证文件路径跳出了证据文件所在的文件夹（路径经符号链接指向外部）"
                if message is None:
                    info, message, severity = hash_attachment(label, target)
                    if info is not None:
                        found[label] = info
                if message is not None:
                    problems.append(doc.problem(loc, field, f"「{item.path}」：{message}", severity))
    return found, problems


def _path_problem(label: str) -> str | None:
    if not label:
        return "路径为空"
    if "\0" in label:
        return "路径含有空字节"
    if PurePosixPath(label).is_absolute() or PureWindowsPath(label).is_absolute() or PureWindowsPath(label).drive:
        return "佐证文件必须写相对于证据文件的路径（如 files/名册.pdf），不能写绝对路径"
    if ".." in PurePosixPath(label).parts:
        return "佐证文件路径不能用“..”跳出证据文件所在的文件夹"
    return None


ATTACHMENT_LIMIT = 200 * 1024 * 1024
"""Largest attachment hashed (bytes); larger ones are listed without a digest. Override with
``JINGZHI_AUDIT_ATTACHMENT_LIMIT_MB``."""


def attachment_limit() -> int:
    """The per-attachment hashing cap in bytes (``ATTACHMENT_LIMIT`` unless the environment says)."""
    try:
        return int(float(os.environ["JINGZHI_AUDIT_ATTACHMENT_LIMIT_MB"]) * 1024 * 1024)
    except (KeyError, ValueError):
        return ATTACHMENT_LIMIT


def hash_attachment(label: str, target: Path) -> tuple[AttachmentInfo | None, str | None, Severity]:
    """Hash a regular file once, up to the cap: ``(info, message, severity)``.

    The size and modification time are taken from the open file before and after hashing; a file
    that changed meanwhile is hashed again (twice at most), so the digest is of what was read and
    the batch's incremental key (size, time) belongs to that digest."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)  # a FIFO never blocks
    try:
        fd = os.open(target, flags)
    except FileNotFoundError:
        return AttachmentInfo(label, "file", exists=False), None, "error"
    except (OSError, ValueError) as exc:
        return None, f"无法读取：{reason(exc)}", "error"
    try:
        for _ in range(3):
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode):
                return None, "不是普通文件（是文件夹、设备或管道），未读取", "error"
            if before.st_size > attachment_limit():
                info = AttachmentInfo(label, "file", exists=True, size=before.st_size, mtime_ns=before.st_mtime_ns)
                return info, f"佐证文件过大（{before.st_size / 1024 / 1024:.0f} MB，上限 {attachment_limit() // 1024 // 1024} MB），未计算摘要", "warning"
            digest, size = _digest(fd, before.st_size)
            after = os.fstat(fd)
            if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns) == (size, before.st_mtime_ns):
                return AttachmentInfo(label, "file", exists=True, sha256=digest, size=size,
                                      mtime_ns=after.st_mtime_ns), None, "error"
        return None, "佐证文件在读取过程中不断被改动，未计算摘要；请待其写完后重试", "error"
    except OSError as exc:
        return None, f"无法读取：{reason(exc)}", "error"
    finally:
        os.close(fd)


def _digest(fd: int, expected: int) -> tuple[str, int]:
    os.lseek(fd, 0, os.SEEK_SET)
    digest = hashlib.sha256()
    size = 0
    while size <= expected:  # never past what stat said (and the cap): a growing file is re-read
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
