"""Golden results of the bundled examples, reviewed by hand once (see the issue note).

A change to the pack, the engine or an example changes these files; regenerate them with
``JINGZHI_REGEN_GOLDEN=1 pytest tests/test_golden.py`` and review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jingzhi_audit.api import assess
from jingzhi_audit.result import Result
from tests.conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = ["haiyun", "qingshan", "laocheng"]


def _result(name: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(ROOT)  # evidence paths in results are shown relative to the working folder
    return assess(Path("examples") / name / "community.yaml", generated_at="2026-11-22T10:00:00+08:00")


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_matches_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _result(name, monkeypatch)
    data = json.loads(result.model_dump_json())
    data["tool"]["version"] = "golden"
    path = GOLDEN / f"{name}.json"
    if os.environ.get("JINGZHI_REGEN_GOLDEN"):
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert data == expected


@pytest.mark.parametrize("name", EXAMPLES)
def test_result_round_trips_through_validation(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Results are built unvalidated for speed; they must still satisfy their own schema."""
    result = _result(name, monkeypatch)
    again = Result.model_validate_json(result.model_dump_json())
    assert again.model_dump() == result.model_dump()


def test_examples_hit_their_targets(monkeypatch: pytest.MonkeyPatch) -> None:
    strong = _result("haiyun", monkeypatch)
    assert strong.total >= 90 and strong.complete and strong.flag_counts.unassessed == 0
    # 优秀 by points, but its 文体活动 satisfaction is below 90%: the rating gate holds it at 合格
    assert (strong.rating.id, strong.rating.capped_by, strong.rating.uncapped) == ("pass", "gate", "excellent")
    middling = _result("qingshan", monkeypatch)
    assert 70 <= middling.total < 90 and middling.flag_counts.unverified > 0
    weak = _result("laocheng", monkeypatch)
    assert weak.rating.id == "fail" and weak.rating.capped_by == "veto"
    counts = weak.flag_counts
    assert counts.na and counts.mismatch and counts.missing_attachment and counts.unassessed >= 5
    assert any("insufficient_basis" in c.flags for c in weak.categories)
    assert all(c.reason for c in weak.clauses if c.status == "na")


@pytest.mark.parametrize("name", EXAMPLES)
def test_markdown_matches_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Markdown report, exact to the character (a wording or layout change is a reviewed diff)."""
    from jingzhi_audit.render.markdown import render_markdown

    result = _result(name, monkeypatch)
    text = render_markdown(result.model_copy(update={"tool": result.tool.model_copy(update={"version": "golden"})}))
    path = GOLDEN / "markdown" / f"{name}.md"
    if os.environ.get("JINGZHI_REGEN_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
