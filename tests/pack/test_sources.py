"""Source texts are read by the one file reader: any encoding a Chinese editor saves, a size limit."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from jingzhi_audit.cli import app


def test_a_source_text_saved_as_gbk_validates(mini_pack: Path, runner: CliRunner) -> None:
    """Regression: pack validation read sources as UTF-8 only and crashed (exit 4) on GBK."""
    source = mini_pack / "sources" / "src.txt"
    source.write_bytes(source.read_text(encoding="utf-8").encode("gbk"))
    result = runner.invoke(app, ["validate", str(mini_pack)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("✓ ")
    assert "内部错误" not in result.output


def test_an_undecodable_source_is_a_problem_naming_it(mini_pack: Path, runner: CliRunner) -> None:
    (mini_pack / "sources" / "src.txt").write_bytes(b"\xff\xfe\xfa\x00\x01" * 10)
    result = runner.invoke(app, ["validate", str(mini_pack)])
    assert result.exit_code == 1
    assert "src.txt" in result.stdout
    assert "内部错误" not in result.output
