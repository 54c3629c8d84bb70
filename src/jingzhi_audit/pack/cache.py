"""A per-user cache of validated packs, so that scoring does not re-read and re-check the YAML.

The key is a SHA-256 over every file in the pack folder (rule files and source texts), the tool
version and the Python version: any change to the pack is a new key. The cache lives in
``$XDG_CACHE_HOME/jingzhi-audit`` (``~/.cache/jingzhi-audit``), a folder only its owner can
read or write; any problem reading or writing it falls back to a fresh load. ``audit validate``
never uses it. Set ``JINGZHI_AUDIT_NO_CACHE=1`` to disable it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from .. import __version__
from .loader import VOCABULARY_FILE, Pack

_FORMAT = b"jingzhi-pack-cache-2\n"  # 2: gates, decides, criterion checks, threshold basis (issue 12)


def cache_dir() -> Path | None:
    if os.environ.get("JINGZHI_AUDIT_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jingzhi-audit" / "packs"


def cache_key(folder: Path) -> str:
    """Every file of the pack folder, and the shared vocabulary beside it (packs refer to it)."""
    digest = hashlib.sha256(f"{__version__}|{sys.version}|".encode())
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    vocabulary = folder.parent / VOCABULARY_FILE
    if vocabulary.is_file():
        files.append(vocabulary)
    for file in files:
        digest.update(str(file.relative_to(folder.parent)).encode("utf-8") + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def read(folder: Path) -> tuple[str, Pack | None]:
    """``(key, pack)``: the cached pack for ``folder`` if there is one, else ``None``."""
    key = cache_key(folder)
    directory = cache_dir()
    if directory is None:
        return key, None
    path = directory / f"{key}.pickle"
    try:
        if path.stat().st_uid != os.getuid() or path.parent.stat().st_mode & 0o022:
            return key, None  # only trust a file this user wrote, in a folder others cannot write
        data = path.read_bytes()
    except OSError:
        return key, None
    if not data.startswith(_FORMAT):
        return key, None
    try:
        pack = pickle.loads(data[len(_FORMAT):])
    except Exception:
        return key, None
    if not isinstance(pack, Pack):
        return key, None
    pack.folder = folder
    return key, pack


def write(key: str, pack: Pack) -> None:
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(_FORMAT + pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL))
        Path(tmp).replace(directory / f"{key}.pickle")
    except (OSError, pickle.PicklingError):
        return
