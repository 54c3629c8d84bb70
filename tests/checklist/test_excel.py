"""Excel checklists: the workbook as written, as a person fills it, and as evidence (lossless)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from jingzhi_audit.api import assess
from jingzhi_audit.checklist.workbook import checklist_workbook
from jingzhi_audit.cli import app
from jingzhi_audit.errors import EvidenceError
from jingzhi_audit.evidence.formats import read_source
from jingzhi_audit.evidence.loader import load_evidence
from jingzhi_audit.evidence.model import EvidenceFile
from jingzhi_audit.evidence.template import render_template
from jingzhi_audit.evidence.workbook_layout import CLAUSE_INDEX, CLAUSES, INFO, INFO_INDEX
from jingzhi_audit.pack import load_pack
from tests.conftest import BUNDLED_PACK, ROOT

PACK = load_pack(BUNDLED_PACK)
EXAMPLES = ["haiyun", "qingshan", "laocheng"]
STATUS_COL = CLAUSE_INDEX["status"]


def _row_of(cid: str) -> int:
    return list(PACK.index).index(cid) + 2


def _info_row(book: Any, key: str) -> int:
    ws = book[INFO]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=INFO_INDEX["key"]).value == key:
            return row
    raise KeyError(key)


def _same_result(a: Path, b: Path) -> None:
    ra, rb = assess(a, generated_at="x"), assess(b, generated_at="x")
    da, db = ra.model_dump(exclude={"evidence"}), rb.model_dump(exclude={"evidence"})
    assert da == db


# -- lossless conversion ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_round_trip_yaml_xlsx_yaml(name: str, tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / name
    shutil.copytree(ROOT / "examples" / name, folder)
    source = folder / "community.yaml"
    assert runner.invoke(app, ["convert", str(source), "-o", str(folder / "c.xlsx")]).exit_code == 0
    assert runner.invoke(app, ["convert", str(folder / "c.xlsx"), "-o", str(folder / "back.yaml")]).exit_code == 0
    original = read_source(source).data
    assert read_source(folder / "c.xlsx").data == original
    assert read_source(folder / "back.yaml").data == original
    _same_result(source, folder / "c.xlsx")


TEXT = st.text(alphabet=st.sampled_from(list("社区台账名册会议纪要照片制度年月日，。（）、ABCxyz0123456789-_ ")),
               min_size=1, max_size=20).map(str.strip).filter(bool)


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    clauses: dict[str, Any] = {}
    for cid in draw(st.lists(st.sampled_from(list(PACK.index)), unique=True, max_size=25)):
        clause = PACK.index[cid][2]
        status = draw(st.sampled_from(["met", "partial", "not_met"] + (["na"] if clause.na_allowed else [])))
        entry: dict[str, Any] = {"status": status}
        if status == "na" or draw(st.booleans()):
            entry["reason"] = draw(TEXT)
        if draw(st.booleans()):
            entry["note"] = draw(TEXT)
        entry["evidence"] = draw(st.lists(st.one_of(
            TEXT.map(lambda t: "files/" + t.replace(" ", "_") + ".pdf"),
            st.builds(lambda p, n: {"paper": p, "note": n}, TEXT, TEXT),
            TEXT.map(lambda t: {"url": "https://example.org/" + t.replace(" ", "")}),
        ), max_size=3, unique_by=str))
        if status == "partial" and clause.criteria:
            ids = [c.id for c in clause.criteria]
            chosen = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))  # the k/n rule
            entry["criteria_met"] = [i for i in ids if i in chosen]  # ticks carry no order
        clauses[cid] = entry
    return clauses


def _fact(kind: str) -> st.SearchStrategy[Any]:
    return {"integer": st.integers(0, 10_000), "boolean": st.booleans(),
            "ratio": st.decimals(min_value=0, max_value=1, places=2),
            "number": st.decimals(min_value=0, max_value=10_000, places=1)}[kind]


@st.composite
def evidence_files(draw: st.DrawFn) -> EvidenceFile:
    facts: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(PACK.used_facts()), unique=True, max_size=15)):
        node = facts
        *groups, leaf = name.split(".")
        for g in groups:
            node = node.setdefault(g, {})
        node[leaf] = draw(_fact(PACK.facts[name].type))
    data = {"standard": str(BUNDLED_PACK), "community": {"name": draw(TEXT), "district": draw(st.none() | TEXT)},
            "assessed_on": draw(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
            "assessor": draw(st.none() | TEXT), "facts": facts, "clauses": draw(entries())}
    return EvidenceFile.model_validate(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(evidence_files())
def test_random_evidence_round_trips_and_scores_the_same(tmp_path: Path, evidence: EvidenceFile) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    yaml_path = folder / "c.yaml"
    yaml_path.write_text(render_template(PACK, evidence=evidence, schema_file=None), encoding="utf-8")
    from_yaml = read_source(yaml_path).data
    assert from_yaml == evidence
    xlsx_path = folder / "c.xlsx"
    xlsx_path.write_bytes(checklist_workbook(PACK, from_yaml))
    assert read_source(xlsx_path).data == from_yaml
    _same_result(yaml_path, xlsx_path)


# -- a workbook filled the way a person fills it ---------------------------------------------------
@pytest.fixture
def blank(tmp_path: Path) -> Path:
    path = tmp_path / "社区自评表.xlsx"
    path.write_bytes(checklist_workbook(PACK))
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "名册.csv").write_text("a\n", encoding="utf-8")
    return path


def _fill(path: Path, edit: Any) -> None:
    book = load_workbook(path)
    edit(book)
    book.save(path)


def test_a_workbook_filled_by_a_person(blank: Path) -> None:
    def edit(book: Any) -> None:
        info = book[INFO]
        info.cell(row=_info_row(book, "community.name"), column=2, value=" 幸福社区 ")
        info.cell(row=_info_row(book, "assessed_on"), column=2, value=dt.datetime(2026, 11, 1))
        info.cell(row=_info_row(book, "households"), column=2, value="1,200")          # a number typed as text
        info.cell(row=_info_row(book, "social_organizations"), column=2, value="12")    # text again
        info.cell(row=_info_row(book, "satisfaction.facilities"), column=2, value="93%")   # typed as text
        info.cell(row=_info_row(book, "satisfaction.environment"), column=2, value=0.91)   # as a percentage
        info.cell(row=_info_row(book, "incidents.major_fire"), column=2, value="否")
        ws = book[CLAUSES]
        ws.cell(row=_row_of("5.6.1"), column=STATUS_COL, value=" 达标 ")
        ws.cell(row=_row_of("5.6.1"), column=CLAUSE_INDEX["evidence"], value="files/名册.csv\n纸质：社会组织备案回执")
        ws.cell(row=_row_of("5.1.1"), column=STATUS_COL, value="部分达标")
        ws.cell(row=_row_of("5.1.1"), column=CLAUSE_INDEX["criterion_a"], value="√")
        ws.cell(row=_row_of("5.1.1"), column=CLAUSE_INDEX["criterion_c"], value="✓")
        ws.cell(row=_row_of("5.1.1"), column=CLAUSE_INDEX["evidence"], value="纸质：批复文件；files/名册.csv")
        ws.cell(row=_row_of("6.6.1"), column=STATUS_COL, value="不适用")
        ws.cell(row=_row_of("6.6.1"), column=CLAUSE_INDEX["note"], value="辖区内没有驻区单位")
        ws.insert_rows(_row_of("7.1.1"))  # a blank row, as people leave them
    _fill(blank, edit)
    _, evidence = load_evidence(blank)
    assert evidence.data.community.name == "幸福社区"
    assert evidence.data.assessed_on == dt.date(2026, 11, 1)
    assert evidence.facts["households"] == 1200 and evidence.facts["social_organizations"] == 12
    assert str(evidence.facts["satisfaction.facilities"]) == "93/100"
    assert str(evidence.facts["satisfaction.environment"]) == "91/100"
    assert evidence.facts["incidents.major_fire"] is False
    clauses = evidence.data.clauses
    assert clauses["5.6.1"].status == "met" and [a.key for a in clauses["5.6.1"].evidence] == ["files/名册.csv", "社会组织备案回执"]
    assert clauses["5.1.1"].criteria_met == ["a", "c"]
    assert clauses["6.6.1"].status == "na" and clauses["6.6.1"].reason == "辖区内没有驻区单位"
    result = assess(blank)
    clause = next(c for c in result.clauses if c.id == "5.1.1")
    assert clause.credit == pytest.approx(2 / 3, abs=1e-4)  # two of three criteria ticked
    assert next(c for c in result.clauses if c.id == "5.6.1").credit == 1.0  # 12 ≥ 10 organisations


@pytest.mark.parametrize(("mark", "met"), [("x", False), ("X", False), ("×", False), ("否", False), ("✗", False),
                                          ("✔", True), ("☑", True), ("是", True), ("1", True)])
def test_an_x_in_a_criterion_cell_means_not_met(blank: Path, mark: str, met: bool) -> None:
    def edit(book: Any) -> None:
        book[INFO].cell(row=_info_row(book, "community.name"), column=2, value="幸福社区")
        ws = book[CLAUSES]
        ws.cell(row=_row_of("5.1.1"), column=STATUS_COL, value="部分达标")
        ws.cell(row=_row_of("5.1.1"), column=CLAUSE_INDEX["criterion_a"], value="√")
        ws.cell(row=_row_of("5.1.1"), column=CLAUSE_INDEX["criterion_b"], value=mark)
    _fill(blank, edit)
    assert read_source(blank).data.clauses["5.1.1"].criteria_met == (["a", "b"] if met else ["a"])


BAD = [
    ("wrong-status", lambda b: b[CLAUSES].cell(row=_row_of("7.1.1"), column=STATUS_COL, value="已完成"),
     lambda b: f"评估表!H{_row_of('7.1.1')}", "状态「已完成」不是可选值"),
    ("na-without-reason", lambda b: b[CLAUSES].cell(row=_row_of("6.6.1"), column=STATUS_COL, value="不适用"),
     lambda b: f"评估表!J{_row_of('6.6.1')}", "标为不适用（na）时必须填写理由"),
    ("na-not-allowed", lambda b: [b[CLAUSES].cell(row=_row_of("10.2.1"), column=STATUS_COL, value="不适用"),
                                  b[CLAUSES].cell(row=_row_of("10.2.1"), column=CLAUSE_INDEX["note"], value="没调查")],
     lambda b: f"评估表!H{_row_of('10.2.1')}", "不允许标为不适用"),
    ("fact-wrong-type", lambda b: b[INFO].cell(row=_info_row(b, "households"), column=2, value="很多"),
     lambda b: f"基本信息!B{_info_row(b, 'households')}", "社区常住户数：应为整数"),
    ("ratio-out-of-range", lambda b: b[INFO].cell(row=_info_row(b, "satisfaction.security"), column=2, value=93),
     lambda b: f"基本信息!B{_info_row(b, 'satisfaction.security')}", "比例应在 0 到 1 之间"),
    ("bad-tick", lambda b: [b[CLAUSES].cell(row=_row_of("5.1.1"), column=STATUS_COL, value="部分达标"),
                            b[CLAUSES].cell(row=_row_of("5.1.1"), column=CLAUSE_INDEX["criterion_b"], value="大概")],
     lambda b: f"评估表!L{_row_of('5.1.1')}", "细项 b 请选 ✓ 或留空"),
    ("absolute-path", lambda b: [b[CLAUSES].cell(row=_row_of("5.1.2"), column=STATUS_COL, value="达标"),
                                 b[CLAUSES].cell(row=_row_of("5.1.2"), column=CLAUSE_INDEX["evidence"], value="/etc/passwd")],
     lambda b: f"评估表!I{_row_of('5.1.2')}", "不能写绝对路径"),
    ("no-name", lambda b: b[INFO].cell(row=_info_row(b, "community.name"), column=2, value=None),
     lambda b: f"基本信息!B{_info_row(b, 'community.name')}", "必填，不能留空"),
]


@pytest.mark.parametrize(("name", "edit", "cell", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_workbook_names_sheet_and_cell(blank: Path, runner: CliRunner, name: str, edit: Any,
                                           cell: Any, message: str) -> None:
    def fill(book: Any) -> None:
        if name != "no-name":
            book[INFO].cell(row=_info_row(book, "community.name"), column=2, value="幸福社区")
        edit(book)
    _fill(blank, fill)
    with pytest.raises(EvidenceError) as info:
        load_evidence(blank)
    book = load_workbook(blank)
    expected = cell(book)
    assert any(p.field == expected and message in p.message for p in info.value.problems), \
        "\n".join(str(p) for p in info.value.problems)
    result = runner.invoke(app, ["score", str(blank)])
    assert result.exit_code == 1
    assert f"{expected}: " in result.stderr and "Traceback" not in result.stderr


def test_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "c.xlsx"
    fake.write_text("这不是表格", encoding="utf-8")
    with pytest.raises(EvidenceError, match="不是有效的 Excel 工作簿"):
        load_evidence(fake)
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    book = Workbook()
    book.save(other)
    with pytest.raises(EvidenceError, match="缺少工作表「基本信息」「评估表」"):
        load_evidence(other)


# -- the workbook as written ------------------------------------------------------------------------
def test_workbook_structure() -> None:
    book = load_workbook(io.BytesIO(checklist_workbook(PACK)))
    assert book.sheetnames == ["填写说明", "基本信息", "评估表"]
    ws = book[CLAUSES]
    assert ws.max_row == 129 and ws["A1"].value == "条款编号" and ws["H1"].value == "状态"
    assert ws.freeze_panes == "B2" and ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.protection.sheet is True and not ws.protection.password
    assert ws["H2"].protection.locked is False and ws["D2"].protection.locked is True
    status_rules = [dv for dv in ws.data_validations.dataValidation if "达标" in (dv.formula1 or "")]
    assert status_rules and str(status_rules[0].sqref) == "H2:H129"
    assert ws.column_dimensions["D"].width == 46 and ws["D2"].alignment.wrap_text
    info = book[INFO]
    row = _info_row(book, "satisfaction.facilities")
    assert info.cell(row=row, column=2).number_format == "0.0%"
    rules = [dv for dv in info.data_validations.dataValidation if f"B{row}" in str(dv.sqref)]
    assert rules and rules[0].type == "decimal" and rules[0].formula2 == "1"


def _office() -> str:
    """LibreOffice, which make test's set-up installs (scripts/system-deps.sh): absent is a failure."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.fail("LibreOffice is not installed: run make setup (apt-get install libreoffice-calc-nogui)")
    return office


