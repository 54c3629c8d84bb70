"""JSON Schemas of the file formats, published by ``audit schema`` for editors and CI."""

from __future__ import annotations

import json
from typing import Any


def schema_for(kind: str, *, standard: str | None = None) -> dict[str, Any]:
    if kind == "evidence" and standard is not None:
        from .evidence.template import evidence_schema
        from .pack import load_pack, resolve_pack

        schema = evidence_schema(load_pack(resolve_pack(standard)))
    elif kind == "pack":
        from .pack.model import PackMeta

        schema = PackMeta.model_json_schema()
    elif kind == "category":
        from .pack.model import Category

        schema = Category.model_json_schema()
    elif kind == "evidence":
        from .evidence.model import EvidenceFile

        schema = EvidenceFile.model_json_schema()
    elif kind == "review":
        from .review.model import ReviewFile

        schema = ReviewFile.model_json_schema()
    elif kind == "result":
        from .result import Result

        schema = Result.model_json_schema(mode="serialization")
    else:  # pragma: no cover - the CLI offers only the kinds above
        raise ValueError(kind)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_json(kind: str, *, standard: str | None = None) -> str:
    return json.dumps(schema_for(kind, standard=standard), ensure_ascii=False, indent=2) + "\n"
