"""A rule pack once read and validated, and the one list of the files that make it.

``Pack`` is what scoring uses. ``pack_files`` says which files a pack consists of: its rule files
(``pack.yaml``, the category files, the shared vocabulary it names), whose bytes are the pack's
SHA-256, and the source texts its quotes are checked against. The cache keys and verifies its
entries by the same list, so a changed vocabulary or source is never served stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .. import yamlio
from ..errors import Problem
from ..expr import Expression
from ..files import is_dir, is_file, read_bytes
from .model import Category, Clause, FactDef, Item, PackMeta, Scale, Vocabulary

PACK_FILE = "pack.yaml"
VOCABULARY_FILE = "vocabulary.yaml"
CROSSWALK_FOLDER = "crosswalk"  # standards/crosswalk/<a>__<b>.yaml, beside the packs
PACK_BYTES_LIMIT = 5 * 1024 * 1024  # any one file of a pack (rule files 2 MB, source texts 5 MB)


@dataclass
class Pack:
    """A validated rule pack, ready for scoring."""

    meta: PackMeta
    categories: list[Category]
    folder: Path
    files: list[Path]  # rule files (``pack_files``): their bytes are ``sha256``
    sha256: str
    thresholds: dict[str, Fraction]
    expressions: dict[str, Expression]  # clause id / "veto:<id>" / "bonus:<id>" → compiled
    scales: dict[str, Scale]  # clause id → resolved scale
    sources: list[Path] = field(default_factory=list)  # source texts the quotes were checked against
    warnings: list[Problem] = field(default_factory=list)
    index: dict[str, tuple[Category, Item, Clause]] = field(default_factory=dict)
    facts: dict[str, FactDef] = field(default_factory=dict)  # vocabulary facts, then the pack's own

    @property
    def id(self) -> str:
        """The pack's ID."""
        return self.meta.id

    def used_facts(self) -> list[str]:
        """Facts the pack's checks read (and its own facts), in declaration order: what a
        community of this pack is asked to fill in."""
        used = {name for expr in self.expressions.values() for name in expr.facts}
        return [name for name in self.facts if name in used or name in self.meta.facts]

    def facts_to_fill(self, given: Iterable[str] = ()) -> list[str]:
        """The used facts, then any other of the ``given`` names (an evidence file's extra facts
        are kept when it is rewritten: nothing a person wrote is lost)."""
        used = self.used_facts()
        return used + [name for name in given if name not in used]

    def clauses(self) -> Iterator[tuple[Category, Item, Clause]]:
        """Every clause with its category and item, in order."""
        yield from self.index.values()

    def counts(self) -> tuple[int, int, int]:
        """(categories, items, clauses)."""
        return (
            len(self.categories),
            sum(len(c.items) for c in self.categories),
            len(self.index),
        )


@dataclass
class RawPack:
    """What was read before cross-file validation: documents and the models that parsed."""

    folder: Path
    meta_doc: yamlio.Document | None
    meta: PackMeta | None
    category_docs: list[yamlio.Document]
    categories: list[Category | None]
    problems: list[Problem]
    unreadable: int = 0  # files that could not even be parsed
    vocabulary_doc: yamlio.Document | None = None
    vocabulary: Vocabulary | None = None

    @property
    def complete(self) -> bool:
        """Every file parsed and passed its schema, so cross-file rules can run."""
        return (not self.unreadable and self.meta is not None
                and all(c is not None for c in self.categories))


def pack_folder(path: Path) -> Path:
    """The pack folder for a path given by a user: the folder, its pack.yaml, or a category file."""
    if is_dir(path):
        return path
    return path.parent


def category_files(folder: Path) -> list[Path]:
    """Category files of a pack folder, in name order; ``_``/``.``-prefixed files are ignored."""
    files = [
        p for p in folder.iterdir()
        if p.suffix in (".yaml", ".yml") and p.name != PACK_FILE and not p.name.startswith(("_", "."))
    ]
    return sorted(files, key=lambda p: p.name)


def vocabulary_path(folder: Path, ref: str) -> Path:
    """Where the vocabulary ``ref`` of the pack in ``folder`` is (``inside_tree`` says whether it may be read)."""
    try:
        return (folder / ref).resolve()
    except (OSError, RuntimeError, ValueError):
        return folder / ref


def inside_tree(folder: Path, path: Path) -> bool:
    """Whether ``path`` (resolved, symlinks followed) lies in the standards tree of the pack in
    ``folder``: the pack folder's parent and below. A pack reads nothing else."""
    try:
        return path.resolve().is_relative_to(folder.resolve().parent)
    except (OSError, RuntimeError, ValueError):
        return False


def pack_files(folder: Path, meta: PackMeta) -> tuple[list[Path], list[Path]]:
    """``(rule files, source texts)`` of the pack in ``folder`` whose ``pack.yaml`` is ``meta``.

    Rule files: ``pack.yaml``, the category files, then the shared vocabulary it names (fact types
    shape results: part of the pack's identity). Source texts: the ``documents`` files that exist.
    """
    rules = [folder / PACK_FILE, *category_files(folder)]
    if meta.vocabulary is not None:
        vocabulary = vocabulary_path(folder, meta.vocabulary)
        if inside_tree(folder, vocabulary) and is_file(vocabulary):
            rules.append(vocabulary)
    sources = [vocabulary_path(folder, ref.file) for ref in meta.documents.values() if ref.file]
    return rules, [p for p in dict.fromkeys(sources) if inside_tree(folder, p) and is_file(p)]


def pack_sha256(folder: Path, files: list[Path]) -> str:
    """SHA-256 over the pack's YAML files, by relative name and content, in a fixed order."""
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda p: p.name):
        digest.update(file.name.encode("utf-8") + b"\0")
        digest.update(read_bytes(file, limit=PACK_BYTES_LIMIT))
        digest.update(b"\0")
    return digest.hexdigest()
