"""One run of audit validate lists every problem: a broken file does not hide another file's."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jingzhi_audit.checklist.workbook import checklist_workbook
from jingzhi_audit.cli import app
from jingzhi_audit.evidence.workbook_layout import CLAUSE_INDEX, CLAUSES, INFO, INFO_INDEX
from jingzhi_audit.pack import load_pack
from tests.conftest import BUNDLED_PACK
from tests.pack.test_invalid_packs import CAT1, CAT2, META, replace

POINTS = replace(CAT2, "        points: 2\n        method: [查阅资料]", "        points: 3\n        method: [查阅资料]")
POINTS_MESSAGE = "本类各条款分值合计 5，与本类分值 4 不符"
BROKEN = {
    "schema error in a category": (replace(CAT1, "evidence_hint: 名册、制度", "evidnce_hint: 名册、制度"),
                                   f"{CAT1}:13: items[1.1].clauses[1.1.1].evidnce_hint: 未知字段"),
    "YAML error in a category": (replace(CAT1, "title: 队伍\n", "title: [队伍\n"), f"{CAT1}:3: YAML 格式错误"),
    "schema error in pack.yaml": (replace(META, "partial_credit: 0.5", "partial_credt: 0.5"),
                                  f"{META}:9: partial_credt: 未知字段"),
}


def _validate(folder: Path) -> str:
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    return result.stdout


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_does_not_hide_a_points_error_in_another(mini_pack: Path, case: str) -> None:
    mutate, first = BROKEN[case]
    mutate(mini_pack)
    POINTS(mini_pack)
    out = _validate(mini_pack)
    assert first in out, out
    assert f"{CAT2}:3: points: {POINTS_MESSAGE}" in out, out
    # rules over the whole pack would only echo the broken file: they are left out
    assert "应有" not in out and "total_points" not in out and "未被任何检查式使用" not in out
    if case == "schema error in pack.yaml":
        assert "阈值" not in out and "表达式" not in out and out.count("✗") == 1


def test_each_broken_file_is_reported_with_its_own_problem(mini_pack: Path) -> None:
    BROKEN["schema error in a category"][0](mini_pack)
    replace(CAT2, 'id: "2.1.2"', 'id: "2.1.1"')(mini_pack)  # a duplicate ID in the readable file
    out = _validate(mini_pack)
    assert "evidnce_hint: 未知字段" in out and "编号 2.1.1 重复" in out


def test_a_workbook_cell_error_does_not_hide_a_range_error(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "表.xlsx"
    path.write_bytes(checklist_workbook(load_pack(BUNDLED_PACK)))
    book = load_workbook(path)
    info = book[INFO]
    rows = {info.cell(row=r, column=INFO_INDEX["key"]).value: r for r in range(2, info.max_row + 1)}
    info.cell(row=rows["community.name"], column=INFO_INDEX["value"], value="幸福社区")
    info.cell(row=rows["satisfaction.security"], column=INFO_INDEX["value"], value=93)  # out of range
    ws = book[CLAUSES]
    ws.cell(row=2, column=CLAUSE_INDEX["status"], value="部分达标")
    ws.cell(row=2, column=CLAUSE_INDEX["criterion_b"], value="大概")  # not a tick mark
    book.save(path)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "评估表!L2: 细项 b 请选 ✓ 或留空" in result.stdout
    assert f"基本信息!B{rows['satisfaction.security']}:" in result.stdout and "比例应在 0 到 1 之间" in result.stdout
