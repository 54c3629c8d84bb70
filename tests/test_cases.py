"""Data-driven cases: ``tests/cases/<pack>/<case>/{community.yaml, files/, expected.yaml}``.

Adding a case is adding a folder (check-jsonschema's ``tests/example-files/``). Each case is run
through the real ``audit score -f json``; ``expected.yaml`` names what must hold — hand-computed
figures for a good file, or the exit code and message fragments for a bad one:

    total: "5.0"                  # total_text
    rating: fail                  # rating id;  capped_by: veto | na_cap (optional)
    categories: {"1": "2.0"}      # score_text by category
    category_flags: {"1": [insufficient_basis]}
    flags: {mismatch: 1}          # a subset of flag_counts
    clauses: {"1.1.2": {credit: 0, flags: [mismatch], potential: 2}}
    gaps: ["1.2.1", "1.1.1"]      # every gap, in order
    points_lost: {"1.2.1": 2}
    error: {exit: 1, contains: ["community.yaml:5", "不是可选值"]}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from jingzhi_audit.cli import app

CASES = Path(__file__).resolve().parent / "cases"
FOLDERS = sorted(p.parent for p in CASES.glob("*/*/community.yaml"))


def test_there_are_cases() -> None:
    assert len(FOLDERS) >= 8


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(folder: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    expected: dict[str, Any] = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(folder)  # messages name the file as a person in this folder would type it
    run = runner.invoke(app, ["score", "community.yaml", "-f", "json"])
    assert "内部错误" not in run.output and "Traceback" not in run.output
    if "error" in expected:
        assert run.exit_code == expected["error"]["exit"], run.output
        assert run.stdout == ""
        for fragment in expected["error"]["contains"]:
            assert fragment in run.stderr, f"{fragment!r} not in {run.stderr!r}"
        return
    assert run.exit_code == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["total_text"] == expected["total"]
    assert result["rating"]["id"] == expected["rating"]
    assert result["rating"]["capped_by"] == expected.get("capped_by")
    categories = {c["id"]: c for c in result["categories"]}
    for cid, text in expected.get("categories", {}).items():
        assert categories[cid]["score_text"] == text, cid
    for cid, flags in expected.get("category_flags", {}).items():
        assert categories[cid]["flags"] == flags, cid
    for name, count in expected.get("flags", {}).items():
        assert result["flag_counts"][name] == count, name
    clauses = {c["id"]: c for c in result["clauses"]}
    for cid, want in expected.get("clauses", {}).items():
        for key, value in want.items():
            assert clauses[cid][key] == value, f"{cid}.{key}"
    if "gaps" in expected:
        assert [g["clause"] for g in result["gaps"]] == expected["gaps"]
    lost = {g["clause"]: g["points_lost"] for g in result["gaps"]}
    for cid, points in expected.get("points_lost", {}).items():
        assert lost[cid] == points, cid
