"""Issue 12: the standard's own number binds (rating gates), data decides only what it covers
(per-criterion and necessary checks), and more detail never lowers the credit (the k/n rule)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from jingzhi_audit.checklist.workbook import checklist_workbook
from jingzhi_audit.cli import app
from jingzhi_audit.errors import EvidenceError, PackError
from jingzhi_audit.evidence.workbook_layout import CLAUSE_INDEX, CLAUSES, INFO, INFO_INDEX
from jingzhi_audit.pack import load_pack
from jingzhi_audit.render.markdown import render_markdown
from jingzhi_audit.result import Result
from tests.conftest import BUNDLED_PACK, MINI_PACK
from tests.scoring_helpers import score_file, write_evidence

PACK = load_pack(BUNDLED_PACK)
EV = ["files/名册.pdf"]
ALL_MET = {cid: {"status": "met", "evidence": EV} for cid in PACK.index}
SATISFACTION = ("facilities", "environment", "security", "culture", "committee")


def run(tmp_path: Path, clauses: dict[str, Any], facts: dict[str, Any] | None = None) -> Result:
    return score_file(write_evidence(tmp_path / "c", BUNDLED_PACK, clauses, facts))


def clause(result: Result, cid: str) -> Any:
    return next(c for c in result.clauses if c.id == cid)


# -- 1. rating gates -------------------------------------------------------------------------------
def test_every_clause_met_but_satisfaction_at_85_percent_is_not_excellent(tmp_path: Path) -> None:
    """The issue's case: 96.5-ish points, all five rates at 85% → at most 合格, and it says why."""
    facts = {"households": 2000, "satisfaction": dict.fromkeys(SATISFACTION, 0.85) | {"sample_size": 200}}
    r = run(tmp_path, ALL_MET, facts)
    assert r.total >= 90  # the stepped credit still gives the points
    assert (r.rating.id, r.rating.capped_by, r.rating.uncapped) == ("pass", "gate", "excellent")
    assert r.rating.gate is not None
    assert (r.rating.gate.id, r.rating.gate.held) == ("satisfaction-all", False)
    assert r.rating.gate.message == "满意率未全部达到90%，等级最高为合格"
    assert "满意率未全部达到90%，等级最高为合格" in render_markdown(r)
    assert "等级条件：满意率未全部达到90%，等级最高为合格（优秀、良好须“五项满意率均达到90%以上”）。" in render_markdown(r)


def test_all_rates_at_90_percent_pass_the_gate(tmp_path: Path) -> None:
    facts = {"households": 2000, "satisfaction": dict.fromkeys(SATISFACTION, 0.9) | {"sample_size": 200}}
    r = run(tmp_path, ALL_MET, facts)
    assert (r.rating.id, r.rating.capped_by, r.rating.gate) == ("excellent", None, None)


def test_a_gate_that_cannot_be_evaluated_does_not_hold(tmp_path: Path) -> None:
    r = run(tmp_path, ALL_MET, {"households": 2000})  # no satisfaction rates at all
    assert r.total == 100.0  # measures unverified: the declared status stands
    assert (r.rating.id, r.rating.capped_by) == ("pass", "gate")
    assert r.rating.gate is not None and r.rating.gate.held is None
    assert "satisfaction.facilities" in r.rating.gate.missing_facts
    assert r.rating.gate.message == "数据不全，无法确认“五项满意率均达到90%以上”，等级最高为合格"


def test_the_report_method_section_states_the_gate() -> None:
    band = next(b for b in PACK.meta.ratings if b.id == "excellent")
    assert [g.id for g in band.gates] == ["satisfaction-all"]
    template = (Path(__file__).parent.parent / "src/jingzhi_audit/render/templates/report.html.j2").read_text()
    assert "另须{{ g.label }}" in template and "等级条件不成立或数据不全" in template


def _mini_copy(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI_PACK, target)
    return target


def test_gates_may_read_category_ratios(tmp_path: Path) -> None:
    pack_dir = _mini_copy(tmp_path)
    meta = pack_dir / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "  - {id: excellent, label: 优秀, stars: 5, min_total: 9, min_category_ratio: 0.8}",
        "  - id: excellent\n    label: 优秀\n    stars: 5\n    min_total: 9\n    gates:\n"
        "      - {id: team, label: 队伍类全部得分, message: 队伍类未得满分, check: categories.c1 >= 1,"
        " source: {reconstructed: 测试}}"), encoding="utf-8")
    clauses = {cid: {"status": "met", "evidence": EV} for cid in ("1.1.1", "1.1.2", "1.2.1", "1.2.2", "2.1.1", "2.1.2")}
    facts = {"households": 1000, "volunteers": 50, "satisfaction": 0.9, "incident": False}
    r = score_file(write_evidence(tmp_path / "c", pack_dir, clauses, facts))
    assert r.rating.id == "excellent"
    clauses["1.2.2"] = {"status": "not_met"}
    r = score_file(write_evidence(tmp_path / "d", pack_dir, clauses, facts))
    assert (r.total, r.rating.id, r.rating.capped_by) == (9.0, "good", "gate")
    assert r.rating.gate is not None and r.rating.gate.message == "队伍类未得满分，等级最高为良好"


