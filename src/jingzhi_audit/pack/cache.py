"""A per-user cache of validated packs, so that scoring does not re-read and re-check the YAML.

An entry is found by the pack folder's resolved path (with the tool and Python versions) and is
used only when it is still true: the files it was validated from (``compiled.pack_files``: rule
files, the vocabulary the pack names and its source texts) are the same files, byte for byte.
The cache lives in ``$XDG_CACHE_HOME/jingzhi-audit`` (``~/.cache/jingzhi-audit``), a folder only
its owner may write; any problem reading or writing it falls back to a fresh load. ``audit
validate`` never uses it. Set ``JINGZHI_AUDIT_NO_CACHE=1`` to disable it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from .. import __version__
from .compiled import Pack, pack_files
from .model import Clause, PackMeta

_FORMAT = b"jingzhi-pack-cache-2\n"  # 2: gates, decides, criterion checks, threshold basis (issue 12)


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is switched off."""
    if os.environ.get("JINGZHI_AUDIT_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jingzhi-audit" / "packs"


def _entry(folder: Path) -> str:
    # the models' field names too: a pickle of an older model (same version, a field added) is stale
    fields = ",".join(sorted(Clause.model_fields) + sorted(PackMeta.model_fields))
    identity = f"{__version__}|{sys.version}|{fields}|{folder.resolve()}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _digest(files: list[Path]) -> str:
    """One SHA-256 over the names and bytes of ``files``, in order."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.resolve()).encode("utf-8") + b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _trusted(path: Path) -> bool:
    """Only trust an entry this user wrote, in a folder others cannot write.

    Windows has no ``os.getuid`` (and no POSIX modes); there the per-user profile folder is the
    protection, as for every other per-user cache.
    """
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return path.stat().st_uid == getuid() and not path.parent.stat().st_mode & 0o022


def read(folder: Path) -> Pack | None:
    """The cached pack for ``folder`` if there is one and its files are unchanged, else None."""
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / f"{_entry(folder)}.pickle"
    try:
        if not _trusted(path):
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_FORMAT):
        return None
    try:
        stored_files, stored_digest, pack = pickle.loads(data[len(_FORMAT):])
    except Exception:
        return None
    if not isinstance(pack, Pack):
        return None
    try:
        rules, sources = pack_files(folder, pack.meta)
        files = rules + sources
        if [str(f.resolve()) for f in files] != stored_files or _digest(files) != stored_digest:
            return None  # a file changed, appeared or went away since the pack was validated
    except OSError:
        return None
    pack.folder = folder
    return pack


def write(pack: Pack) -> None:
    """Store ``pack`` with the names and digest of the files it was validated from."""
    directory = cache_dir()
    if directory is None:
        return
    files = pack.files + pack.sources
    try:
        entry = ([str(f.resolve()) for f in files], _digest(files), pack)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(_FORMAT + pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        Path(tmp).replace(directory / f"{_entry(pack.folder)}.pickle")
    except (OSError, pickle.PicklingError):
        return
