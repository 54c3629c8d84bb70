"""The bad-evidence table: each broken file → a Chinese message with file, line and field; exit 1."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from jingzhi_audit.errors import EvidenceError
from jingzhi_audit.evidence.loader import load_evidence
from tests.conftest import BUNDLED_PACK

HEAD = f"""standard: {BUNDLED_PACK}
community: {{name: 幸福社区, district: 环翠区}}
assessed_on: 2026-11-01
"""


@dataclass
class Case:
    id: str
    body: str
    line: int | None
    message: str  # regex over "field: message"


CASES = [
    Case("duplicate-clause", 'clauses:\n  "5.1.1": {status: met}\n  "5.1.1": {status: not_met}\n', 6,
         r"clauses\.5\.1\.1: 键「5\.1\.1」重复出现（第 5 行已有）"),
    Case("unknown-clause", 'clauses:\n  "5.6.9": {status: met}\n', 5,
         r"clauses\.5\.6\.9: 规则包 jingzhi-2022 中没有条款 5\.6\.9（5\.6 下的条款为：5\.6\.1、5\.6\.2、5\.6\.3、5\.6\.4）"),
    Case("unknown-clause-far", 'clauses:\n  "11.1.1": {status: met}\n', 5, r"没有条款 11\.1\.1"),
    Case("wrong-status", 'clauses:\n  "5.1.1": {status: 已完成}\n', 5,
         r"clauses\.5\.1\.1\.status: 状态「已完成」不是可选值；可选值：met（达标）、partial（部分达标）、not_met（未达标）、na（不适用）"),
    Case("na-without-reason", 'clauses:\n  "6.6.1": {status: 不适用}\n', 5,
         r"clauses\.6\.6\.1\.reason: 标为不适用（na）时必须填写理由（reason）"),
    Case("na-not-allowed", 'clauses:\n  "10.2.1": {status: na, reason: 没做调查}\n', 5,
         r"clauses\.10\.2\.1\.status: 条款 10\.2\.1「.*」不允许标为不适用"),
    Case("unknown-fact", "facts:\n  househlds: 1200\n", 5,
         r"facts\.househlds: 规则包 jingzhi-2022 中没有数据项「househlds」（是否想写：households？）"),
    Case("fact-not-integer", "facts:\n  households: 很多\n", 5,
         r"facts\.households: 社区常住户数：应为整数，「很多」不是数字"),
    Case("fact-fraction-for-integer", "facts:\n  households: 1200.5\n", 5, r"应为整数，「1200\.5」带有小数"),
    Case("ratio-above-one", "facts:\n  satisfaction:\n    facilities: 93\n", 6,
         r"facts\.satisfaction\.facilities: 社区公共服务设施满意率：比例应在 0 到 1 之间"),
    Case("percent-for-count", "facts:\n  households: 50%\n", 5, r"是百分数，但该数据项不是比例"),
    Case("negative", "facts:\n  households: -3\n", 5, r"不能小于 0"),
    Case("boolean-word", "facts:\n  incidents:\n    major_fire: 也许\n", 6, r"应为是/否"),
    Case("absolute-path", 'clauses:\n  "5.1.1": {status: met, evidence: [/etc/passwd]}\n', 5,
         r"clauses\.5\.1\.1\.evidence: 「/etc/passwd」：佐证文件必须写相对于证据文件的路径"),
    Case("windows-absolute-path", 'clauses:\n  "5.1.1": {status: met, evidence: ["C:\\\\名册.pdf"]}\n', 5,
         r"不能写绝对路径"),
    Case("dotdot-path", 'clauses:\n  "5.1.1": {status: met, evidence: [../../secret.txt]}\n', 5,
         r"不能用“\.\.”跳出"),
    Case("bad-url", 'clauses:\n  "5.1.1": {status: met, evidence: [{url: "ftp://x"}]}\n', 5,
         r"应以 http:// 或 https:// 开头"),
    Case("two-kinds", 'clauses:\n  "5.1.1": {status: met, evidence: [{path: a.pdf, paper: 台账}]}\n', 5,
         r"须且只能写 path"),
    Case("unknown-criterion", 'clauses:\n  "5.1.1": {status: partial, criteria_met: [a, z]}\n', 5,
         r"条款 5\.1\.1 没有细项「z」；可选：a、b、c"),
    Case("criteria-on-plain-clause", 'clauses:\n  "5.4.1": {status: partial, criteria_met: [a]}\n', 5,
         r"条款 5\.4\.1 没有细项，不能填写 criteria_met"),
    Case("unquoted-key", "clauses:\n  7: {status: met}\n", 5, r"条款编号 7 必须加引号"),
    Case("misspelt-top-key", "comunity: {name: x}\n", 3, r"未知字段「comunity」，是否想写「community」"),
    Case("misspelt-clause-key", 'clauses:\n  "5.1.1": {stauts: met}\n', 5, r"未知字段「stauts」，是否想写「status」"),
    Case("bad-date", "period: {from: 2026-13-01, to: 2026-12-01}\n", 4, r"无法识别的值「2026-13-01」"),
    Case("period-reversed", "period: {from: 2026-12-01, to: 2026-01-01}\n", 4, r"开始日期（from）晚于结束日期（to）"),
    Case("unknown-pack", "", 1, r"standard: 找不到规则包「no-such-pack」"),
    Case("tab", 'clauses:\n\t"5.1.1": {status: met}\n', 5, r"制表符"),
]


def _write(tmp_path: Path, case: Case) -> Path:
    head = HEAD if case.id != "unknown-pack" else HEAD.replace(str(BUNDLED_PACK), "no-such-pack")
    if case.id == "misspelt-top-key":
        head = head.replace("community: {name: 幸福社区, district: 环翠区}\n", "")
    path = tmp_path / "community.yaml"
    path.write_text(head + case.body, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_evidence_is_reported_with_line_and_field(tmp_path: Path, case: Case) -> None:
    path = _write(tmp_path, case)
    with pytest.raises(EvidenceError) as info:
        load_evidence(path)
    problems = info.value.problems
    matches = [p for p in problems if re.search(case.message, f"{p.field}: {p.message}" if p.field else p.message)]
    assert matches, "\n".join(str(p) for p in problems)
    assert matches[0].file.endswith("community.yaml")
    if case.line is not None:
        assert matches[0].line == case.line, str(matches[0])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_evidence_through_the_cli(tmp_path: Path, case: Case, runner: CliRunner) -> None:
    path = _write(tmp_path, case)
    before = path.read_bytes()
    for args in (["score", str(path)], ["validate", str(path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, args
        assert "Traceback" not in result.stdout + result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "community.yaml:" in result.stdout + result.stderr
    assert path.read_bytes() == before  # nothing the user wrote is touched


def test_every_problem_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "community.yaml"
    path.write_text(HEAD + 'facts:\n  households: x\n  residents: -1\nclauses:\n  "5.6.9": {status: met}\n'
                    '  "10.2.1": {status: na, reason: 无}\n', encoding="utf-8")
    with pytest.raises(EvidenceError) as info:
        load_evidence(path)
    assert [p.line for p in info.value.problems] == [5, 6, 8, 9]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_evidence_saved_by_chinese_windows_editors_loads(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "community.yaml"
    text = f"standard: {BUNDLED_PACK}\ncommunity: {{name: 幸福社区}}\nclauses:\n  \"5.1.1\": {{status: 达标, evidence: [{{paper: 党组织台账}}]}}\n"
    path.write_bytes(text.encode(encoding))
    _, evidence = load_evidence(path)
    assert evidence.data.community.name == "幸福社区"
    assert evidence.data.clauses["5.1.1"] is not None and evidence.data.clauses["5.1.1"].status == "met"


def test_huge_evidence_file(tmp_path: Path) -> None:
    path = tmp_path / "community.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(EvidenceError, match=r"community\.yaml:1: 文件过大（50\.0 MB）"):
        load_evidence(path)


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret", encoding="utf-8")
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    path = folder / "community.yaml"
    path.write_text(HEAD + 'clauses:\n  "5.1.1": {status: met, evidence: [link.txt]}\n', encoding="utf-8")
    with pytest.raises(EvidenceError, match="符号链接指向外部"):
        load_evidence(path)


def test_attachments_are_hashed_once(tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "名册.csv").write_text("a,b\n", encoding="utf-8")
    path = tmp_path / "community.yaml"
    path.write_text(HEAD + 'clauses:\n  "5.1.1": {status: met, evidence: [files/名册.csv, "files\\\\名册.csv"]}\n'
                    '  "5.1.2": {status: met, evidence: [files/名册.csv, files/没有.pdf]}\n', encoding="utf-8")
    _, evidence = load_evidence(path)
    info = evidence.attachments["files/名册.csv"]
    assert info.exists and info.size == 4
    assert info.sha256 == hashlib.sha256(b"a,b\n").hexdigest()
    assert evidence.attachments["files/没有.pdf"].exists is False
    assert len(evidence.attachments) == 2