@pytest.mark.parametrize(("check", "message"), [
    ("categories.c9 >= 1", "categories.c9 不是规则包中声明的类"),
    ("facts.households >= 1 and categories.c1 >= 1", None),
])
def test_gate_expressions_are_validated(tmp_path: Path, check: str, message: str | None) -> None:
    pack_dir = _mini_copy(tmp_path)
    meta = pack_dir / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "  - {id: good, label: 良好, stars: 4, min_total: 8, min_category_ratio: 0.7}",
        "  - id: good\n    label: 良好\n    stars: 4\n    min_total: 8\n    gates:\n"
        f"      - {{id: g, label: 条件, message: 不成立, check: \"{check}\", source: {{reconstructed: 测试}}}}"),
        encoding="utf-8")
    if message is None:
        load_pack(pack_dir)
        return
    with pytest.raises(PackError) as info:
        load_pack(pack_dir)
    assert message in str(info.value) and "pack.yaml:" in str(info.value)


def test_category_ratios_are_only_for_gates(tmp_path: Path) -> None:
    pack_dir = _mini_copy(tmp_path)
    category = pack_dir / "1-队伍.yaml"
    category.write_text(category.read_text(encoding="utf-8").replace(
        "check: facts.volunteers >= facts.households / 100 * thresholds.volunteers_per_100_households",
        "check: categories.c1 >= 1"), encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack(pack_dir)
    assert "categories.c1（类得分率）只能用于等级条件 gates" in str(info.value)


# -- 2. data decides only what it covers -----------------------------------------------------------
def test_a_criterion_check_decides_that_criterion_only(tmp_path: Path) -> None:
    # 5.2.1 三会一课: a (党员大会 ≥ 4) and b (支委会 ≥ 12) are checked; c (党课) is not
    facts = {"party": {"member_meetings": 4, "committee_meetings": 6}}
    r = run(tmp_path, dict(ALL_MET, **{"5.2.1": {"status": "met", "evidence": EV}}), facts)
    c = clause(r, "5.2.1")
    assert [(k.id, k.met) for k in c.criteria] == [("a", True), ("b", False), ("c", True)]
    assert c.credit == round(2 / 3, 4) and c.flags == ["mismatch"]
    assert c.criteria[1].auto is not None and c.criteria[1].auto.decides == "criterion"


def test_meeting_counts_that_pass_do_not_override_an_honest_partial(tmp_path: Path) -> None:
    """The issue's 三会一课 case: the counts pass, the 党课 is missing — 2/3, not full credit."""
    facts = {"party": {"member_meetings": 4, "committee_meetings": 12}}
    entry = {"status": "partial", "criteria_met": ["a", "b"], "evidence": EV}
    c = clause(run(tmp_path, dict(ALL_MET, **{"5.2.1": entry}), facts), "5.2.1")
    assert c.credit == round(2 / 3, 4) and c.flags == ["verified"]


@pytest.mark.parametrize(("status", "meetings", "credit", "flag"), [
    ("partial", 5, 0.5, "verified"),   # passing: the declared partial stands (not raised to 1)
    ("met", 5, 1.0, "verified"),
    ("met", 2, 0.0, "mismatch"),       # failing a necessary condition: 0
    ("not_met", 5, 0.0, "verified"),
    ("partial", None, 0.5, "unverified"),
])
def test_a_necessary_check(tmp_path: Path, status: str, meetings: int | None, credit: float, flag: str) -> None:
    assert PACK.index["6.2.3"][2].decides == "necessary"
    facts = {"consultation_meetings": meetings} if meetings is not None else {}
    c = clause(run(tmp_path, dict(ALL_MET, **{"6.2.3": {"status": status, "evidence": EV}}), facts), "6.2.3")
    assert (c.credit, c.flags) == (credit, [flag])
    if meetings is not None:
        assert c.auto is not None and c.auto.decides == "necessary"


def test_a_check_must_say_what_it_decides(tmp_path: Path) -> None:
    pack_dir = _mini_copy(tmp_path)
    category = pack_dir / "1-队伍.yaml"
    category.write_text(category.read_text(encoding="utf-8").replace("        decides: clause\n", ""),
                        encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack(pack_dir)
    assert "1-队伍.yaml:" in str(info.value)
    assert "写了 check，还需要 decides：clause（数据决定整条）或 necessary（必要条件）" in str(info.value)


def test_every_check_of_every_pack_declares_its_role() -> None:
    for folder in sorted((BUNDLED_PACK.parent).iterdir()):
        if not (folder / "pack.yaml").is_file():
            continue
        pack = load_pack(folder)
        for _, _, c in pack.clauses():
            if c.check is not None:
                assert c.decides in ("clause", "necessary"), (pack.id, c.id)


# -- 3. more detail never lowers the credit (k/n) --------------------------------------------------
def test_partial_with_criteria_must_name_them_in_yaml(tmp_path: Path) -> None:
    path = write_evidence(tmp_path / "c", BUNDLED_PACK, {"5.1.1": {"status": "部分达标", "evidence": EV}})
    with pytest.raises(EvidenceError) as info:
        score_file(path)
    text = str(info.value)
    line = next(i for i, s in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "5.1.1" in s)
    assert (f"community.yaml:{line}: clauses.5.1.1.criteria_met: 条款 5.1.1 有细项（a、b、c），"
            "部分达标须写明已达到的细项（YAML 写 criteria_met") in text


def test_partial_with_criteria_must_name_them_in_excel(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "社区自评表.xlsx"
    path.write_bytes(checklist_workbook(PACK))
    book = load_workbook(path)
    info = book[INFO]
    name_row = next(r for r in range(2, info.max_row + 1)
                    if info.cell(row=r, column=INFO_INDEX["key"]).value == "community.name")
    info.cell(row=name_row, column=2, value="幸福社区")
    row = list(PACK.index).index("5.1.1") + 2
    book[CLAUSES].cell(row=row, column=CLAUSE_INDEX["status"]).value = "部分达标"
    book[CLAUSES].cell(row=row, column=CLAUSE_INDEX["evidence"]).value = "纸质：党组织设置批复"
    book.save(path)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    from openpyxl.utils import get_column_letter
    cell = f"{CLAUSES}!{get_column_letter(CLAUSE_INDEX['criterion_a'])}{row}"
    assert f"{cell}: 条款 5.1.1 有细项（a、b、c），部分达标须写明已达到的细项" in result.stdout


def test_one_of_three_is_a_third_and_partial_without_criteria_is_half(tmp_path: Path) -> None:
    r = run(tmp_path, dict(ALL_MET, **{
        "5.1.1": {"status": "partial", "criteria_met": ["a"], "evidence": EV},   # 1/3
        "6.2.3": {"status": "partial", "evidence": EV},                          # no criteria: 0.5
    }))
    assert clause(r, "5.1.1").credit == round(1 / 3, 4) and clause(r, "6.2.3").credit == 0.5


# -- pilots are outside the N/A cap (yantai 3.3, 4.3) ------------------------------------------------
def test_pilot_items_marked_na_do_not_trip_the_na_cap(tmp_path: Path) -> None:
    folder = BUNDLED_PACK.parent / "yantai-2020"
    pack = load_pack(folder)
    pilots = [c.id for _, _, c in pack.clauses() if c.pilot]
    assert sorted(pilots) == ["3.3.1", "3.3.2", "3.3.3", "4.3.1", "4.3.2"]
    clauses: dict[str, Any] = {cid: {"status": "met", "evidence": EV} for cid in pack.index}
    for cid in pilots:
        clauses[cid] = {"status": "na", "reason": "本区未开展该试点"}
    r = score_file(write_evidence(tmp_path / "c", folder, clauses, {"service_facility_area": 800,
                                                                   "party_center_standard_items_met": 39,
                                                                   "certificates_issued_types": 10}))
    c3 = next(c for c in r.categories if c.id == "3")
    assert c3.na_points == 7.0 and c3.na_exempt == 7.0 and "insufficient_basis" not in c3.flags
    assert r.rating.id == "excellent"


def test_yaml_of_the_bundled_packs_has_no_anchors() -> None:
    for path in sorted(BUNDLED_PACK.parent.glob("*/*.yaml")):
        assert yaml.safe_load(path.read_text(encoding="utf-8")) is not None
        assert "&" not in "".join(line.split("#")[0] for line in path.read_text(encoding="utf-8").splitlines()
                                  if line.lstrip().startswith(("gates:", "- id:"))), path


def test_the_district_summary_says_which_gate_held_a_community_back(tmp_path: Path, runner: CliRunner) -> None:
    district = tmp_path / "环翠区"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "haiyun", district / "haiyun")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(district), "-o", str(out), "--jobs", "1"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert "满意率未全部达到90%，等级最高为合格" in result.stdout
    csv = (out / "summary.csv").read_text(encoding="utf-8-sig")
    header, row = csv.splitlines()[:2]
    assert "等级条件" in header and "满意率未全部达到90%，等级最高为合格" in row
    summary = yaml.safe_load((out / "summary.json").read_text(encoding="utf-8"))
    rating = summary["ranking"][0]["row"]["rating"]
    assert rating["capped_by"] == "gate" and rating["gate"]["id"] == "satisfaction-all"
