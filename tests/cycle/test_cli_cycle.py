"""audit score --archive, audit history, audit diff, audit plan: exit codes, stdout and stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from tests.conftest import ROOT, pdf_text

from .conftest import CYCLE, YEARS

WIDE = {"COLUMNS": "80"}


def invoke(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args), env=WIDE, catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr and "内部错误" not in result.stderr
    return result


@pytest.fixture
def archived(runner: CliRunner, archive_spec: str, tmp_path: Path) -> str:
    """The three years recorded with audit score --archive (results also saved as JSON)."""
    for year in YEARS:
        result = invoke(runner, "score", str(CYCLE / f"{year}.yaml"), "--archive", archive_spec,
                        "-o", str(tmp_path / f"{year}.json"))
        assert result.exit_code == 0, result.stderr
        assert "已记入归档" in result.stderr
    return archive_spec


def test_score_records_once_and_reports_the_movement(runner: CliRunner, archived: str) -> None:
    again = invoke(runner, "score", str(CYCLE / "2026.yaml"), "--archive", archived)
    assert again.exit_code == 0
    assert "归档中已有这份证据的评估，未重复记录" in again.stderr
    assert "与上次（2025-11-01，7.0）相比 -0.2" in again.stderr
    assert "海滨新城社区" in again.stdout  # the terminal view as usual


def test_history_of_the_community_and_of_the_district(runner: CliRunner, archived: str) -> None:
    one = invoke(runner, "history", "--archive", archived, "371002001001")
    assert one.exit_code == 0 and one.stderr == ""
    lines = one.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "海滨新城社区" in lines[0] and "社区代码 371002001001" in lines[0]
    assert [line.split("│")[2].strip() for line in lines if "│" in line] == ["2024-11-01", "2025-11-01", "2026-11-01"]
    assert "+1.0" in one.stdout and "-0.2" in one.stdout
    data = json.loads(invoke(runner, "history", "--archive", archived, "海滨新城社区", "-f", "json").stdout)
    assert [(a["total"], a["change"]) for a in data["assessments"]] == [(6.0, None), (7.0, 1.0), (6.8, -0.2)]
    district = invoke(runner, "history", "--archive", archived, "-f", "markdown")
    assert district.exit_code == 0
    assert "| 1 | 海滨新城社区 | 鲸园街道 | 3 | 2026-11-01 | 6.8 | 基本合格 | -0.2 |" in district.stdout


def test_diff_from_the_archive_as_json(runner: CliRunner, archived: str) -> None:
    result = invoke(runner, "diff", "--archive", archived, "--community", "371002001001", "-f", "json")
    assert result.exit_code == 0 and result.stderr == ""
    data = json.loads(result.stdout)
    assert list(data)[:8] == ["previous", "current", "total_change", "rating_change", "categories", "fixed",
                              "regressed", "persisting"]
    assert {"previous", "current", "total_change", "categories", "fixed", "regressed", "persisting", "new"} <= set(data)
    assert data["total_change"] == -0.2
    assert [c["id"] for c in data["fixed"]] == ["1.1.2"] and [c["id"] for c in data["regressed"]] == ["2.1.2"]
    assert data["persisting"] == [{"id": "1.2.1", "title": "物业活动", "previous_id": None, "previous_credit": 0.0,
                                   "current_credit": 0.5, "points_lost": 1.2, "previous_points_lost": 2.0}]
    assert set(data["fixed"][0]) >= {"id", "title", "previous_credit", "current_credit", "points_lost"}
    picked = json.loads(invoke(runner, "diff", "--archive", archived, "--community", "海滨新城社区",
                               "2024-11-01", "2026-11-01", "-f", "json").stdout)
    assert [c["id"] for c in picked["fixed"]] == ["1.1.1", "2.1.1"] and picked["total_change"] == 0.8


def test_diff_of_two_result_files_as_markdown_and_two_evidence_files_in_the_terminal(
        runner: CliRunner, archived: str, tmp_path: Path) -> None:
    md = invoke(runner, "diff", str(tmp_path / "2024.json"), str(tmp_path / "2025.json"), "-f", "markdown")
    assert md.exit_code == 0
    assert "- 总分变化 **+1.0**，升 1 档；已整改 2、退步 1、仍未整改 1、新增 0" in md.stdout
    assert "| 1.1.1 | 志愿队伍 | 50% | 100% | 1.00 | 0.00 |" in md.stdout
    term = invoke(runner, "diff", str(CYCLE / "2025.yaml"), str(CYCLE / "2026.yaml"))
    assert term.exit_code == 0 and term.stderr == ""
    assert "变化：总分 -0.2，降 1 档；已整改 1、退步 1、仍未整改 1、新增 0" in term.stdout
    assert max(len(line) for line in term.stdout.splitlines()) <= 80
    assert "已整改（上次有差距，本次没有）：1 条" in term.stdout and "1.1.2" in term.stdout


def test_plan_then_diff_with_the_plan(runner: CliRunner, archived: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ledger = tmp_path / "整改台账.xlsx"
    made = invoke(runner, "plan", str(tmp_path / "2025.json"), "-o", str(ledger))
    assert made.exit_code == 0 and "（2 项整改）" in made.stderr
    book = load_workbook(ledger)
    ws = book["整改台账"]
    ws["J2"] = "已完成"  # 1.2.1: marked done, still a gap in 2026
    ws["J3"] = "已完成"  # 1.1.2: done, and fixed in 2026
    book.save(ledger)
    result = invoke(runner, "diff", str(tmp_path / "2025.json"), str(tmp_path / "2026.json"), "--plan", str(ledger),
                    "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [(r["clause"], r["outcome"]) for r in json.loads(result.stdout)["plan"]["rows"]] == [
        ("1.2.1", "contradicted"), ("1.1.2", "confirmed")]
    term = invoke(runner, "diff", str(tmp_path / "2025.json"), str(tmp_path / "2026.json"), "--plan", str(ledger))
    assert "已确认整改 1，标记已完成但仍有差距 1" in term.stdout
    refused = invoke(runner, "plan", str(tmp_path / "2025.json"), "-o", str(ledger))
    assert refused.exit_code == 1 and "已存在且可能是您填写的文件，未覆盖" in refused.stderr


def test_the_pdf_report_compares_with_the_previous_year(runner: CliRunner, archived: str, tmp_path: Path) -> None:
    target = tmp_path / "报告.pdf"
    result = invoke(runner, "score", str(CYCLE / "2026.yaml"), "--archive", archived, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    text = pdf_text(target)
    assert "与上次评估相比" in text and "上次评估 2025-11-01：总分 7.0，合格。" in text
    assert "总分变化 -0.2，等级降 1 档。" in text and "已整改 1 条，退步 1 条，仍未整改 1 条" in text
    assert "2024-11" in text and "2026-11" in text  # the trend chart's axis


def test_the_first_report_has_no_comparison(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "报告.pdf"
    result = invoke(runner, "score", str(CYCLE / "2024.yaml"), "--archive", str(tmp_path / "a.sqlite"), "-o", str(target))
    assert result.exit_code == 0 and "与上次评估相比" not in pdf_text(target)


@pytest.mark.parametrize(("args", "message"), [
    (["history", "--archive", "{tmp}/none.sqlite"], "归档 {tmp}/none.sqlite 不存在"),
    (["history", "--archive", "{archive}", "不存在社区"], "中没有社区「不存在社区」"),
    (["diff", "--archive", "{archive}", "--community", "不存在社区"], "中没有社区「不存在社区」"),
    (["diff", "--archive", "{archive}"], "请用 --community 指定社区"),
    (["diff", "{tmp}/2024.json"], "请给出两个结果 JSON 或证据文件"),
    (["diff", "{tmp}/2024.json", "{root}/examples/haiyun/community.yaml"],
     "两次评估使用不同的规则包（上次 mini，本次 jingzhi-2022），且两者之间没有对照表，无法逐条比较"),
    (["diff", "{tmp}/2024.json", "{tmp}/2025.json", "--plan", "{tmp}/坏.xlsx"], "坏.xlsx: 不是有效的 Excel 工作簿"),
    (["diff", "{tmp}/2024.json", "{tmp}/missing.json"], "missing.json: 文件不存在"),
    (["plan", "{tmp}/2024.json", "-o", "{tmp}/台账.csv"], "整改台账的输出文件应为 .xlsx"),
])
def test_bad_input_is_a_chinese_message_and_exit_1(runner: CliRunner, archived: str, tmp_path: Path, args: list[str],
                                                   message: str) -> None:
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook")
    values = {"tmp": str(tmp_path), "archive": archived, "root": str(ROOT)}
    result = invoke(runner, *[a.format(**values) for a in args])
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：") and message.format(**values) in result.stderr.replace("\n", "")
    assert result.stdout == ""


def test_history_without_an_archive_is_a_usage_error(runner: CliRunner) -> None:
    """A missing required option is a command-line usage error: exit 2, with the usage line."""
    result = invoke(runner, "history")
    assert result.exit_code == 2
    assert "请用 --archive 指定评估归档" in result.stderr and result.stderr.startswith("用法：audit history")
    assert result.stdout == ""
