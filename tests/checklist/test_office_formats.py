"""Spreadsheets as LibreOffice and WPS users send them: .ods read through the real LibreOffice,
other formats refused with what to do, and a district summary that prints on A4."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jingzhi_audit.api import assess
from jingzhi_audit.checklist.workbook import checklist_workbook
from jingzhi_audit.cli import app
from jingzhi_audit.evidence.formats import read_source
from jingzhi_audit.evidence.workbook_layout import CLAUSE_INDEX, CLAUSES
from jingzhi_audit.pack import load_pack
from tests.conftest import BUNDLED_PACK, ROOT, pdf_text

PACK = load_pack(BUNDLED_PACK)


def _office() -> str:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.fail("LibreOffice is not installed: run make setup (apt-get install libreoffice-calc-nogui)")
    return office


def _convert(path: Path, to: str) -> Path:
    """``path`` saved by LibreOffice as ``to`` (ods, xlsx, pdf) beside it."""
    subprocess.run([_office(), "--headless", "--convert-to", to, "--outdir", str(path.parent / "lo"), str(path)],
                   check=True, capture_output=True, timeout=180)
    target = path.with_suffix(f".{to}")
    shutil.move(path.parent / "lo" / target.name, target)
    return target


def _qingshan_as_ods(folder: Path, edit: str | None = None) -> Path:
    shutil.copytree(ROOT / "examples" / "qingshan", folder)
    book_path = folder / "自评表.xlsx"
    book_path.write_bytes(checklist_workbook(PACK, read_source(folder / "community.yaml").data))
    if edit is not None:
        book = load_workbook(book_path)
        book[CLAUSES].cell(row=2, column=CLAUSE_INDEX["status"], value=edit)
        book.save(book_path)
    ods = _convert(book_path, "ods")
    book_path.unlink()
    return ods


def test_an_ods_workbook_reads_like_the_xlsx_it_came_from(tmp_path: Path) -> None:
    ods = _qingshan_as_ods(tmp_path / "q")
    yaml_file = tmp_path / "q" / "community.yaml"
    source = read_source(ods)
    assert source.data == read_source(yaml_file).data and source.encoding == "ods"
    assert assess(ods, generated_at="x").model_dump(exclude={"evidence"}) == \
        assess(yaml_file, generated_at="x").model_dump(exclude={"evidence"})


def test_an_ods_problem_names_the_ods_file_and_cell(tmp_path: Path, runner: CliRunner) -> None:
    ods = _qingshan_as_ods(tmp_path / "q", edit="已完成")
    result = runner.invoke(app, ["validate", str(ods)])
    assert result.exit_code == 1
    assert "自评表.ods: 评估表!H2:" in result.stdout and "状态「已完成」不是可选值" in result.stdout
    assert "空字节" not in result.stdout and ".xlsx:" not in result.stdout


@pytest.mark.parametrize(("suffix", "words"), [(".csv", "CSV 文件只有一张表"), (".xls", "只支持 .yaml/.xlsx，请另存为 .xlsx"),
                                               (".et", "只支持 .yaml/.xlsx，请另存为 .xlsx")])
def test_other_formats_say_what_to_do(tmp_path: Path, runner: CliRunner, suffix: str, words: str) -> None:
    path = tmp_path / f"社区{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\x00\x00binary" if suffix != ".csv" else "名称,状态\n5.1.1,达标\n".encode())
    for command in (["score", str(path)], ["validate", str(path)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        text = result.stdout + result.stderr
        assert words in text and "空字节" not in text and "Traceback" not in text


def test_batch_grades_ods_and_reports_files_skipped_for_their_format(tmp_path: Path, runner: CliRunner) -> None:
    district = tmp_path / "文登区"
    shutil.copytree(ROOT / "examples" / "haiyun", district / "haiyun")
    _qingshan_as_ods(district / "qingshan")
    (district / "qingshan" / "community.yaml").unlink()
    (district / "石岛社区.csv").write_text("名称,状态\n", encoding="utf-8")
    (district / "旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(district), "-o", str(out), "--jobs", "2"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.stdout
    assert "已评分 2 / 2" in result.stdout
    assert "因格式不支持而未读取的文件（2）" in result.stdout
    assert "石岛社区.csv：不能读取 .csv 文件" in result.stdout and "旧表.xls：不能读取 .xls 文件" in result.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [s["path"] for s in summary["unsupported"]] == ["旧表.xls", "石岛社区.csv"]
    assert {r["row"]["path"] for r in summary["ranking"]} == {"haiyun/community.yaml", "qingshan/自评表.ods"}


def test_summary_xlsx_prints_on_a4_landscape_with_report_rounding(tmp_path: Path, runner: CliRunner) -> None:
    district = tmp_path / "d"
    for name in ("haiyun", "laocheng", "qingshan"):
        shutil.copytree(ROOT / "examples" / name, district / name)
    out = tmp_path / "out"
    assert runner.invoke(app, ["batch", str(district), "-o", str(out), "--jobs", "1"]).exit_code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    book = load_workbook(out / "summary.xlsx")
    ranking = book["排名"]
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
    first = summary["ranking"][0]["row"]
    assert ranking["E2"].value == float(first["total_text"]) and ranking["E2"].number_format == "0.0"
    # G is 与上次相比 (the archive), the categories start at H
    assert ranking["H2"].value == float(first["categories"][0]["score_text"]) and ranking["H2"].number_format == "0.0"
    stats = book["分类统计"]
    assert stats["C2"].number_format == "0.0" and stats["D2"].number_format == "0.0%"
    # LibreOffice prints it: landscape A4 pages, every column of the ranking on the first page
    pdf = _convert(out / "summary.xlsx", "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info), info  # landscape
    first_page = pdf_text(pdf).split("\f")[0]
    assert "排名" in first_page and "证据文件" in first_page and "状态" in first_page
    assert f"{float(first['total_text']):.1f}" in first_page
