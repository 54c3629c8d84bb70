"""Sources a pack cites: each document registered in ``pack.yaml``, each quote found verbatim in
its text file (read once, by the one reader: any encoding a Chinese editor saves, a size limit)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import InputError, Problem
from ..files import display_path, is_file, read_text
from ..yamlio import Document, Loc
from .model import PackMeta, Source

SOURCE_LIMIT = 5 * 1024 * 1024  # a source text (a press release) is a few KB
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def normalise(text: str) -> str:
    """Compare quotes by their words only: drop spaces, punctuation and pinyin annotations."""
    text = _PINYIN.sub("", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in text if ch.isalnum())


class SourceTexts:
    """The source documents of one pack, each text read at most once."""

    def __init__(self, folder: Path, meta: PackMeta, meta_doc: Document) -> None:
        self.folder = folder
        self.meta = meta
        self.meta_doc = meta_doc
        self._texts: dict[str, str | None] = {}
        self._problems: list[Problem] = []

    def check(self, doc: Document, loc: Loc, field: str, source: Source) -> list[Problem]:
        """Problems of one ``source``: an unregistered document, a quote not in its text."""
        self._problems = []
        if source.doc is None:
            return []
        ref = self.meta.documents.get(source.doc)
        if ref is None:
            known = "、".join(self.meta.documents) or "（无）"
            return [doc.problem((*loc, "doc"), f"{field}.doc",
                                f"文献「{source.doc}」未在 pack.yaml 的 documents 中登记（已登记：{known}）")]
        if source.quote is None or ref.file is None:
            return []
        text = self._text(source.doc, ref.file)
        if text is not None and normalise(source.quote) not in text:
            self._problems.append(doc.problem((*loc, "quote"), f"{field}.quote",
                                              f"引文在 {ref.file} 中找不到：「{source.quote}」（引文须逐字摘自原文）"))
        return self._problems

    def _text(self, key: str, file: str) -> str | None:
        if key not in self._texts:
            path = (self.folder / file).resolve()
            text: str | None = None
            where = ("documents", key, "file")
            if not path.is_relative_to(self.folder.resolve()):
                self._problems.append(self.meta_doc.problem(where, f"documents.{key}.file", "原文文件必须位于规则包文件夹之内"))
            elif not is_file(path):
                self._problems.append(self.meta_doc.problem(where, f"documents.{key}.file",
                                                            f"原文文件不存在：{display_path(path)}"))
            else:
                try:  # the one reader: size limit, and the encodings Chinese editors save (GBK …)
                    text = normalise(read_text(path, limit=SOURCE_LIMIT)[0])
                except InputError as exc:
                    self._problems.extend(exc.problems)
            self._texts[key] = text
        return self._texts[key]
