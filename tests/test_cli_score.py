"""CLI tests of init, score and the evidence side of validate and schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from jingzhi_audit.result import Result
from tests.conftest import ROOT

HAIYUN = ROOT / "examples" / "haiyun" / "community.yaml"
LAOCHENG = ROOT / "examples" / "laocheng" / "community.yaml"


def test_init_writes_a_complete_template_and_schema(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "c" / "community.yaml"
    result = runner.invoke(app, ["init", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "128 条条款、55 个数据项待填写" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=jingzhi-2022.schema.json\n")
    data = yaml.safe_load(text)
    assert data["standard"] == "jingzhi-2022"
    assert len(data["clauses"]) == 128
    assert all(entry == {"status": None, "evidence": [], "note": None} for entry in data["clauses"].values())
    assert data["facts"]["satisfaction"]["facilities"] is None
    assert "# 要求：登记或备案的社区社会组织不少于10个" in text
    schema = json.loads((out.parent / "jingzhi-2022.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "5.6.1" in schema["properties"]["clauses"]["properties"]
    # an unfilled template is invalid only for the missing community name
    check = runner.invoke(app, ["validate", str(out)])
    assert check.exit_code == 1
    assert "community.name: 必填，不能留空" in check.stdout


def test_init_never_overwrites_without_force(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "community.yaml"
    out.write_text("我填写的内容\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "-o", str(out)])
    assert result.exit_code == 1
    assert "已存在，未覆盖" in result.stderr and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "我填写的内容\n"
    forced = runner.invoke(app, ["init", "-o", str(out), "--force"])
    assert forced.exit_code == 0
    assert "standard:" in out.read_text(encoding="utf-8")


def test_init_for_another_pack_by_path(runner: CliRunner, tmp_path: Path, mini_pack: Path) -> None:
    out = tmp_path / "m.yaml"
    result = runner.invoke(app, ["init", "-s", str(mini_pack), "-o", str(out)])
    assert result.exit_code == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert Path(data["standard"]) == mini_pack.resolve()
    assert list(data["clauses"]) == ["1.1.1", "1.1.2", "1.2.1", "1.2.2", "2.1.1", "2.1.2"]


def test_score_terminal_view(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", str(LAOCHENG)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for text in ("老城社区（虚构）", "总分 61.3 / 100", "不合格", "（一票否决）", "8 社区环境",
                 "失分最多的 10 项", "8.3.3", "自评与数据不符 3", "未评估 6",
                 "评估不完整：6 条未评估", "一票否决：评估期内发生较大以上火灾事故",
                 "依据不足：8 社区环境 的不适用条款超过本类分值的 20%。"):
        assert text in out, text
    assert "等级最高为" not in out  # the veto decides the rating


def test_score_json_matches_schema_and_terminal(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", str(HAIYUN), "--format", "json"])
    assert result.exit_code == 0
    parsed = Result.model_validate_json(result.stdout)
    # 97.3 points, but one satisfaction rate is below 90%: the rating gate holds it at 合格
    assert (parsed.total_text, parsed.rating.label, parsed.rating.stars) == ("97.3", "合格", 3)
    assert parsed.rating.capped_by == "gate" and parsed.rating.uncapped == "excellent"
    assert parsed.rating.gate is not None
    assert parsed.rating.gate.message == "满意率未全部达到90%，等级最高为合格"
    table = runner.invoke(app, ["score", str(HAIYUN)], env={"COLUMNS": "120"})
    assert f"总分 {parsed.total_text} / 100" in table.stdout
    assert "满意率未全部达到90%，等级最高为合格" in table.stdout
    markdown = runner.invoke(app, ["score", str(HAIYUN), "-f", "markdown"])
    assert f"**总分：{parsed.total_text} / 100**" in markdown.stdout


def test_score_writes_outputs_by_suffix(runner: CliRunner, tmp_path: Path) -> None:
    for name, check in (("r.json", lambda t: json.loads(t)["total"] == 97.25),
                        ("r.md", lambda t: t.startswith("# 海韵社区")),
                        ("r.txt", lambda t: "总分 97.3 / 100" in t)):
        out = tmp_path / name
        result = runner.invoke(app, ["score", str(HAIYUN), "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "" and "已写入" in result.stderr
        assert check(out.read_text(encoding="utf-8"))


def test_score_never_overwrites_the_users_files(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "ex"
    shutil.copytree(HAIYUN.parent, folder)
    evidence = folder / "community.yaml"
    before = evidence.read_bytes()
    same = runner.invoke(app, ["score", str(evidence), "-f", "json", "-o", str(evidence)])
    assert same.exit_code == 1 and "就是输入的证据文件" in same.stderr
    other = folder / "other.yaml"
    other.write_text("x: 1\n", encoding="utf-8")
    clash = runner.invoke(app, ["score", str(evidence), "-f", "json", "-o", str(other)])
    assert clash.exit_code == 1 and "可能是您填写的文件" in clash.stderr
    assert evidence.read_bytes() == before and other.read_text(encoding="utf-8") == "x: 1\n"


def test_score_fail_under(runner: CliRunner) -> None:
    ok = runner.invoke(app, ["score", str(HAIYUN), "--fail-under", "90"])
    assert ok.exit_code == 0
    low = runner.invoke(app, ["score", str(HAIYUN), "--fail-under", "98"])
    assert low.exit_code == 1
    assert "总分 97.3 低于 --fail-under 98" in low.stderr


def test_score_with_standard_override(runner: CliRunner, tmp_path: Path, mini_pack: Path) -> None:
    result = runner.invoke(app, ["score", str(HAIYUN), "-s", str(mini_pack)])
    assert result.exit_code == 1  # haiyun's clause IDs are not in the mini pack
    assert "规则包 mini 中没有条款 5.1.1" in result.stderr


def test_pdf_needs_an_output_file(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", str(HAIYUN), "-f", "pdf"])
    assert result.exit_code == 2  # a usage error (README: 退出码 2), as typer's own
    assert "需要用 -o 指定输出文件" in result.stderr


def test_validate_evidence_files(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(HAIYUN), str(LAOCHENG)])
    assert result.exit_code == 0, result.stdout
    assert "评估证据文件「海韵社区（虚构）」，规则包 jingzhi-2022：已评估 128/128 条，数据项 55/55 个" in result.stdout
    assert "已评估 122/128 条" in result.stdout and "2 个佐证文件不存在" in result.stdout


def test_validate_a_folder_of_evidence(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--format", "json", str(ROOT / "examples")])
    assert result.exit_code == 0
    targets = json.loads(result.stdout)["targets"]
    assert sorted(Path(t["path"]).parent.name for t in targets) == ["haiyun", "laocheng", "qingshan"]


@pytest.mark.parametrize("kind", ["evidence", "result"])
def test_schema_evidence_and_result(runner: CliRunner, kind: str) -> None:
    result = runner.invoke(app, ["schema", kind])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["additionalProperties"] is False
    assert {"evidence": "clauses", "result": "gaps"}[kind] in schema["properties"]


def test_schema_evidence_for_a_pack(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema", "evidence", "-s", "jingzhi-2022"])
    schema = json.loads(result.stdout)
    assert len(schema["properties"]["clauses"]["properties"]) == 128
    assert schema["properties"]["facts"]["properties"]["satisfaction"]["anyOf"][0]["properties"]["facilities"]
    bad = runner.invoke(app, ["schema", "pack", "-s", "jingzhi-2022"])
    assert bad.exit_code == 2 and "只适用于 evidence" in bad.stderr  # a usage error
