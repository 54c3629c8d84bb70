"""CLI tests: every command's exit code, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from typer.testing import CliRunner

from jingzhi_audit import __version__
from jingzhi_audit.cli import app
from tests.conftest import BUNDLED_PACK


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"jingzhi-audit {__version__}\n"


def test_module_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "jingzhi_audit", "--version"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith("jingzhi-audit ")


def test_validate_bundled_pack(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(BUNDLED_PACK)])
    assert result.exit_code == 0, result.stdout
    assert "6 类 / 33 项 / 128 条" in result.stdout
    assert result.stdout.startswith("✓ ")
    assert result.stderr == ""


def test_validate_a_category_file_validates_its_pack(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(BUNDLED_PACK / "05-社区队伍.yaml"),
                                 str(BUNDLED_PACK / "pack.yaml")])
    assert result.exit_code == 0
    assert result.stdout.count("✓") == 1  # one pack, checked once


def test_validate_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--format", "json", str(BUNDLED_PACK)])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["valid"] is True
    target = data["targets"][0]
    assert target["kind"] == "pack"
    assert (target["details"]["categories"], target["details"]["items"],
            target["details"]["clauses"]) == (6, 33, 128)
    assert target["errors"] == []


def test_validate_junit_names_the_failing_file(runner: CliRunner, mini_pack: Path) -> None:
    ok = runner.invoke(app, ["validate", "--format", "junit", str(BUNDLED_PACK)])
    assert ok.exit_code == 0
    suites = ET.fromstring(ok.stdout.split("\n", 1)[1])
    assert suites.get("failures") == "0"
    assert suites.get("tests") == "7"  # pack.yaml and six category files

    cat = mini_pack / "2-满意.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("points: 4", "points: 5"), encoding="utf-8")
    bad = runner.invoke(app, ["validate", "-f", "junit", str(mini_pack)])
    assert bad.exit_code == 1
    suites = ET.fromstring(bad.stdout.split("\n", 1)[1])
    failed = [case.get("name") for case in suites.iter("testcase") if case.find("failure") is not None]
    assert any(name.endswith("2-满意.yaml") for name in failed)
    assert any(name.endswith("pack.yaml") for name in failed)  # total_points no longer adds up


def test_validate_writes_output_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report" / "junit.xml"
    result = runner.invoke(app, ["validate", "-f", "junit", "-o", str(out), str(BUNDLED_PACK)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith('<?xml version="1.0"')


def test_validate_missing_path(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "文件或文件夹不存在" in result.stdout


def test_validate_strict_fails_on_warnings(runner: CliRunner, mini_pack: Path) -> None:
    meta = mini_pack / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "facts:\n", "facts:\n  unused: {type: integer, label: 未使用}\n"), encoding="utf-8")
    lenient = runner.invoke(app, ["validate", str(mini_pack)])
    assert lenient.exit_code == 0
    assert "提示：" in lenient.stdout and "facts.unused: 该数据项未被任何检查式使用" in lenient.stdout
    strict = runner.invoke(app, ["validate", "--strict", str(mini_pack)])
    assert strict.exit_code == 1


def test_schema_pack_and_category(runner: CliRunner) -> None:
    for kind, field in (("pack", "thresholds"), ("category", "items")):
        result = runner.invoke(app, ["schema", kind])
        assert result.exit_code == 0
        schema = json.loads(result.stdout)
        assert field in schema["properties"]
        assert schema["additionalProperties"] is False


def test_schema_unknown_kind_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema", "nonsense"])
    assert result.exit_code == 2


def test_show_tree(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "6 类 / 33 项 / 128 条，总分 100" in result.stdout
    assert "5 社区队伍（队伍精良）  18 分" in result.stdout
    assert "10.2.5" in result.stdout
    assert "重构" in result.stdout


def test_show_one_clause_item_and_category(runner: CliRunner) -> None:
    clause = runner.invoke(app, ["show", "5.6.1"], env={"COLUMNS": "200"})
    assert clause.exit_code == 0
    for text in ("5.6.1 社会组织数量", "自动核验", "facts.social_organizations", "整改建议", "出处", "10个"):
        assert text in clause.stdout
    item = runner.invoke(app, ["show", "5.6"], env={"COLUMNS": "200"})
    assert item.exit_code == 0 and "5.6.4" in item.stdout and "5.7.1" not in item.stdout
    category = runner.invoke(app, ["show", "8"], env={"COLUMNS": "200"})
    assert category.exit_code == 0 and "8.4.4" in category.stdout and "9.1.1" not in category.stdout


def test_show_unknown_id_and_unknown_pack(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "5.6.9"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "没有编号 5.6.9" in result.stderr and "是否想写" in result.stderr
    result = runner.invoke(app, ["show", "--standard", "no-such-pack"])
    assert result.exit_code == 1
    assert "找不到规则包「no-such-pack」" in result.stderr


def test_show_with_invalid_pack_reports_problems(runner: CliRunner, mini_pack: Path) -> None:
    (mini_pack / "2-满意.yaml").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["show", "--standard", str(mini_pack)])
    assert result.exit_code == 1
    assert "2-满意.yaml:1: 文件为空" in result.stderr
    assert "Traceback" not in result.stderr
