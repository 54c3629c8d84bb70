"""The review in Excel: written into the checklist workbook, read back losslessly (openpyxl)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from jingzhi_audit.review.load import load_review, read_review
from jingzhi_audit.review.model import ReviewEntry
from jingzhi_audit.review.service import assess_reviewed, sign_review
from jingzhi_audit.review.workbook import review_workbook
from tests.review.helpers import GENERATED, copy_fixtures


def test_a_signed_review_round_trips_through_excel(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path) / "community"
    path = folder / "downgrade.review.yaml"
    sign_review(path, signed_on=dt.date(2026, 11, 21))
    source, pack, evidence = load_review(path)
    # one corrected 部分达标 with criteria, and a comment on two lines, to cover every cell form
    clauses = dict(source.data.clauses)
    clauses["1.1.1"] = ReviewEntry(verdict="disagree", status="partial", criteria_met=["a", "c"],
                                   comment="制度未印发\n表彰缺文件")
    clauses["2.1.2"] = clauses["2.1.2"].model_copy(update={"comment": "=HYPERLINK(\"http://x\",\"点我\")"})
    review = source.data.model_copy(update={"clauses": clauses})
    book_path = folder / "downgrade.review.xlsx"
    book_path.write_bytes(review_workbook(pack, evidence, review))
    assert read_review(book_path).data == review

    book = load_workbook(book_path)
    ws = book["评估表"]
    header = [c.value for c in ws[1]]
    assert header[-3:] == ["复核结论", "复核状态", "复核意见"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "1.1.1")
    assert [c.value for c in row[-3:]] == ["不同意", "部分达标（a、c）", "制度未印发\n表彰缺文件"]
    assert row[7].value == "部分达标" and row[7].protection.locked  # the self-assessment, locked
    assert not row[-1].protection.locked
    assert book.sheetnames[1] == "复核信息"
    hostile = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "2.1.2")[-1]
    assert hostile.data_type == "s" and hostile.value.startswith("=HYPERLINK")  # text, never a formula


def test_review_init_to_excel_then_score_with_it(tmp_path: Path, monkeypatch: object) -> None:
    folder = copy_fixtures(tmp_path) / "community"
    runner = CliRunner()
    result = runner.invoke(app, ["review", "init", str(folder / "community.yaml"), "-o",
                                 str(folder / "community.review.xlsx")], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    path = folder / "community.review.xlsx"
    book = load_workbook(path)
    ws = book["评估表"]
    columns = {c.value: c.column for c in ws[1]}
    for r in ws.iter_rows(min_row=2):
        if r[0].value == "2.1.2":
            ws.cell(row=r[0].row, column=columns["复核结论"], value=" 不同意 ")
            ws.cell(row=r[0].row, column=columns["复核状态"], value="未达标")
            ws.cell(row=r[0].row, column=columns["复核意见"], value="调查结果没有公布")
    info = book["复核信息"]
    for r in info.iter_rows(min_row=2):
        if r[2].value == "reviewer.name":
            r[1].value = "王复核"
    book.save(path)
    scored = assess_reviewed(folder / "community.yaml", generated_at=GENERATED)  # found beside the evidence
    review = scored.review
    assert review is not None and review.state == "valid" and review.reviewer == "王复核"
    # 2.1.2 not met: category 2 = 2 / 4 × 4 = 2.0; total 5.5 + 2.0 = 7.5 (合格)
    assert (review.total_text, review.rating.label) == ("7.5", "合格")
    assert [(d.clause, d.difference) for d in review.disagreements] == [("2.1.2", -2.0)]

    ws.cell(row=3, column=columns["复核结论"], value="反对")
    book.save(path)
    bad = runner.invoke(app, ["validate", str(path)], catch_exceptions=False)
    assert bad.exit_code == 1
    assert "评估表!" in bad.stdout and "复核结论「反对」不是可选值" in bad.stdout


def test_signing_an_excel_review_keeps_it_excel(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path) / "community"
    source, pack, evidence = load_review(folder / "downgrade.review.yaml")
    path = folder / "community.review.xlsx"
    path.write_bytes(review_workbook(pack, evidence, source.data))
    seal = sign_review(path, signed_on=dt.date(2026, 11, 21))
    back = read_review(path).data
    assert back.seal == seal and back.model_copy(update={"seal": None}) == source.data
    review = assess_reviewed(folder / "community.yaml", generated_at=GENERATED).review
    assert review is not None and review.state == "valid" and review.seal is not None and review.seal.intact
    assert review.total_text == "6.5"
