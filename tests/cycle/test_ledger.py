"""The 整改台账: written from a result, filled in (as a person would, with openpyxl), read back, checked."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jingzhi_audit.cycle.ledger import COLUMN, PROGRESS, SHEET, ledger_workbook, read_ledger
from jingzhi_audit.cycle.plan_check import check_plan
from jingzhi_audit.errors import LedgerError
from jingzhi_audit.result import Result


def write(result: Result, path: Path) -> Path:
    path.write_bytes(ledger_workbook(result))
    return path


def fill(path: Path, rows: dict[str, tuple[str | None, object, str | None]]) -> None:
    """Fill 责任人, 完成时限, 进度 of the rows of the given clauses."""
    book = load_workbook(path)
    ws = book[SHEET]
    for r in range(2, ws.max_row + 1):
        clause = ws.cell(row=r, column=COLUMN["条款"]).value
        if clause in rows:
            owner, deadline, progress = rows[clause]
            ws.cell(row=r, column=COLUMN["责任人"], value=owner)
            ws.cell(row=r, column=COLUMN["完成时限"], value=deadline)
            ws.cell(row=r, column=COLUMN["进度"], value=progress)
    book.save(path)


def test_one_row_per_gap_with_validations(years: dict[str, Result]) -> None:
    book = load_workbook(io.BytesIO(ledger_workbook(years["2024"])))
    ws = book[SHEET]
    assert [c.value for c in ws[1]] == ["序号", "条款", "类别", "要求", "原因", "失分", "整改建议", "责任人", "完成时限",
                                       "进度", "完成佐证"]
    assert [(ws.cell(row=r, column=2).value, ws.cell(row=r, column=5).value, ws.cell(row=r, column=6).value)
            for r in range(2, ws.max_row + 1)] == [("1.2.1", "未达标", 2.0), ("1.1.1", "部分达标", 1.0), ("2.1.1", "部分达标", 1.0)]
    assert ws.cell(row=2, column=7).value == "建立联席会议制度。"
    rules = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    date_rule = rules["I2 I3 I4"]
    assert (date_rule.type, date_rule.operator, date_rule.formula1, date_rule.formula2) == ("date", "between", "36526", "73415")
    progress = rules["J2 J3 J4"]
    assert progress.type == "list" and progress.formula1 == '"未开始,进行中,已完成"'
    assert ws.protection.sheet and not ws.cell(row=2, column=COLUMN["责任人"]).protection.locked
    assert ws.cell(row=2, column=COLUMN["条款"]).protection.locked


def test_evidence_text_never_becomes_a_formula(years: dict[str, Result], tmp_path: Path) -> None:
    hostile = years["2024"].model_copy(update={
        "community": years["2024"].community.model_copy(update={"name": "=HYPERLINK(\"http://x\",\"点我\")"}),
        "gaps": [g.model_copy(update={"guidance": "+1+cmd|' /C calc'!A0", "text": "-2+3", "title": "@SUM(A1)"})
                 for g in years["2024"].gaps]})
    path = write(hostile, tmp_path / "台账.xlsx")
    book = load_workbook(path)
    ws = book[SHEET]
    for column in ("要求", "整改建议"):
        cell = ws.cell(row=2, column=COLUMN[column])
        assert cell.data_type == "s" and cell.value[0] in "@+"
    source = book["来源"]
    assert source["B1"].value.startswith("=HYPERLINK") and source["B1"].data_type == "s"
    # and in the file itself there is no formula element at all
    import zipfile

    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.endswith(".xml"))


def test_a_filled_ledger_against_the_next_year(years: dict[str, Result], tmp_path: Path) -> None:
    path = write(years["2024"], tmp_path / "整改台账.xlsx")
    fill(path, {"1.2.1": ("王主任", dt.datetime(2025, 6, 30), "已完成"),    # still a gap in 2025: contradicted
                "1.1.1": ("李委员", "2025/9/30", "已完成"),               # fixed in 2025: confirmed
                "2.1.1": (None, dt.datetime(2025, 12, 31), "进行中")})    # fixed in 2025: confirmed
    ledger = read_ledger(path)
    assert [(r.clause, r.owner, r.deadline, r.progress) for r in ledger.rows] == [
        ("1.2.1", "王主任", dt.date(2025, 6, 30), "已完成"), ("1.1.1", "李委员", dt.date(2025, 9, 30), "已完成"),
        ("2.1.1", None, dt.date(2025, 12, 31), "进行中")]
    assert ledger.source["evidence_sha256"] == years["2024"].evidence.sha256
    check = check_plan(ledger, years["2025"])
    assert [(r.clause, r.outcome) for r in check.rows] == [("1.2.1", "contradicted"), ("1.1.1", "confirmed"),
                                                           ("2.1.1", "confirmed")]
    assert check.counts == {"confirmed": 2, "contradicted": 1, "overdue": 0, "open": 0, "missing": 0}


def test_overdue_and_open(years: dict[str, Result], tmp_path: Path) -> None:
    path = write(years["2025"], tmp_path / "整改台账.xlsx")
    fill(path, {"1.2.1": ("王主任", dt.datetime(2026, 6, 30), "进行中"),   # deadline before 2026-11-01: overdue
                "1.1.2": ("李委员", dt.datetime(2026, 6, 30), "未开始")})  # fixed in 2026: confirmed
    check = check_plan(read_ledger(path), years["2026"])
    assert [(r.clause, r.outcome, r.points_lost) for r in check.rows] == [("1.2.1", "overdue", 1.2),
                                                                          ("1.1.2", "confirmed", 0.0)]
    fill(path, {"1.2.1": ("王主任", dt.datetime(2027, 6, 30), "进行中")})
    assert check_plan(read_ledger(path), years["2026"]).rows[0].outcome == "open"


@pytest.mark.parametrize(("deadline", "progress", "message"), [
    ("明年六月", "进行中", "完成时限「明年六月」不是日期"),
    (dt.datetime(1999, 12, 31), "进行中", "完成时限 1999-12-31 不在 2000-01-01 至 2100-12-31 之间"),
    ("2026-02-30", "进行中", "完成时限「2026-02-30」不是日期"),
    (None, "完成了", "进度「完成了」不是可选值（未开始/进行中/已完成）"),
])
def test_bad_cells_name_the_cell(years: dict[str, Result], tmp_path: Path, deadline: object, progress: str,
                                 message: str) -> None:
    path = write(years["2024"], tmp_path / "整改台账.xlsx")
    fill(path, {"1.1.1": ("李委员", deadline, progress)})
    with pytest.raises(LedgerError, match=message) as error:
        read_ledger(path)
    assert f"整改台账.xlsx: {SHEET}!" in error.value.message and ("!I3" in error.value.message or "!J3" in error.value.message)


def test_corrupt_or_foreign_workbooks(tmp_path: Path) -> None:
    corrupt = tmp_path / "坏.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LedgerError, match="不是有效的 Excel 工作簿"):
        read_ledger(corrupt)
    from openpyxl import Workbook

    other = tmp_path / "别的.xlsx"
    Workbook().save(other)
    with pytest.raises(LedgerError, match="没有「整改台账」工作表"):
        read_ledger(other)
    assert PROGRESS == ("未开始", "进行中", "已完成")
