"""The archive keeps each assessment's review: recorded with it, taken on when the same evidence is
scored again with a new, signed or lapsed review, shown by audit history (CLI, no exceptions caught)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from jingzhi_audit.cli import app


def _run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args), env={"COLUMNS": "120"}, catch_exceptions=False)
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    return result


def _history(runner: CliRunner) -> list[dict[str, object]]:
    result = _run(runner, "history", "--archive", "a.sqlite", "复核测试社区", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout)["assessments"])


def _stored(archive: Path) -> list[tuple[str | None, float | None]]:
    """Each assessment's review_json and the reviewed total in its stored result JSON (sqlite3 itself)."""
    with sqlite3.connect(archive) as db:
        rows = db.execute("SELECT review_json, result_json FROM assessments ORDER BY id").fetchall()
    return [(review, (json.loads(result).get("review") or {}).get("total")) for review, result in rows]


def test_a_review_written_after_the_self_assessment_joins_its_archived_assessment(
        runner: CliRunner, community: Path) -> None:
    first = _run(runner, "score", "community.yaml", "--archive", "a.sqlite")
    assert first.exit_code == 0 and "已记入归档" in first.stderr
    [row] = _history(runner)
    assert row["total"] == 9.5 and row["review"] is None
    assert _stored(community / "a.sqlite") == [(None, None)]

    # the inspector's review, found beside the evidence file; the evidence itself is unchanged
    shutil.copy(community / "downgrade.review.yaml", community / "community.review.yaml")
    reviewed = _run(runner, "score", "community.yaml", "--archive", "a.sqlite")
    assert reviewed.exit_code == 0
    assert "归档中已有这份证据的评估，已更新它的复核" in reviewed.stderr
    [row] = _history(runner)  # still one assessment: the review is part of it, not a new one
    assert row["total"] == 9.5
    assert row["review"] == {"state": "valid", "reviewer": "王复核", "reviewed_on": "2026-11-20", "total": 6.5,
                             "total_text": "6.5", "rating_label": "基本合格", "rating_stars": 2, "difference": -3.0,
                             "disagreements": 2, "signed": False}
    [(review_json, stored_total)] = _stored(community / "a.sqlite")
    assert review_json is not None and json.loads(review_json)["total"] == 6.5 and stored_total == 6.5
    text = _run(runner, "history", "--archive", "a.sqlite", "复核测试社区")
    assert "复核后" in text.stdout and "6.5 基本合格（未签署）" in text.stdout

    again = _run(runner, "score", "community.yaml", "--archive", "a.sqlite")
    assert "归档中已有这份证据的评估，未重复记录" in again.stderr

    # signing seals the review: the archived assessment takes the signed review
    assert _run(runner, "review", "sign", "community.review.yaml", "--date", "2026-11-21").exit_code == 0
    signed = _run(runner, "score", "community.yaml", "--archive", "a.sqlite")
    assert "已更新它的复核" in signed.stderr
    [row] = _history(runner)
    assert isinstance(row["review"], dict) and row["review"]["signed"] is True
    assert "6.5 基本合格" in _run(runner, "history", "--archive", "a.sqlite", "复核测试社区").stdout
    assert "未签署" not in _run(runner, "history", "--archive", "a.sqlite", "复核测试社区").stdout

    # an attachment edited after the review: the same evidence file, but the review has lapsed
    (community / "files" / "调查.md").write_text("改过的调查报告\n", encoding="utf-8")
    lapsed = _run(runner, "score", "community.yaml", "--archive", "a.sqlite")
    assert "已更新它的复核" in lapsed.stderr
    [row] = _history(runner)
    assert isinstance(row["review"], dict) and row["review"]["state"] == "lapsed"
    assert "6.5 基本合格（已失效）" in _run(runner, "history", "--archive", "a.sqlite", "复核测试社区").stdout

    # scoring this copy without its review file never removes the review from the archive
    (community / "community.review.yaml").unlink()
    bare = _run(runner, "score", "community.yaml", "--archive", "a.sqlite")
    assert "未重复记录" in bare.stderr
    [row] = _history(runner)
    assert isinstance(row["review"], dict) and row["review"]["state"] == "lapsed"


def test_batch_records_each_community_with_its_review(runner: CliRunner, community: Path, tmp_path: Path) -> None:
    (community / "downgrade.review.yaml").rename(community / "community.review.yaml")
    (community / "agree.review.yaml").unlink()
    out = tmp_path / "out"
    result = _run(runner, "batch", str(community), "-o", str(out), "--archive", "a.sqlite")
    assert result.exit_code == 0, result.stderr
    district = _run(runner, "history", "--archive", "a.sqlite", "-f", "json")
    [latest] = json.loads(district.stdout)["communities"]
    assert latest["latest"]["total"] == 9.5
    assert latest["latest"]["review"]["total"] == 6.5 and latest["latest"]["review"]["state"] == "valid"
    markdown = _run(runner, "history", "--archive", "a.sqlite", "-f", "markdown").stdout
    assert "| 最近评估 | 总分 | 等级 | 变化 | 复核后 |" in markdown and "| 6.5 基本合格（未签署） |" in markdown
    # an unchanged rerun (every community up to date) records nothing new and keeps the review
    rerun = _run(runner, "batch", str(community), "-o", str(out), "--archive", "a.sqlite")
    assert rerun.exit_code == 0, rerun.stderr
    assert len(_stored(community / "a.sqlite")) == 1
    assert _stored(community / "a.sqlite")[0][1] == 6.5
