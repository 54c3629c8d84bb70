"""Peer-city packs, crosswalks and audit compare."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from jingzhi_audit.compare.crosswalk import infer_status, read_crosswalk
from jingzhi_audit.compare.engine import compare
from jingzhi_audit.pack import bundled_packs, load_pack
from tests.conftest import ROOT

STANDARDS = ROOT / "standards"
PEERS = ["xiangshan-2021", "yantai-2020", "jiayuguan-2022", "ningbo-2020"]


def test_every_bundled_pack_vocabulary_and_crosswalk_validates(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--strict", str(STANDARDS)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.count("✓") == 1 + 5 + 4  # vocabulary, five packs, four crosswalks
    assert "共检查 10 个对象：10 个有效" in result.stdout


@pytest.mark.parametrize("pack_id", PEERS)
def test_peer_packs_quote_their_document_for_every_clause(pack_id: str) -> None:
    pack = load_pack(STANDARDS / pack_id)
    assert pack.meta.provenance == "reconstructed" and pack.meta.vocabulary == "../vocabulary.yaml"
    assert pack.meta.total_points == 100
    for _, _, clause in pack.clauses():
        assert clause.source.doc == pack_id and clause.source.quote, clause.id  # nothing invented
    for name, threshold in pack.meta.thresholds.items():
        assert threshold.source.doc == pack_id and threshold.source.quote, name


def test_one_fact_vocabulary() -> None:
    """A fact name means one thing everywhere: shared facts come from the vocabulary, and no two
    packs define the same local name differently."""
    local: dict[str, object] = {}
    vocabulary = yaml.safe_load((STANDARDS / "vocabulary.yaml").read_text(encoding="utf-8"))["facts"]
    for pack_id in bundled_packs():
        pack = load_pack(STANDARDS / pack_id)
        for name, fact in pack.meta.facts.items():
            assert name not in vocabulary
            assert local.setdefault(name, fact) == fact, f"{name} defined differently in {pack_id}"
        for name in vocabulary:
            assert pack.facts[name].label == vocabulary[name]["label"]


@pytest.mark.parametrize("pack_id", PEERS)
def test_indicators_named_in_the_issue(pack_id: str) -> None:
    expected = {
        "xiangshan-2021": {"households_per_worker": 350, "workers_min": 6, "funding_per_1000_households": 5,
                           "facility_area_per_100_households": 60},
        "yantai-2020": {"party_service_center_area_min": 600, "certificates_max": 15},
        "jiayuguan-2022": {"governance_specialists_min": 3},
        "ningbo-2020": {"facility_area_per_100_households": 40, "worker_visit_time_share_min": 0.5},
    }[pack_id]
    thresholds = load_pack(STANDARDS / pack_id).meta.thresholds
    for name, value in expected.items():
        assert thresholds[name].value == pytest.approx(value), name


BAD_CROSSWALKS = [
    ("unknown-clause", lambda t: t.replace('b: "5.3.1"', 'b: "5.3.9"', 1), r"条款 5\.3\.9 不在规则包 xiangshan-2021 中"),
    ("unknown-pack", lambda t: t.replace("b: xiangshan-2021", "b: xiangshan-2099", 1), r"规则包「xiangshan-2099」无效或找不到"),
    ("bad-relation", lambda t: t.replace("relation: intersect", "relation: similar", 1), r"「similar」不是可选值"),
    ("duplicate-pair", lambda t: t.replace("pairs:\n", 'pairs:\n  - {a: "5.5.1", b: "5.3.1", relation: equal, rationale: 重复}\n', 1),
     r"5\.5\.1 ↔ 5\.3\.1 重复"),
]


@pytest.mark.parametrize(("name", "mutate", "message"), BAD_CROSSWALKS, ids=[c[0] for c in BAD_CROSSWALKS])
def test_bad_crosswalk_names_file_and_line(tmp_path: Path, runner: CliRunner, name: str, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "standards"
    shutil.copytree(STANDARDS, folder)
    path = folder / "crosswalk" / "jingzhi-2022__xiangshan-2021.yaml"
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    crosswalk, problems = read_crosswalk(path)
    assert crosswalk is None
    hits = [p for p in problems if re.search(message, p.message)]
    assert hits and hits[0].line is not None and hits[0].file.endswith("jingzhi-2022__xiangshan-2021.yaml")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and f"jingzhi-2022__xiangshan-2021.yaml:{hits[0].line}" in result.stdout


@pytest.mark.parametrize(("status", "relation", "expected"), [
    ("met", "equal", "met"), ("partial", "equal", "partial"), ("not_met", "equal", "not_met"), ("na", "equal", "na"),
    ("met", "subset", "partial"), ("not_met", "subset", "not_met"), ("na", "subset", None),
    ("met", "intersect", "partial"), ("partial", "intersect", "partial"), ("not_met", "intersect", "not_met"),
    ("met", "superset", "met"), ("partial", "superset", "partial"), ("not_met", "superset", None),
])
def test_inference_rules(status: str, relation: str, expected: str | None) -> None:
    assert infer_status(status, relation) == expected


@pytest.fixture
def staffed(tmp_path: Path) -> Path:
    """Haiyun with facts that meet Weihai's staffing figure (18 per 10,000 residents: 9) but not
    Xiangshan's ratio (one per 350 households: 10)."""
    folder = tmp_path / "c"
    shutil.copytree(ROOT / "examples" / "haiyun", folder)
    path = folder / "community.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (("  households: 2860", "  households: 3400"), ("  residents: 7150", "  residents: 4800"),
                     ("  community_workers: 13", "  community_workers: 9")):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def test_weihai_met_xiangshan_not_on_staffing(staffed: Path) -> None:
    comparison = compare(staffed, ["jingzhi-2022", "xiangshan-2021"])
    row = next(i for i in comparison.indicators if i.fact == "community_workers")
    assert row.value == 9
    weihai = next(c for c in row.cells if c.pack == "jingzhi-2022")
    xiangshan = next(c for c in row.cells if c.pack == "xiangshan-2021")
    assert (weihai.clause, weihai.met, [r.value for r in weihai.requirements]) == ("5.5.1", True, [9])
    assert (xiangshan.clause, xiangshan.met) == ("5.3.1", False)
    assert 10 in [r.value for r in xiangshan.requirements]


