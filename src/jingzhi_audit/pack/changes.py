"""What a set of changed files touches: the packs, vocabularies and crosswalks to validate again.

``audit validate --changed FILE…`` is the pre-commit hook's entry. A commit may change any file of
a pack — a category file, ``pack.yaml``, ``sources/*.txt`` quoted by the pack — or delete one, or
change the shared ``vocabulary.yaml`` (every pack beside it uses it) or a crosswalk; and packs may
live in any folder. Each changed path, existing or deleted, is mapped to the pack folder that
contains it (the nearest folder upward with a ``pack.yaml``), to the vocabulary, or to the
crosswalk; paths that belong to none are left alone. pre-commit does not pass deleted files to a
hook, so in a git work tree the files staged for deletion are added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from .compiled import CROSSWALK_FOLDER, PACK_FILE, VOCABULARY_FILE

_YAML = (".yaml", ".yml")


def staged_deletions(cwd: Path | None = None) -> list[Path]:
    """Files staged for deletion in the git work tree around ``cwd`` (none outside git)."""
    git = shutil.which("git")
    if git is None:
        return []
    try:
        run = subprocess.run([git, "diff", "--cached", "--name-only", "--diff-filter=D", "--relative", "-z"],
                             cwd=cwd, capture_output=True, timeout=30, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if run.returncode != 0:
        return []
    base = cwd or Path.cwd()
    return [base / os.fsdecode(name) for name in run.stdout.split(b"\0") if name]


def targets_for_changes(paths: Iterable[Path]) -> list[Path]:
    """The paths to validate (pack folders, vocabulary and crosswalk files), each once, in order."""
    found: dict[Path, Path] = {}
    for path in paths:
        for target in _targets(path):
            found.setdefault(target.resolve(), target)
    return list(found.values())


def _targets(path: Path) -> list[Path]:
    if path.name == VOCABULARY_FILE:
        packs = sorted(p.parent for p in path.parent.glob(f"*/{PACK_FILE}"))
        return [path, *packs] if path.is_file() else packs  # deleted: the packs that used it fail
    if path.parent.name == CROSSWALK_FOLDER and path.suffix.lower() in _YAML:
        return [path] if path.is_file() else []
    pack = _pack_folder(path)
    return [pack] if pack is not None else []


def _pack_folder(path: Path) -> Path | None:
    """The nearest folder at or above ``path``'s folder that holds a ``pack.yaml``."""
    folder = path if path.is_dir() else path.parent
    for candidate in (folder, *folder.parents):
        if (candidate / PACK_FILE).is_file():
            return candidate
        if (candidate / ".git").exists():  # never leave the repository
            return None
    return None
