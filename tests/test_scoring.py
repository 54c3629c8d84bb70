"""The scoring model on the mini pack, every figure computed by hand (see the comments)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from jingzhi_audit.exact import apportion
from jingzhi_audit.result import Result
from tests.conftest import MINI_PACK
from tests.scoring_helpers import score_file, write_evidence

EV = ["files/名册.pdf"]
ALL_MET = {cid: {"status": "met", "evidence": EV} for cid in ("1.1.1", "1.1.2", "1.2.1", "1.2.2", "2.1.1", "2.1.2")}
GOOD_FACTS = {"households": 1000, "volunteers": 50, "satisfaction": 0.9, "incident": False}


def run(tmp_path: Path, clauses: dict, facts: dict | None = None, **extra) -> Result:  # type: ignore[type-arg]
    return score_file(write_evidence(tmp_path / "c", MINI_PACK, clauses, facts, **extra))


def clause(result: Result, cid: str):  # type: ignore[no-untyped-def]
    return next(c for c in result.clauses if c.id == cid)


def test_everything_met_is_full_marks_and_excellent(tmp_path: Path) -> None:
    r = run(tmp_path, ALL_MET, GOOD_FACTS)
    assert (r.total, r.total_text, r.rating.id, r.rating.stars, r.complete) == (10.0, "10.0", "excellent", 5, True)
    assert r.gaps == []
    assert [c.score for c in r.categories] == [6.0, 4.0]
    # 1.1.2: 50 volunteers >= 1000/100*5 = 50 → computed 1, agrees with "met"
    assert clause(r, "1.1.2").flags == ["verified"]
    assert clause(r, "2.1.1").auto is not None and clause(r, "2.1.1").auto.computed_credit == 1.0


def test_the_worked_example(tmp_path: Path) -> None:
    """Every rule at once; the figures below are the hand computation."""
    r = run(tmp_path, {
        "1.1.1": {"status": "部分达标", "criteria_met": ["a", "c", "d"], "evidence": EV},  # 3/4 × 2 = 1.5
        "1.1.2": {"status": "met", "evidence": EV},            # 40 < 50 → computed 0: mismatch, 0
        "1.2.1": {"status": "na", "reason": "无物业"},          # out of category 1: applicable 6 - 2 = 4
        "1.2.2": {"status": "not_met"},                       # 0
        "2.1.1": {"status": "met", "evidence": ["files/missing.pdf"]},  # 0.85 → 0.5, but no evidence: 0
        # 2.1.2 absent: unassessed, 0
    }, {"households": 1000, "volunteers": 40, "satisfaction": 0.85, "incident": False})
    c1, c2 = r.categories
    # category 1: earned 1.5 of applicable 4 → ratio 0.375 → score 0.375 × 6 = 2.25; N/A 2 > 20% × 6
    assert (c1.applicable, c1.na_points, c1.earned, c1.ratio, c1.score, c1.flags) == (
        4.0, 2.0, 1.5, 0.375, 2.25, ["insufficient_basis"])
    assert (c2.applicable, c2.earned, c2.ratio, c2.score) == (4.0, 0.0, 0.0, 0.0)
    assert (r.total, r.total_text, r.complete) == (2.25, "2.3", False)  # 2.25 rounds half up to 2.3
    assert [c.score_text for c in r.categories] == ["2.3", "0.0"]  # display adds up to the total
    assert r.rating.id == "fail"
    assert clause(r, "1.1.1").credit == 0.75 and clause(r, "1.1.1").earned == 1.5
    assert clause(r, "1.1.2").flags == ["mismatch"]
    two_one_one = clause(r, "2.1.1")
    assert two_one_one.flags == ["mismatch", "missing_attachment", "unevidenced"]
    assert two_one_one.potential == 1.0  # 2 × 0.5, what it would earn with evidence
    assert two_one_one.evidence[0].exists is False
    assert clause(r, "2.1.2").flags == ["unassessed"]
    # points lost = points × (1 − credit) × category points / applicable points
    gaps = [(g.clause, g.reason, g.points_lost) for g in r.gaps]
    assert gaps == [
        ("2.1.1", "unevidenced", 2.0),   # 2 × 1 × 4/4
        ("2.1.2", "unassessed", 2.0),    # 2 × 1 × 4/4
        ("1.1.2", "mismatch", 1.5),      # 1 × 1 × 6/4
        ("1.2.2", "not_met", 1.5),       # 1 × 1 × 6/4
        ("1.1.1", "partial", 0.75),      # 2 × 1/4 × 6/4
    ]
    assert r.total + sum(g.points_lost for g in r.gaps) == 10
    counts = r.flag_counts
    assert (counts.unevidenced, counts.missing_attachment, counts.mismatch, counts.unassessed, counts.na) == (
        1, 1, 2, 1, 1)


def test_partial_without_criteria_earns_the_pack_partial_credit(tmp_path: Path) -> None:
    clauses = dict(ALL_MET, **{"1.2.1": {"status": "partial", "evidence": EV}})  # 1.2.1 has no criteria
    r = run(tmp_path, clauses, GOOD_FACTS)
    assert clause(r, "1.2.1").credit == 0.5
    assert r.categories[0].score == 5.0  # (6 - 1) / 6 × 6
    assert (r.total, r.rating.id) == (9.0, "excellent")


@pytest.mark.parametrize(("satisfaction", "credit"), [
    (0.95, 1.0), (0.9, 1.0), ("90%", 1.0), (0.8999, 0.5), (0.8, 0.5), (0.79, 0.0), (0, 0.0),
])
def test_scale_steps(tmp_path: Path, satisfaction: object, credit: float) -> None:
    r = run(tmp_path, ALL_MET, dict(GOOD_FACTS, satisfaction=satisfaction))
    assert clause(r, "2.1.1").credit == credit
    assert clause(r, "2.1.1").flags == (["verified"] if credit == 1 else ["mismatch"])


def test_missing_facts_leave_the_declared_status_unverified(tmp_path: Path) -> None:
    r = run(tmp_path, ALL_MET, {"households": 1000, "incident": False})
    assert clause(r, "1.1.2").flags == ["unverified"] and clause(r, "1.1.2").credit == 1.0
    assert clause(r, "2.1.1").auto is not None and clause(r, "2.1.1").auto.missing_facts == ["satisfaction"]
    assert r.flag_counts.unverified == 2
    assert r.total == 10.0 and r.complete


def test_data_can_raise_a_declared_not_met(tmp_path: Path) -> None:
    clauses = dict(ALL_MET, **{"1.1.2": {"status": "not_met", "evidence": EV}})
    r = run(tmp_path, clauses, GOOD_FACTS)
    assert clause(r, "1.1.2").credit == 1.0 and clause(r, "1.1.2").flags == ["mismatch"]


def test_evidence_not_required_needs_none(tmp_path: Path) -> None:
    clauses = dict(ALL_MET, **{"1.2.2": {"status": "met"}})
    assert clause(run(tmp_path, clauses, GOOD_FACTS), "1.2.2").credit == 1.0


def test_paper_ledger_and_link_count_as_evidence(tmp_path: Path) -> None:
    clauses = dict(ALL_MET, **{"1.1.1": {"status": "met", "evidence": [{"paper": "志愿者名册（纸质）"}]},
                               "1.2.1": {"status": "met", "evidence": [{"url": "https://example.org/x"}]}})
    r = run(tmp_path, clauses, GOOD_FACTS)
    assert clause(r, "1.1.1").credit == 1.0 and clause(r, "1.1.1").evidence[0].kind == "paper"
    assert clause(r, "1.2.1").credit == 1.0 and clause(r, "1.2.1").evidence[0].kind == "url"


def test_veto_makes_the_rating_fail_but_keeps_the_score(tmp_path: Path) -> None:
    r = run(tmp_path, ALL_MET, dict(GOOD_FACTS, incident=True))
    assert r.total == 10.0
    assert (r.rating.id, r.rating.capped_by, r.rating.uncapped) == ("fail", "veto", "excellent")
    assert [v.triggered for v in r.vetoes] == [True]


def test_unknown_veto_makes_the_assessment_incomplete(tmp_path: Path) -> None:
    facts = {k: v for k, v in GOOD_FACTS.items() if k != "incident"}
    r = run(tmp_path, ALL_MET, facts)
    assert r.vetoes[0].triggered is None and r.vetoes[0].missing_facts == ["incident"]
    assert r.complete is False and r.rating.id == "excellent"


BONUS_ITEMS = """
bonus_cap: 1.5
bonus:
  - id: volunteer-star
    title: 志愿服务示范
    points: 1
    check: facts.volunteers >= 100
    source: {reconstructed: 测试用加分}
  - id: award
    title: 获市级表彰
    points: 1
    source: {reconstructed: 测试用加分}
