"""Each community's evidence folder under the data directory: ``communities/<code>/community.yaml``
and ``files/``, the very folder ``audit score`` grades.

A form's values are checked by the CLI's own checks (the pydantic ``EvidenceFile`` model with
``diagnostics.validation_problems``, then ``evidence.loader.check_against_pack``) and the file is
written by the CLI's own writer (``evidence.template.render_template``): text a person typed is
a YAML scalar, never markup. Writes to one community are serialised by a per-community lock.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..diagnostics import validation_problems
from ..errors import AuditError, Problem, Severity
from ..evidence.loader import PackMemo, check_against_pack, load_evidence
from ..evidence.model import EvidenceFile
from ..files import write_bytes_atomic, write_text_atomic
from ..pack import Pack, load_pack, resolve_pack
from .store import CODE

EVIDENCE = "community.yaml"
REVIEW = "community.review.yaml"
UPLOAD_LIMIT = 20 * 1024 * 1024
ALLOWED = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
           ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           ".csv": "text/csv", ".txt": "text/plain", ".md": "text/markdown"}
_MAGIC = {".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
          ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",)}
PACKS = PackMemo()  # one Pack per pack folder for the server's life (restart after changing a pack)
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class FormProblems(AuditError):
    """A form whose values the evidence checks refuse; ``problems`` are the CLI's own messages."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


@dataclass
class FormLocator:
    """Places problems found in a web form (by field, no line)."""

    data: Any
    name: str = "网页表单"

    def problem(self, loc: Any, field: str | None, message: str, severity: Severity = "error") -> Problem:
        """A problem about one form field."""
        return Problem(self.name, None, field, message, severity)


def community_lock(folder: Path) -> threading.Lock:
    """The lock serialising writes to one community's folder."""
    with _locks_guard:
        return _locks.setdefault(str(folder), threading.Lock())


def community_dir(data_dir: Path, code: str) -> Path:
    """``DIR/communities/<code>``, for a well-formed code only (never a path outside DIR)."""
    if not CODE.match(code):
        raise AuditError(f"社区代码「{code}」无效")
    return data_dir / "communities" / code


def default_pack() -> Pack:
    """The bundled pack new communities are assessed against."""
    return load_pack(resolve_pack("jingzhi-2022"), cached=True)


def ensure_community(data_dir: Path, code: str, *, name: str | None = None, district: str | None = None) -> Path:
    """Create the community's folder with an empty evidence file when it has none; its path."""
    folder = community_dir(data_dir, code)
    path = folder / EVIDENCE
    if not path.exists():
        (folder / "files").mkdir(parents=True, exist_ok=True)
        data = EvidenceFile.model_validate({"standard": "jingzhi-2022", "community": {
            "name": name or code, "district": district, "code": code}})
        write_evidence(path, default_pack(), data)
    return path


def write_evidence(path: Path, pack: Pack, data: EvidenceFile) -> None:
    """Write ``data`` as the CLI's commented evidence file (atomically)."""
    from ..evidence.template import render_template

    write_text_atomic(path, render_template(pack, evidence=data, schema_file=None))


def read_evidence(path: Path) -> tuple[Pack, EvidenceFile]:
    """The pack and the evidence data of a community's file (checked by the CLI's loader)."""
    pack, evidence = load_evidence(path, pack_loader=PACKS)
    return pack, evidence.data


def checked(pack: Pack, raw: dict[str, Any]) -> EvidenceFile:
    """``raw`` as an evidence file, or ``FormProblems`` with the CLI's messages."""
    doc = FormLocator(raw)
    try:
        data = EvidenceFile.model_validate(raw)
    except ValidationError as exc:
        raise FormProblems(validation_problems(exc, doc, EvidenceFile)) from None
    _, problems = check_against_pack(doc, data, pack)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise FormProblems(errors)
    return data


def _raw(data: EvidenceFile) -> dict[str, Any]:
    return data.model_dump(mode="json", by_alias=True, exclude_none=True)