def test_libreoffice_opens_the_workbook(tmp_path: Path) -> None:
    office = _office()
    path = tmp_path / "checklist.xlsx"
    path.write_bytes(checklist_workbook(PACK))
    # filter options: comma, double quote, UTF-8 (76); the first sheet is exported
    subprocess.run([office, "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    text = (tmp_path / "checklist.csv").read_text(encoding="utf-8")
    assert "精致幸福社区建设规范" in text and "怎样填写" in text  # 填写说明, in Chinese


# -- CLI --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".xlsx", ".md"])
def test_checklist_command(runner: CliRunner, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"表{suffix}"
    result = runner.invoke(app, ["checklist", "-o", str(out)])
    assert result.exit_code == 0 and "128 条条款" in result.stderr
    if suffix == ".md":
        text = out.read_text(encoding="utf-8")
        assert "| 5.6.1 |" in text and "□达标" in text and "社区常住户数" in text
    again = runner.invoke(app, ["checklist", "-o", str(out)])
    assert again.exit_code == (1 if suffix == ".xlsx" else 0)  # a workbook may hold a person's answers


def test_convert_refuses_what_would_lose_or_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "c"
    shutil.copytree(ROOT / "examples" / "haiyun", folder)
    source = folder / "community.yaml"
    other = tmp_path / "elsewhere.xlsx"
    moved = runner.invoke(app, ["convert", str(source), "-o", str(other)])
    assert moved.exit_code == 1 and "同一文件夹" in moved.stderr
    (folder / "c.xlsx").write_bytes(b"x")
    exists = runner.invoke(app, ["convert", str(source), "-o", str(folder / "c.xlsx")])
    assert exists.exit_code == 1 and "已存在" in exists.stderr
    assert (folder / "c.xlsx").read_bytes() == b"x"
    wrong = runner.invoke(app, ["convert", str(source), "-o", str(folder / "c.csv")])
    assert wrong.exit_code == 2 and ".xlsx 或 .yaml" in wrong.stderr  # a usage error


def test_batch_and_validate_take_workbooks(runner: CliRunner, tmp_path: Path) -> None:
    district = tmp_path / "d"
    shutil.copytree(ROOT / "examples" / "haiyun", district / "haiyun")
    shutil.copytree(ROOT / "examples" / "qingshan", district / "qingshan")
    assert runner.invoke(app, ["convert", str(district / "qingshan" / "community.yaml"), "-o",
                               str(district / "qingshan" / "自评表.xlsx")]).exit_code == 0
    (district / "qingshan" / "community.yaml").unlink()
    result = runner.invoke(app, ["batch", str(district), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.stdout
    assert "已评分 2 / 2" in result.stdout
    valid = runner.invoke(app, ["validate", str(district / "qingshan" / "自评表.xlsx")])
    assert valid.exit_code == 0 and "青山社区" in valid.stdout


def test_a_workbook_saved_again_by_libreoffice_reads_the_same(tmp_path: Path) -> None:
    office = _office()
    folder = tmp_path / "q"
    shutil.copytree(ROOT / "examples" / "qingshan", folder)
    original = read_source(folder / "community.yaml").data
    (folder / "表.xlsx").write_bytes(checklist_workbook(PACK, original))
    subprocess.run([office, "--headless", "--convert-to", "xlsx", "--outdir", str(folder / "resaved"),
                    str(folder / "表.xlsx")], check=True, capture_output=True, timeout=180)
    shutil.move(folder / "resaved" / "表.xlsx", folder / "resaved.xlsx")
    assert read_source(folder / "resaved.xlsx").data == original


def test_libreoffice_keeps_the_date_rule_and_a_valid_date_valid(tmp_path: Path) -> None:
    from openpyxl.utils.datetime import to_excel

    data = read_source(ROOT / "examples" / "qingshan" / "community.yaml").data
    (tmp_path / "表.xlsx").write_bytes(checklist_workbook(PACK, data))
    subprocess.run([_office(), "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "resaved"),
                    str(tmp_path / "表.xlsx")], check=True, capture_output=True, timeout=180)
    info = load_workbook(tmp_path / "resaved" / "表.xlsx")[INFO]
    rows = [_info_row(info.parent, key) for key in ("assessed_on", "period.from", "period.to")]
    assert rows == [8, 9, 10]
    for row in rows:
        cell = info.cell(row=row, column=INFO_INDEX["value"])
        rules = [dv for dv in info.data_validations.dataValidation if cell.coordinate in dv.sqref]
        assert len(rules) == 1 and rules[0].type == "date" and rules[0].operator in (None, "between")
        low, high = float(rules[0].formula1), float(rules[0].formula2)
        assert (low, high) == (to_excel(dt.datetime(2000, 1, 1)), to_excel(dt.datetime(2100, 12, 31)))
        assert isinstance(cell.value, dt.datetime) and low <= to_excel(cell.value) <= high
    assert info.cell(row=8, column=INFO_INDEX["value"]).value.date() == data.assessed_on
