"""Usage errors and help are Chinese, with no internal type names; shell completion is offered;
``audit score -o`` refuses a file it cannot write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from tests.conftest import ROOT

EVIDENCE = str(ROOT / "examples" / "qingshan" / "community.yaml")
ENGLISH = ["Usage:", "Error", "Missing argument", "Missing option", "No such option", "No such command",
           "Invalid value", "Show this message", "Try '", "Options:", "Arguments:", "Commands:", "[required]",
           "[default:", "<list[str]>", "<int range>", "<path>", "<str>", "<float>", "requires an argument",
           "does not take a value", "unexpected extra", "is not one of", "Input should be", "x>=1"]
COMMANDS = sorted(info.name or info.callback.__name__ for info in app.registered_commands if info.callback)


def _no_english(text: str) -> None:
    found = [word for word in ENGLISH if word in text]
    assert not found, f"English or type names left: {found}\n{text}"


# argv → a fragment of the Chinese message; every kind of usage error click raises
USAGE_ERRORS = [
    (["score"], "缺少参数 路径：评估证据文件"),
    (["report", "r.json"], "缺少选项 -o、--output"),
    (["score", EVIDENCE, "--bogus"], "没有 --bogus 这个选项"),
    (["score", EVIDENCE, "--fromat", "json"], "没有 --fromat 这个选项（是不是要用 --format？）"),
    (["--bogus"], "没有 --bogus 这个选项"),
    (["nosuch"], "没有 nosuch 这个命令；可用的命令：validate、"),
    (["score", EVIDENCE, "-f", "xx"], "-f、--format 的值“xx”不可用；可选：table、json、markdown、html、pdf"),
    (["score", EVIDENCE, "--format=docx"], "的值“docx”不可用"),
    (["schema", "zz"], "参数的值“zz”不可用；可选：pack、category、evidence、review、result"),
    (["batch", "x", "-j", "0"], "-j、--jobs 的值“0”须不小于 1"),
    (["batch", "x", "-j", "abc"], "-j、--jobs 的值“abc”不是整数"),
    (["batch", "x", "-j0"], "的值“0”须不小于 1"),
    (["score", EVIDENCE, "--fail-under", "abc"], "--fail-under 的值“abc”不是数字"),
    (["score", EVIDENCE, "-o"], "选项 -o 后面要跟一个值"),
    (["batch", "x", "--force=1"], "选项 --force 不带值"),
    (["score", EVIDENCE, "extra1", "extra2"], "多余的参数：extra1 extra2"),
    (["validate"], "请给出要校验的规则包文件夹"),  # PATH is optional since --changed (pre-commit)
]


@pytest.mark.parametrize(("argv", "fragment"), USAGE_ERRORS, ids=[" ".join(a[:3]) for a, _ in USAGE_ERRORS])
def test_usage_errors_are_chinese(argv: list[str], fragment: str, runner: CliRunner) -> None:
    result = runner.invoke(app, argv, catch_exceptions=False)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert f"错误：{fragment}" in result.stderr.replace("\n", "") or fragment in result.stderr, result.stderr
    assert result.stderr.startswith("用法：audit") and "查看帮助" in result.stderr
    _no_english(result.stderr)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_chinese_without_type_names(command: str | None, runner: CliRunner) -> None:
    result = runner.invoke(app, [command, "-h"] if command else ["--help"], catch_exceptions=False)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith(f"用法：audit {command or ''}".rstrip())
    assert "显示本帮助并退出。" in result.stdout
    _no_english(result.stdout)


def test_help_shows_plain_metavars(runner: CliRunner) -> None:
    batch = runner.invoke(app, ["batch", "-h"], catch_exceptions=False).stdout
    assert "-j, --jobs 整数" in batch and "（不小于 1）" in batch and "--pdf / --no-pdf" in batch
    assert "默认 --no-pdf" in batch
    validate = runner.invoke(app, ["validate", "-h"], catch_exceptions=False).stdout
    assert "用法：audit validate [选项] [路径...]" in validate  # optional: --changed may give none
    compare = runner.invoke(app, ["compare", "-h"], catch_exceptions=False).stdout
    assert "-s, --standard 文字" in compare and "可重复" in compare
    score = runner.invoke(app, ["score", "-h"], catch_exceptions=False).stdout
    assert "-f, --format table|json|markdown|html|pdf" in score and "--fail-under 数值" in score


def test_no_arguments_shows_the_chinese_overview(runner: CliRunner) -> None:
    result = runner.invoke(app, [], catch_exceptions=False)
    assert result.exit_code == 2  # as before: a usage error that shows the help
    text = result.stdout + result.stderr
    assert "命令：" in text and "score" in text and "--install-completion" in text
    _no_english(text)


def test_show_completion_prints_a_bash_script() -> None:
    audit = Path(sys.executable).parent / "audit"
    done = subprocess.run([str(audit), "--show-completion", "bash"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "complete" in done.stdout and "audit" in done.stdout and "_AUDIT_COMPLETE" in done.stdout


@pytest.mark.parametrize(("args", "fragment"), [
    (["-o", "x.xlsx"], "不能写入“.xlsx”文件"),
    (["-o", "x.docx"], "不能写入“.docx”文件"),
    (["-f", "json", "-o", "out.pdf"], "json 格式不能写入“.pdf”文件：请用扩展名"),
    (["-f", "pdf", "-o", "out.md"], "pdf 格式不能写入“.md”文件"),
])
def test_score_refuses_an_output_it_cannot_write(args: list[str], fragment: str, runner: CliRunner,
                                                 tmp_path: Path) -> None:
    target = tmp_path / args[-1]
    argv = ["score", EVIDENCE, *args[:-1], str(target)]
    result = runner.invoke(app, argv, catch_exceptions=False)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == "" and fragment in result.stderr, result.stderr
    assert not target.exists() and list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file