def with_clause(pack: Pack, data: EvidenceFile, cid: str, form: dict[str, Any]) -> EvidenceFile:
    """``data`` with clause ``cid`` set from a form (status, criteria ticks, note, N/A reason and
    approval); its attachments and any ``valid_until`` are kept."""
    if cid not in pack.index:
        raise FormProblems([Problem("网页表单", None, f"clauses.{cid}", f"规则包 {pack.id} 中没有条款 {cid}")])
    raw = _raw(data)
    entry = dict(raw.get("clauses", {}).get(cid) or {})
    for key in ("status", "note", "reason", "approved_by"):
        value = (form.get(key) or "").strip()
        if value:
            entry[key] = value
        else:
            entry.pop(key, None)
    criteria = [c for c in form.get("criteria", []) if c]
    if criteria:
        entry["criteria_met"] = criteria
    else:
        entry.pop("criteria_met", None)
    raw.setdefault("clauses", {})[cid] = entry
    return checked(pack, raw)


INFO_FIELDS = ("name", "street", "contact")


def with_facts(pack: Pack, data: EvidenceFile, form: dict[str, str]) -> EvidenceFile:
    """``data`` with the basic information and the facts of a form (values as people write them:
    ``93%``, ``1,200``, ``是``; checked by ``evidence.facts.coerce`` through the loader)."""
    from ..evidence.facts import flatten, nest

    raw = _raw(data)
    community = raw.setdefault("community", {})
    for key in INFO_FIELDS:
        if key in form:
            value = form[key].strip()
            if value:
                community[key] = value
            else:
                community.pop(key, None)
    for key in ("assessed_on", "assessor"):
        if key in form:
            value = form[key].strip()
            raw[key] = value or None
    flat = {name: value for name, (_, value) in flatten(raw.get("facts", {})).items()}
    for name in pack.used_facts():
        field = f"fact:{name}"
        if field in form:
            value = form[field].strip()
            if value:
                flat[name] = value
            else:
                flat.pop(name, None)
    raw["facts"] = nest(flat)
    return checked(pack, {k: v for k, v in raw.items() if v is not None})


def store_upload(folder: Path, filename: str, content: bytes) -> tuple[str, str]:
    """Store an uploaded file as ``files/<sha256><ext>``; its relative path and its clean name.

    Only the allowlisted types, up to ``UPLOAD_LIMIT``; the name on disk is the content's hash,
    so nothing a person names can leave the folder or replace another file."""
    original = Path(filename.replace("\\", "/")).name.strip() or "附件"
    suffix = Path(original).suffix.lower()
    if suffix not in ALLOWED:
        raise AuditError(f"不接受「{original}」这种文件；可上传：{'、'.join(sorted({s.lstrip('.') for s in ALLOWED}))}")
    if len(content) > UPLOAD_LIMIT:
        raise AuditError(f"文件「{original}」超过 {UPLOAD_LIMIT // (1024 * 1024)} MB")
    if not content:
        raise AuditError(f"文件「{original}」是空文件")
    magic = _MAGIC.get(suffix)
    if magic is not None and not content.startswith(magic):
        raise AuditError(f"文件「{original}」的内容不是 {suffix.lstrip('.')} 文件")
    digest = hashlib.sha256(content).hexdigest()
    relative = f"files/{digest}{suffix}"
    target = folder / relative
    if not target.exists():
        write_bytes_atomic(target, content)
    return relative, original[:200]


def with_attachment(pack: Pack, data: EvidenceFile, cid: str, relative: str, original: str) -> EvidenceFile:
    """``data`` with a stored file listed as evidence of clause ``cid`` (original name as its note)."""
    if cid not in pack.index:
        raise FormProblems([Problem("网页表单", None, f"clauses.{cid}", f"规则包 {pack.id} 中没有条款 {cid}")])
    raw = _raw(data)
    entry = dict(raw.setdefault("clauses", {}).get(cid) or {})
    items = [item for item in entry.get("evidence", []) if item.get("path") != relative]
    items.append({"path": relative, "note": original})
    entry["evidence"] = items
    raw["clauses"][cid] = entry
    return checked(pack, raw)


def stored_file(folder: Path, name: str) -> tuple[Path, str] | None:
    """A stored file of this community by its on-disk name (``<sha256><ext>``), with its type."""
    stem, dot, ext = name.partition(".")
    if len(stem) != 64 or not all(c in "0123456789abcdef" for c in stem) or not dot or f".{ext}" not in ALLOWED:
        return None
    path = folder / "files" / name
    return (path, ALLOWED[f".{ext}"]) if path.is_file() else None
