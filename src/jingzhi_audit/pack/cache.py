"""A per-user cache of validated packs, so that scoring does not re-read and re-check the YAML.

An entry is JSON, never pickle: the validated models (``PackMeta``, the categories, the facts and
resolved scales) in the tagged form of ``cache_codec`` (which constructs only the classes of
``pack.model``), and the expressions as their source text, compiled again on load (cheap, and
checked again by the expression checker). Nothing in an entry can run code.

An entry is found by the pack folder's resolved path (with the tool and Python versions) and is
used only when it is still true: the files it was validated from (``compiled.pack_files``) are the
same files, byte for byte — the entry is verified by content, so an entry swapped in from another
pack is never served. The cache lives in ``$XDG_CACHE_HOME/jingzhi-audit`` (``~/.cache/…``); a
folder not owned by this user, or writable by others, is not used (``notices`` says so, and the
pack is loaded afresh). ``audit validate`` never uses it. ``JINGZHI_AUDIT_NO_CACHE=1`` disables it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import InputError, Problem
from ..expr import ExpressionError, compile_expression
from ..files import read_bytes
from . import cache_codec
from .compiled import PACK_BYTES_LIMIT, Pack, pack_files
from .model import Category, Clause, FactDef, PackMeta, Scale

_FORMAT = "jingzhi-pack-cache-4"
_NOTICES: list[str] = []
ENTRY_LIMIT = 16 * 1024 * 1024


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is switched off."""
    if os.environ.get("JINGZHI_AUDIT_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jingzhi-audit" / "packs"


def notices() -> list[str]:
    """Messages for the person (the CLI prints them on stderr), collected since the last call."""
    out = list(dict.fromkeys(_NOTICES))
    _NOTICES.clear()
    return out


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
        digest.update(read_bytes(file, limit=PACK_BYTES_LIMIT))
        digest.update(b"\0")
    return digest.hexdigest()


def _trusted(path: Path) -> bool:
    """Only use a folder this user owns and others cannot write (so no one else can swap an entry).

    Windows has no ``os.getuid`` (and no POSIX modes); there the per-user profile folder is the
    protection, as for every other per-user cache.
    """
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    info = path.stat()
    return info.st_uid == getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _usable(directory: Path) -> bool:
    try:
        if not directory.is_dir() or _trusted(directory):
            return True
    except OSError:
        return True  # not there yet: write() makes it, private
    _NOTICES.append(f"提示：规则包缓存文件夹 {directory} 不属于当前用户或其他用户可写，未使用缓存"
                    "（请删除该文件夹，或设置 JINGZHI_AUDIT_NO_CACHE=1）")
    return False


def read(folder: Path) -> Pack | None:
    """The cached pack for ``folder`` if there is one and its files are unchanged, else None."""
    directory = cache_dir()
    if directory is None or not _usable(directory):
        return None
    path = directory / f"{_entry(folder)}.json"
    try:
        if not path.is_file() or not _trusted(path):
            return None
        entry = cache_codec.loads(read_bytes(path, limit=ENTRY_LIMIT))  # never a FIFO, never unbounded
        if not isinstance(entry, dict) or entry.get("format") != _FORMAT or not isinstance(entry["meta"], PackMeta):
            return None
    except (OSError, ValueError, TypeError, KeyError, RecursionError, InputError):
        return None
    try:
        rules, sources = pack_files(folder, entry["meta"])
        files = rules + sources
        if [str(f.resolve()) for f in files] != entry["files"] or _digest(files) != entry["digest"]:
            return None  # a file changed, appeared or went away since the pack was validated
        return _rebuild(folder, entry, rules, sources)
    except (OSError, ExpressionError, KeyError, TypeError, ValueError, InputError):
        return None


def _rebuild(folder: Path, entry: dict[str, Any], rules: list[Path], sources: list[Path]) -> Pack:
    meta: PackMeta = entry["meta"]
    categories, facts, scales = entry["categories"], entry["facts"], entry["scales"]
    if not (all(isinstance(c, Category) for c in categories) and all(isinstance(f, FactDef) for f in facts.values())
            and all(isinstance(s, Scale) for s in scales.values())):
        raise TypeError("cache entry of the wrong shape")
    expressions = {key: compile_expression(text, facts=facts, thresholds=meta.thresholds)
                   for key, text in entry["expressions"].items()}  # checked again by the expression checker
    pack = Pack(meta=meta, categories=categories, folder=folder, files=rules, sources=sources,
                facts=facts, sha256=str(entry["sha256"]),
                thresholds={k: Fraction(t.value) for k, t in meta.thresholds.items()},
                expressions=expressions, scales=scales,
                warnings=[Problem(f, line, field, message, "warning") for f, line, field, message in entry["warnings"]])
    for cat in pack.categories:
        for item in cat.items:
            for clause in item.clauses:
                pack.index.setdefault(clause.id, (cat, item, clause))
    return pack


def write(pack: Pack) -> None:
    """Store ``pack`` with the names and digest of the files it was validated from."""
    directory = cache_dir()
    if directory is None:
        return
    files = pack.files + pack.sources
    try:
        entry = {
            "format": _FORMAT, "files": [str(f.resolve()) for f in files], "digest": _digest(files),
            "sha256": pack.sha256, "meta": pack.meta, "categories": pack.categories, "facts": pack.facts,
            "scales": pack.scales, "expressions": {key: expr.source for key, expr in pack.expressions.items()},
            "warnings": [[p.file, p.line, p.field, p.message] for p in pack.warnings],
        }
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _usable(directory):
            return
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(cache_codec.dumps(entry))
        Path(tmp).replace(directory / f"{_entry(pack.folder)}.json")
    except (OSError, ValueError, TypeError):
        return