"""


@pytest.mark.parametrize(("volunteers", "declared", "expected"), [
    # the check holds (1) + award met (1) = 2, capped at 1.5
    (100, {"volunteer-star": {"status": "not_met", "evidence": EV}, "award": {"status": "met", "evidence": EV}}, 1.5),
    # the check fails: its declared 达标 does not count (0); award partial: 0.5 × 1
    (50, {"volunteer-star": {"status": "met", "evidence": EV}, "award": {"status": "partial", "evidence": EV}}, 0.5),
    # the check's fact missing: the declared status stands (1); award met without evidence: 0
    (None, {"volunteer-star": {"status": "met", "evidence": EV}, "award": {"status": "met"}}, 1.0),
    # the check holds but no evidence is listed: 0
    (100, {}, 0.0),
])
def test_bonus_items(tmp_path: Path, mini_pack: Path, volunteers: int | None, declared: dict, expected: float) -> None:  # type: ignore[type-arg]
    (mini_pack / "pack.yaml").write_text((mini_pack / "pack.yaml").read_text(encoding="utf-8") + BONUS_ITEMS,
                                         encoding="utf-8")
    clauses = dict(ALL_MET, **{"1.1.1": {"status": "not_met"}, "1.1.2": {"status": "not_met"}})
    facts = {k: v for k, v in dict(GOOD_FACTS, volunteers=volunteers).items() if v is not None}
    r = score_file(write_evidence(tmp_path / "c", mini_pack, clauses, facts, bonus=declared))
    subtotal = sum(Fraction(str(c.score)) for c in r.categories)
    assert subtotal + Fraction(expected) < 10  # room below the total, so the bonus shows in full
    assert r.bonus == expected and r.total == float(subtotal + Fraction(expected))


def test_too_much_na_caps_the_rating(tmp_path: Path) -> None:
    # 1.2.1 N/A is 2 of category 1's 6 points (> 20%); everything else met: 10.0 but at most 合格
    clauses = dict(ALL_MET, **{"1.2.1": {"status": "na", "reason": "本社区无物业服务企业"}})
    r = run(tmp_path, clauses, GOOD_FACTS)
    assert r.total == 10.0
    assert (r.rating.id, r.rating.capped_by, r.rating.uncapped) == ("pass", "na_cap", "excellent")
    assert r.categories[0].ratio == 1.0 and r.categories[0].applicable == 4.0


def test_category_ratio_bands(tmp_path: Path) -> None:
    # category 2 at 2/4 = 0.5 < 0.7: 8.0 total but neither excellent nor good → pass
    clauses = dict(ALL_MET, **{"2.1.2": {"status": "not_met"}})
    r = run(tmp_path, clauses, GOOD_FACTS)
    assert (r.total, r.categories[1].ratio, r.rating.id) == (8.0, 0.5, "pass")


def test_na_rescales_within_its_own_category(tmp_path: Path) -> None:
    # N/A 1.2.2 (1 point, not above the 20% cap of 1.2): category 1's applicable points become 5
    clauses = dict(ALL_MET, **{"1.2.2": {"status": "na", "reason": "无"}, "1.1.1": {
        "status": "partial", "criteria_met": ["a"], "evidence": EV}})
    r = run(tmp_path, clauses, GOOD_FACTS)
    # earned: 1.1.1 2 × 1/4 = 0.5, 1.1.2 1, 1.2.1 2 → 3.5 of 5 → 0.7 × 6 = 4.2
    assert (r.categories[0].earned, r.categories[0].ratio, r.categories[0].score) == (3.5, 0.7, 4.2)
    assert r.total == 8.2 and r.rating.id == "good"  # ≥ 8 and every ratio ≥ 0.7


def test_result_is_deterministic(tmp_path: Path) -> None:
    path = write_evidence(tmp_path / "c", MINI_PACK, ALL_MET, GOOD_FACTS)
    assert score_file(path).model_dump_json() == score_file(path).model_dump_json()


@pytest.mark.parametrize(("values", "target", "places", "expected"), [
    ([Fraction(9, 4), Fraction(0)], "2.3", 1, ["2.3", "0.0"]),
    ([Fraction(1, 3)] * 3, "1.0", 1, ["0.4", "0.3", "0.3"]),
    ([Fraction(1, 3)] * 3, "1.0000", 4, ["0.3334", "0.3333", "0.3333"]),
    ([Fraction(165, 10), Fraction(20)], "36.5", 1, ["16.5", "20.0"]),
    ([Fraction(2, 3), Fraction(2, 3), Fraction(5, 3)], "3.0", 1, ["0.7", "0.7", "1.6"]),
])
def test_apportion_adds_up_and_moves_each_value_by_less_than_a_unit(
        values: list[Fraction], target: str, places: int, expected: list[str]) -> None:
    got = apportion(values, Decimal(target), places)
    assert [str(g) for g in got] == expected
    assert sum(got) == Decimal(target)
    for value, rounded in zip(values, got, strict=True):
        assert abs(Fraction(rounded) - value) < Fraction(1, 10**places)
