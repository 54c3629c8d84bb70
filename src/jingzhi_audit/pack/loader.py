"""Find, read and assemble a rule pack: ``pack.yaml`` plus one YAML file per category.

``load_pack`` returns a fully validated ``Pack`` (expressions compiled, thresholds exact) or raises
``PackError`` carrying every problem of every file at once, each with file and line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .. import yamlio
from ..diagnostics import validation_problems
from ..errors import InputError, PackError, Problem
from ..expr import Expression
from .model import Category, Clause, FactDef, Item, PackMeta, Scale, Vocabulary

M = TypeVar("M", bound=BaseModel)
PACK_FILE = "pack.yaml"
VOCABULARY_FILE = "vocabulary.yaml"
PACK_FILE_LIMIT = 2 * 1024 * 1024  # a category file is ~30 KB; 2 MB leaves room and stays safe


@dataclass
class Pack:
    """A validated rule pack, ready for scoring."""

    meta: PackMeta
    categories: list[Category]
    folder: Path
    files: list[Path]
    sha256: str
    thresholds: dict[str, Fraction]
    expressions: dict[str, Expression]  # clause id / "veto:<id>" / "bonus:<id>" → compiled
    scales: dict[str, Scale]  # clause id → resolved scale
    warnings: list[Problem] = field(default_factory=list)
    index: dict[str, tuple[Category, Item, Clause]] = field(default_factory=dict)
    facts: dict[str, FactDef] = field(default_factory=dict)  # vocabulary facts, then the pack's own

    @property
    def id(self) -> str:
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
        yield from self.index.values()

    def counts(self) -> tuple[int, int, int]:
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
    if path.is_dir():
        return path
    return path.parent


def category_files(folder: Path) -> list[Path]:
    """Category files of a pack folder, in name order; ``_``/``.``-prefixed files are ignored."""
    files = [
        p for p in folder.iterdir()
        if p.suffix in (".yaml", ".yml") and p.name != PACK_FILE and not p.name.startswith(("_", "."))
    ]
    return sorted(files, key=lambda p: p.name)


def read_pack(path: Path) -> RawPack:
    """Read and schema-check every file of the pack; collect problems instead of stopping."""
    folder = pack_folder(path)
    problems: list[Problem] = []
    meta_path = folder / PACK_FILE
    if not meta_path.is_file():
        raise PackError([Problem(yamlio.display_path(folder), None, None,
                                 f"这里没有规则包：找不到 {PACK_FILE}")])
    meta_doc, meta = _read(meta_path, PackMeta, problems)
    docs: list[yamlio.Document] = []
    categories: list[Category | None] = []
    unreadable = int(meta_doc is None)
    for file in category_files(folder):
        doc, category = _read(file, Category, problems)
        if doc is None:
            unreadable += 1
            continue
        docs.append(doc)
        categories.append(category)
    if not docs and not problems:
        problems.append(Problem(yamlio.display_path(folder), None, None,
                                "规则包中没有任何分类文件（如 05-社区队伍.yaml）"))
    raw = RawPack(folder, meta_doc, meta, docs, categories, problems, unreadable)
    if meta is not None and meta.vocabulary is not None and meta_doc is not None:
        path = vocabulary_path(folder, meta.vocabulary)
        if not path.is_file():
            problems.append(meta_doc.problem(("vocabulary",), "vocabulary", f"共享数据项词表不存在：{yamlio.display_path(path)}"))
            raw.unreadable += 1
        else:
            raw.vocabulary_doc, raw.vocabulary = _read(path, Vocabulary, problems)
            if raw.vocabulary is None:
                raw.unreadable += 1
    return raw


def vocabulary_path(folder: Path, ref: str) -> Path:
    return (folder / ref).resolve()


def _read(path: Path, model: type[M], problems: list[Problem]) -> tuple[yamlio.Document | None, M | None]:
    try:
        doc = yamlio.load(path, limit=PACK_FILE_LIMIT)
    except InputError as exc:
        problems.extend(exc.problems)
        return None, None
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), None, "文件顶层应为映射（“键: 值”的形式）"))
        return doc, None
    try:
        return doc, model.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, doc, model))
        return doc, None


def load_pack(path: Path, *, cached: bool = False) -> Pack:
    """Read, validate and compile a pack; raise ``PackError`` listing every problem.

    With ``cached``, a pack validated before (same files, same tool version) is taken from the
    per-user cache (``pack.cache``); ``audit validate`` always checks afresh.
    """
    if cached:
        from . import cache

        folder = pack_folder(path)
        if (folder / PACK_FILE).is_file():
            key, pack = cache.read(folder)
            if pack is not None:
                return pack
            pack = load_pack(folder)
            cache.write(key, pack)
            return pack
    from .rules import validate_raw

    raw = read_pack(path)
    pack, problems = validate_raw(raw)
    errors = [p for p in problems if p.severity == "error"]
    if errors or pack is None:
        raise PackError(problems)
    pack.warnings = [p for p in problems if p.severity == "warning"]
    return pack


def pack_sha256(folder: Path, files: list[Path]) -> str:
    """SHA-256 over the pack's YAML files, by relative name and content, in a fixed order."""
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda p: p.name):
        digest.update(file.name.encode("utf-8") + b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
