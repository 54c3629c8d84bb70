"""JSON Schemas of the file formats, published by ``audit schema`` for editors and CI.

``SCHEMAS`` is the one registry of kinds (the CLI's choices come from it); each entry builds its
schema on demand, so that listing the kinds imports no model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class SchemaKind:
    """One kind of file and how its schema is made."""

    name: str
    description: str
    build: Callable[[], dict[str, Any]]


def _pack() -> dict[str, Any]:
    from .pack.model import PackMeta

    return PackMeta.model_json_schema()


def _category() -> dict[str, Any]:
    from .pack.model import Category

    return Category.model_json_schema()


def _evidence() -> dict[str, Any]:
    from .evidence.schema import evidence_schema

    return evidence_schema()


def _review() -> dict[str, Any]:
    from .review.model import ReviewFile

    return ReviewFile.model_json_schema()


def _result() -> dict[str, Any]:
    from .result import Result

    return Result.model_json_schema(mode="serialization")


SCHEMAS: dict[str, SchemaKind] = {
    kind.name: kind
    for kind in (
        SchemaKind("pack", "规则包 pack.yaml", _pack),
        SchemaKind("category", "规则包分类文件", _category),
        SchemaKind("evidence", "评估证据文件（加 -s 时列出该规则包的全部条款编号和数据项）", _evidence),
        SchemaKind("review", "复核文件（*.review.yaml）", _review),
        SchemaKind("result", "评分结果 JSON", _result),
    )
}
PACK_SPECIFIC = ("evidence",)
"""Kinds whose schema can be narrowed to one pack (``audit schema evidence -s jingzhi-2022``)."""


def schema_for(kind: str, *, pack: Any = None) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (an evidence schema narrowed to ``pack`` when given)."""
    if kind == "evidence" and pack is not None:
        from .evidence.template import evidence_schema

        schema = evidence_schema(pack)
    else:
        schema = SCHEMAS[kind].build()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def schema_json(kind: str, *, pack: Any = None) -> str:
    """``schema_for`` as indented JSON text."""
    return json.dumps(schema_for(kind, pack=pack), ensure_ascii=False, indent=2) + "\n"
