"""Where packs live: the bundled ``standards/`` folder, or any folder a user names."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import PackError, Problem
from ..files import is_dir, is_file
from .compiled import PACK_FILE

ENV_PATH = "JINGZHI_AUDIT_STANDARDS"
"""Extra folders of packs, separated by os.pathsep, searched before the bundled ones."""


def standards_dirs() -> list[Path]:
    """Folders that hold packs: $JINGZHI_AUDIT_STANDARDS, then the bundled ones."""
    here = Path(__file__).resolve().parent.parent
    dirs = [Path(p) for p in os.environ.get(ENV_PATH, "").split(os.pathsep) if p]
    dirs += [here / "standards", here.parent.parent / "standards"]  # wheel, then source checkout
    return [d for d in dirs if is_dir(d)]


def bundled_packs() -> dict[str, Path]:
    """Pack ID → folder for every pack found (a folder's name is its pack ID)."""
    found: dict[str, Path] = {}
    for base in standards_dirs():
        for folder in sorted(base.iterdir()):
            if is_file(folder / PACK_FILE):
                found.setdefault(folder.name, folder)
    return found


def resolve_pack(ref: str, *, relative_to: Path | None = None, where: Problem | None = None) -> Path:
    """A pack folder from an ID of a bundled pack or a path (relative to ``relative_to`` or cwd)."""
    candidates = []
    if relative_to is not None:
        candidates.append(relative_to / ref)
    candidates.append(Path(ref))
    for candidate in candidates:
        if is_file(candidate / PACK_FILE):
            return candidate
        if candidate.name == PACK_FILE and is_file(candidate):
            return candidate.parent
    packs = bundled_packs()
    if ref in packs:
        return packs[ref]
    known = "、".join(packs) or "（无）"
    message = f"找不到规则包「{ref}」：既不是内置规则包（{known}），也不是含 {PACK_FILE} 的文件夹"
    if where is not None:
        raise PackError([Problem(where.file, where.line, where.field, message)])
    raise PackError([Problem(ref, None, None, message)])
