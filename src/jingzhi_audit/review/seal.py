"""The review's seal: one SHA-256 over everything the reviewer signed for.

The seal covers, in one canonical JSON document (keys sorted, UTF-8, no spaces): the evidence
file's SHA-256, every file attachment's SHA-256 (null for a listed file that does not exist), the
pack's SHA-256, the review's content without its ``seal`` block, and the signer and date. The
review's *content* is sealed, not its bytes: re-indenting a file or editing a comment does not
break a seal, changing a verdict or a comment does. A hash seal proves that nothing changed since
signing when the seal itself is kept where it cannot be rewritten (the signed PDF, the archive);
it is not a signature of a person (see the README).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from ..evidence.loader import Evidence
from ..pack import Pack
from .model import ReviewFile, Seal


def file_hashes(evidence: Evidence) -> dict[str, str | None]:
    """Every file attachment's SHA-256 as the loader found it (None when missing)."""
    return {label: info.sha256 for label, info in sorted(evidence.attachments.items()) if info.kind == "file"}


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that the seal is computed over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def review_content(review: ReviewFile) -> dict[str, Any]:
    """The review as data, without its seal (what the reviewer wrote)."""
    return review.model_dump(mode="json", exclude={"seal"})


def seal_digest(review: ReviewFile, *, evidence_sha256: str, pack_sha256: str,
                attachments: dict[str, str | None], signed_by: str, signed_on: dt.date) -> str:
    """The SHA-256 seal over evidence, attachments, pack and review content."""
    payload = {
        "algorithm": "sha256", "evidence_sha256": evidence_sha256, "pack_sha256": pack_sha256,
        "attachments": dict(sorted(attachments.items())), "review": review_content(review),
        "signed_by": signed_by, "signed_on": signed_on.isoformat(),
    }
    return hashlib.sha256(canonical(payload)).hexdigest()


def make_seal(review: ReviewFile, pack: Pack, evidence: Evidence, *, signed_by: str, signed_on: dt.date) -> Seal:
    """The seal block ``audit review sign`` writes."""
    attachments = file_hashes(evidence)
    digest = seal_digest(review, evidence_sha256=evidence.sha256, pack_sha256=pack.sha256,
                         attachments=attachments, signed_by=signed_by, signed_on=signed_on)
    return Seal(signed_by=signed_by, signed_on=signed_on, evidence_sha256=evidence.sha256,
                pack_sha256=pack.sha256, attachments=attachments, sha256=digest)


def seal_intact(review: ReviewFile, pack: Pack, evidence: Evidence) -> bool | None:
    """Whether the review's seal still matches the files as they are now (None: not signed)."""
    seal = review.seal
    if seal is None:
        return None
    now = seal_digest(review, evidence_sha256=evidence.sha256, pack_sha256=pack.sha256,
                      attachments=file_hashes(evidence), signed_by=seal.signed_by, signed_on=seal.signed_on)
    return now == seal.sha256


def seal_yaml(seal: Seal) -> str:
    """The seal block as YAML text, appended to a review file."""
    lines = ["seal:  # 由 audit review sign 写入；改动复核内容、证据、佐证或规则包后封印即失效，请勿手工修改",
             f"  signed_by: {json.dumps(seal.signed_by, ensure_ascii=False)}",
             f"  signed_on: {seal.signed_on.isoformat()}",
             f"  algorithm: {seal.algorithm}",
             f"  evidence_sha256: {seal.evidence_sha256}",
             f"  pack_sha256: {seal.pack_sha256}"]
    if seal.attachments:
        lines.append("  attachments:")
        for label, sha in seal.attachments.items():
            lines.append(f"    {json.dumps(label, ensure_ascii=False)}: {sha or 'null'}")
    else:
        lines.append("  attachments: {}")
    lines.append(f"  sha256: {seal.sha256}")
    return "\n".join(lines) + "\n"


def without_seal(text: str) -> str:
    """A review file's text with its (last, top-level) ``seal:`` block removed."""
    lines = text.splitlines(keepends=True)
    for k, line in enumerate(lines):
        if line.startswith("seal:"):
            end = k + 1
            while end < len(lines) and (lines[end][:1] in (" ", "\t", "#") or not lines[end].strip()):
                end += 1
            return "".join(lines[:k] + lines[end:])
    return text
