"""The review commands through the CLI: exit codes, stdout and stderr (CliRunner, no exceptions caught)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jingzhi_audit.cli import app


def _run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_review_init_writes_a_template_and_never_overwrites(runner: CliRunner, community: Path) -> None:
    result = _run(runner, "review", "init", "community.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "已生成 community.review.yaml" in result.stderr
    text = (community / "community.review.yaml").read_text(encoding="utf-8")
    assert '"1.1.1":  # 志愿队伍（2 分）  自评：部分达标（细项 a、b、c），佐证 1 项' in text
    assert "evidence_sha256: " in text and '"files/会议纪要.md": ' in text
    again = _run(runner, "review", "init", "community.yaml")
    assert again.exit_code == 1
    assert again.stdout == ""
    assert "复核文件 community.review.yaml 已存在，未覆盖。如确需覆盖，请加 --force" in again.stderr
    assert _run(runner, "review", "init", "community.yaml", "--force").exit_code == 0
    # an untouched template is valid: nothing reviewed yet, and scoring says so
    valid = _run(runner, "validate", "community.review.yaml")
    assert valid.exit_code == 0 and "已复核 0/6 条" in valid.stdout
    scored = _run(runner, "score", "community.yaml", "-f", "json")
    assert json.loads(scored.stdout)["review"]["state"] == "none"


def test_score_with_a_review_shows_both_figures(runner: CliRunner, community: Path) -> None:
    result = _run(runner, "score", "community.yaml", "--review", "downgrade.review.yaml")
    assert result.exit_code == 0
    assert result.stderr == ""
    out = result.stdout
    assert "总分 9.5 / 10" in out
    assert "复核有效：复核人 王复核（测试区民政局），复核日期 2026-11-20，已复核 6 条。" in out
    assert "复核后得分 6.5（基本合格）为正式得分；自评得分 9.5。" in out
    assert out.index("2.1.2") < out.index("纪要只有两个季度")  # largest difference first
    md = _run(runner, "score", "community.yaml", "--review", "downgrade.review.yaml", "-f", "markdown")
    assert "## 复核意见" in md.stdout and "| 2.1.2 | 达标 | 未达标 | -2.00 | 调查结果没有公布 |" in md.stdout


def test_validate_reports_a_bad_review_with_its_line(runner: CliRunner, community: Path) -> None:
    path = community / "downgrade.review.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    comment: 调查结果没有公布\n", ""), encoding="utf-8")
    line = text.splitlines().index('  "2.1.2":  # 调查制度（2 分）  自评：达标，佐证 1 项') + 1
    result = _run(runner, "validate", "downgrade.review.yaml")
    assert result.exit_code == 1
    assert f"downgrade.review.yaml:{line}: clauses.2.1.2.comment: 复核结论为不同意时必须填写复核意见（comment），说明理由" \
        in result.stdout
    scored = _run(runner, "score", "community.yaml", "--review", "downgrade.review.yaml")
    assert scored.exit_code == 1 and scored.stdout == ""
    assert "复核意见（comment）" in scored.stderr and "Traceback" not in scored.stderr


def test_sign_then_verify_then_tamper(runner: CliRunner, community: Path) -> None:
    signed = _run(runner, "review", "sign", "downgrade.review.yaml", "--date", "2026-11-21")
    assert signed.exit_code == 0, signed.stderr
    assert signed.stdout.startswith("已签署 downgrade.review.yaml：王复核，2026-11-21，封印 SHA-256 ")
    twice = _run(runner, "review", "sign", "downgrade.review.yaml")
    assert twice.exit_code == 1 and "如需重新签署，请加 --force" in twice.stderr
    bad_date = _run(runner, "review", "sign", "downgrade.review.yaml", "--date", "21/11/2026", "--force")
    assert bad_date.exit_code == 2

    saved = _run(runner, "score", "community.yaml", "--review", "downgrade.review.yaml", "-o", "result.json")
    assert saved.exit_code == 0 and "已写入 result.json" in saved.stderr
    ok = _run(runner, "verify", "result.json")
    assert ok.exit_code == 0, ok.stdout
    assert ok.stdout.startswith("✓ result.json：未发现改动")

    data = json.loads((community / "result.json").read_text(encoding="utf-8"))
    data["review"]["total_text"] = "9.5"  # someone makes the reviewed score look better
    (community / "tampered.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tampered = _run(runner, "verify", "tampered.json")
    assert tampered.exit_code == 1
    assert tampered.stdout.startswith("✗ tampered.json：结果生成后有 1 处改动：")
    assert "  - 复核后总分：结果中为 9.5，按现有文件重新评分为 6.5\n" in tampered.stdout

    (community / "files" / "调查.md").write_text("改过的调查报告\n", encoding="utf-8")
    changed = _run(runner, "verify", "result.json")
    assert changed.exit_code == 1
    assert "  - 佐证文件 files/调查.md 已改动（SHA-256 不同）\n" in changed.stdout
    assert "  - 复核状态：结果中为 复核有效，按现有文件重新评分为 复核已失效\n" in changed.stdout
    assert "签署后复核内容、证据、佐证或规则包有改动" in changed.stdout


def test_verify_of_a_file_that_is_not_a_result(runner: CliRunner, community: Path) -> None:
    result = _run(runner, "verify", "community.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "community.yaml" in result.stderr and "Traceback" not in result.stderr


def test_review_help_is_chinese(runner: CliRunner) -> None:
    for args in (["review", "--help"], ["review", "init", "--help"], ["review", "sign", "--help"], ["verify", "--help"]):
        result = _run(runner, *args)
        assert result.exit_code == 0
        assert "复核" in result.stdout or "核对" in result.stdout


def test_schema_of_review_files(runner: CliRunner) -> None:
    result = _run(runner, "schema", "review")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "复核文件"
    assert {"evidence", "evidence_sha256", "reviewer", "attachments", "clauses", "seal"} <= set(schema["properties"])
    assert schema["$defs"]["Reviewer"]["properties"]["name"]["description"] == "复核人"


def test_verify_notices_a_review_added_later(runner: CliRunner, community: Path) -> None:
    assert _run(runner, "score", "community.yaml", "-o", "result.json").exit_code == 0
    assert _run(runner, "verify", "result.json").exit_code == 0
    (community / "agree.review.yaml").rename(community / "community.review.yaml")
    result = _run(runner, "verify", "result.json")
    assert result.exit_code == 1
    assert "  - 结果生成后新增了复核文件 community.review.yaml（复核有效）\n" in result.stdout


def test_terminal_names_what_has_expired(runner: CliRunner, community: Path) -> None:
    result = _run(runner, "score", "../expired/community.yaml")
    assert result.exit_code == 0
    assert "不适用已过期 1 · 不适用未审批 1 · 佐证过期 1" in result.stdout
    md = _run(runner, "score", "../expired/community.yaml", "-f", "markdown")
    assert "| 1.2.1 |" in md.stdout and "不适用已过期、不适用未审批、未评估" in md.stdout


def test_a_hostile_comment_is_plain_text_in_the_terminal(runner: CliRunner, community: Path) -> None:
    path = community / "downgrade.review.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("调查结果没有公布", '"[bold red]没有公布[/]\\x1b[2J"'), encoding="utf-8")
    result = _run(runner, "score", "community.yaml", "--review", "downgrade.review.yaml")
    assert result.exit_code == 0, result.stderr
    assert "[bold red]没有公布[/]" in result.stdout  # markup printed as written
    assert "\x1b" not in result.stdout  # no escape sequence reaches the terminal
