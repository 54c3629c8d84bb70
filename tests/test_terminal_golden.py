"""Exact-text golden views at 60, 80 and 120 columns: score, batch and compare keep every figure whole.

Regenerate with ``JINGZHI_REGEN_GOLDEN=1 pytest tests/test_terminal_golden.py`` and review the diff:
no line wider than its window, no ``…`` anywhere, every total and rating whole.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from jingzhi_audit.api import assess
from jingzhi_audit.api import compare as run_compare
from jingzhi_audit.batch.summary import summarize
from jingzhi_audit.pack import load_pack, resolve_pack
from jingzhi_audit.render.compare_text import comparison_view
from jingzhi_audit.render.district_text import summary_view
from jingzhi_audit.render.terminal import result_view, to_text
from jingzhi_audit.result import Result
from jingzhi_audit.result.district import DistrictSummary, FailedFile, row_from_result
from jingzhi_audit.scoring.plan import pack_info
from tests.conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden" / "terminal"
WIDTHS = [60, 80, 120]
EXAMPLES = ["haiyun", "qingshan", "laocheng"]
AT = "2026-11-22T10:00:00+08:00"


def _check(name: str, text: str, width: int) -> None:
    path = GOLDEN / f"{name}-{width}.txt"
    if os.environ.get("JINGZHI_REGEN_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed"
    wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert not wide, f"lines wider than {width}: {wide[:3]}"
    assert "…" not in text, "a truncated cell"


def _result(name: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(ROOT)
    return assess(Path("examples") / name / "community.yaml", generated_at=AT)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_score_view(name: str, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _result(name, monkeypatch)
    text = to_text(result_view(result, width), width)
    _check(f"score-{name}", text, width)
    # what must never be lost, whatever the width
    assert f"总分 {result.total_text} / 100" in text and f"等级 {result.rating.label}" in text
    assert result.community.name in text
    for cat in result.categories:  # every category score and ratio, whole, on its own row
        row = next(line for line in text.splitlines() if f"{cat.id} {cat.title}" in line)
        assert re.search(rf"\b{re.escape(cat.score_text)}\b", row), row
        assert (f"{cat.ratio * 100:.1f}%" if cat.ratio is not None else "—") in row
    if width >= 80:
        assert "整改建议" in text and "█" in text
    else:  # the low-priority columns went first, and the reader is told where to find them
        assert "整改建议未显示" in text and "█" not in text


def district(monkeypatch: pytest.MonkeyPatch) -> DistrictSummary:
    """The three examples and a second file of 青山社区 (same name, same street), one broken file."""
    results = {name: _result(name, monkeypatch) for name in EXAMPLES}
    rows = [row_from_result(r, f"{name}/community.yaml", {}) for name, r in results.items()]
    rows.append(row_from_result(results["qingshan"], "qingshan-2025/community.yaml", {}))
    failed = [FailedFile(path="broken/community.yaml", errors=["broken/community.yaml:3: clauses.5.1.1.status: 状态「已完成」不是可选值"])]
    pack = load_pack(resolve_pack("jingzhi-2022"))
    return summarize(rows, failed, source="examples", pack=pack.id, pack_title=pack.meta.title,
                     bands=pack_info(pack).ratings, generated_at=AT,
                     titles={cid: clause.title for cid, (_, _, clause) in pack.index.items()})  # as batch passes them


@pytest.mark.parametrize("width", WIDTHS)
def test_batch_view(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = district(monkeypatch)
    text = to_text(summary_view(summary, ["reports/examples/summary.json"], width), width)
    _check("batch", text, width)
    for ranked in summary.ranking:
        row = next(line for line in text.splitlines() if f" {ranked.shown.split('（')[0]}" in line
                   and ranked.row.total_text in line)
        assert ranked.row.rating.label in row
    assert "依据不足" in text and "缺少佐证" in text and "同名" in text
    assert "环翠楼街道" in text  # the street, in its column or under the name


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_view(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    comparison = run_compare(Path("examples/qingshan/community.yaml"), [])
    text = to_text(comparison_view(comparison, width), width)
    _check("compare-qingshan", text, width)
    for p in comparison.packs:
        assert f"{p.total_text} / {p.total_points:g}" in text and p.id in text
    lines = text.splitlines()
    for indicator in comparison.indicators:
        for cell in indicator.cells:  # a clause number is never split across lines
            assert any(f"（{cell.clause}）" in line for line in lines), cell.clause


@pytest.mark.parametrize("width", [60, 80])
def test_a_long_name_stays_whole(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name too long for the panel's border goes inside it, folded but whole (never cut with …)."""
    result = _result("qingshan", monkeypatch)
    long_name = "山东省威海市文登区龙山街道青山路第一社区居民委员会（试点）"
    result = result.model_copy(update={"community": result.community.model_copy(update={"name": long_name})})
    text = to_text(result_view(result, width), width)
    assert "…" not in text
    inside = "".join(line.strip("│ ") for line in text.splitlines()[:6])
    assert long_name in inside
    assert f"总分 {result.total_text} / 100" in text
