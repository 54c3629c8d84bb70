"""Reading a pack's files: ``pack.yaml``, each category file and the shared vocabulary, each
parsed and schema-checked on its own, every problem collected (cross-file rules: ``pack.rules``)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .. import yamlio
from ..diagnostics import validation_problems
from ..errors import InputError, PackError, Problem
from ..files import display_path, is_file
from .compiled import PACK_FILE, RawPack, category_files, inside_tree, pack_folder, vocabulary_path
from .model import Category, PackMeta, Vocabulary

M = TypeVar("M", bound=BaseModel)
PACK_FILE_LIMIT = 2 * 1024 * 1024  # a category file is ~30 KB; 2 MB leaves room and stays safe


def read_pack(path: Path) -> RawPack:
    """Read and schema-check every file of the pack; collect problems instead of stopping."""
    folder = pack_folder(path)
    problems: list[Problem] = []
    meta_path = folder / PACK_FILE
    if not is_file(meta_path):
        raise PackError([Problem(display_path(folder), None, None,
                                 f"这里没有规则包：找不到 {PACK_FILE}")])
    meta_doc, meta = _read(meta_path, PackMeta, problems)
    docs: list[yamlio.Document] = []
    categories: list[Category | None] = []
    unreadable = int(meta_doc is None)
    for file in category_files(folder):
        if file.is_symlink() and not _inside(folder, file):
            problems.append(Problem(display_path(file), None, None,
                                    "是指向规则包文件夹之外的符号链接，未读取"))
            unreadable += 1
            continue
        doc, category = _read(file, Category, problems)
        if doc is None:
            unreadable += 1
            continue
        docs.append(doc)
        categories.append(category)
    if not docs and not problems:
        problems.append(Problem(display_path(folder), None, None,
                                "规则包中没有任何分类文件（如 05-社区队伍.yaml）"))
    raw = RawPack(folder, meta_doc, meta, docs, categories, problems, unreadable)
    if meta is not None and meta.vocabulary is not None and meta_doc is not None:
        path = vocabulary_path(folder, meta.vocabulary)
        if not inside_tree(folder, path):
            problems.append(meta_doc.problem(("vocabulary",), "vocabulary",
                                             "共享数据项词表在规则包所在的标准文件夹之外（不能用“..”或符号链接跳出），未读取"))
            raw.unreadable += 1
        elif not is_file(path):
            problems.append(meta_doc.problem(("vocabulary",), "vocabulary", f"共享数据项词表不存在：{display_path(path)}"))
            raw.unreadable += 1
        else:
            raw.vocabulary_doc, raw.vocabulary = _read(path, Vocabulary, problems)
            if raw.vocabulary is None:
                raw.unreadable += 1
    return raw


def _inside(folder: Path, file: Path) -> bool:
    try:
        return file.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


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


