"""Helpers to write small evidence files for the mini pack and score them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from jingzhi_audit.evidence.loader import load_evidence
from jingzhi_audit.result import Result
from jingzhi_audit.scoring import score

GENERATED_AT = "2026-11-22T10:00:00+08:00"


def write_evidence(folder: Path, pack: Path, clauses: dict[str, Any], facts: dict[str, Any] | None = None,
                   files: tuple[str, ...] = ("files/名册.pdf",), **extra: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"{name} 内容", encoding="utf-8")
    data = {"standard": str(pack), "community": {"name": "测试社区", "district": "环翠区"},
            "assessed_on": "2026-11-01", "facts": facts or {}, "clauses": clauses, **extra}
    path = folder / "community.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def score_file(path: Path) -> Result:
    pack, evidence = load_evidence(path)
    return score(pack, evidence, generated_at=GENERATED_AT, tool_version="test")