def test_compare_cli_shows_it(staffed: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["compare", str(staffed), "-s", "jingzhi-2022", "-s", "xiangshan-2021"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    line = next(text for text in result.stdout.splitlines() if "专职社区工作者人数" in text)
    assert "9 人" in line and "≥ 9 人（5.5.1） ✓" in line and "≥ 10 人" in line and "（5.3.1） ✗" in line
    assert "参考：" in result.stdout  # the inferred pack's rating is a reference only


def test_native_pack_equals_audit_score_and_inferred_clauses_are_marked(runner: CliRunner) -> None:
    haiyun = ROOT / "examples" / "haiyun" / "community.yaml"
    result = runner.invoke(app, ["compare", str(haiyun), "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["packs"][0]["id"] == "jingzhi-2022" and len(data["packs"]) == 5
    native = data["packs"][0]
    assert native["native"] and native["total_text"] == "97.3" and native["inferred"] == []
    for pack in data["packs"][1:]:
        assert not pack["native"] and pack["inferred"]
        assert pack["covered"] == len(pack["inferred"]) <= pack["clauses"]
        for clause in pack["inferred"]:
            assert clause["sources"] and set(clause["relations"]) <= {"equal", "subset", "superset", "intersect"}


def test_compare_without_a_crosswalk_explains(tmp_path: Path, runner: CliRunner, mini_pack: Path) -> None:
    result = runner.invoke(app, ["compare", str(ROOT / "examples/haiyun/community.yaml"), "-s", str(mini_pack)])
    assert result.exit_code == 1
    assert "之间没有对照表" in result.stderr
