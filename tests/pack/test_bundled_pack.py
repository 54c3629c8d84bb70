"""The bundled jingzhi-2022 pack encodes the standard's public structure, as the outline says."""

from __future__ import annotations

from fractions import Fraction

import pytest

from jingzhi_audit.pack import Pack, load_pack
from tests.conftest import BUNDLED_PACK

# (item id, title, clause count) from ../shared/design/standard-outline.md
OUTLINE = [
    ("5.1", "社区党组织建设", 4), ("5.2", "党组织生活", 4), ("5.3", "居民委员会及下属委员会", 4),
    ("5.4", "社区工作经费保障", 3), ("5.5", "社区工作者队伍", 5), ("5.6", "社区社会组织", 4),
    ("5.7", "网格化服务管理", 4),
    ("6.1", "居民公约", 3), ("6.2", "社区协商", 4), ("6.3", "社区公开与民主监督", 4),
    ("6.4", "智慧社区", 4), ("6.5", "减负增效", 4), ("6.6", "共驻共建", 3),
    ("6.7", "平安与法治建设", 5), ("6.8", "应急管理", 5),
    ("7.1", "社区服务设施", 5), ("7.2", "基本公共服务", 4), ("7.3", "政务服务", 4),
    ("7.4", "养老托育服务", 5), ("7.5", "便民利民服务", 4), ("7.6", "志愿服务", 4),
    ("7.7", "为民服务制度", 4),
    ("8.1", "公共设施", 4), ("8.2", "环境秩序", 4), ("8.3", "绿色社区", 4), ("8.4", "物业管理", 4),
    ("9.1", "新时代文明实践站", 3), ("9.2", "文明创建", 4), ("9.3", "文体活动", 3),
    ("9.4", "学习型社区", 3), ("9.5", "信用与公益", 3),
    ("10.1", "满意度调查制度", 1), ("10.2", "满意率", 5),
]
CATEGORIES = [("5", "社区队伍", 18), ("6", "社区治理", 20), ("7", "社区服务", 22),
              ("8", "社区环境", 15), ("9", "社区文化", 10), ("10", "群众满意", 15)]


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack(BUNDLED_PACK)


def test_structure_follows_the_outline(pack: Pack) -> None:
    assert pack.counts() == (6, 33, 128)
    assert [(c.id, c.title, int(c.points)) for c in pack.categories] == CATEGORIES
    items = [(i.id, i.title, len(i.clauses)) for c in pack.categories for i in c.items]
    assert items == OUTLINE


def test_pack_is_valid_without_warnings(pack: Pack) -> None:
    assert pack.warnings == []


def test_provenance_is_stated(pack: Pack) -> None:
    assert pack.meta.provenance == "reconstructed"
    assert pack.meta.provenance_note and "重构" in pack.meta.provenance_note


def test_every_clause_is_complete_and_concrete(pack: Pack) -> None:
    for _, _, clause in pack.clauses():
        assert clause.title and clause.evidence_hint and clause.guidance
        assert 20 <= len(clause.text) <= 120, clause.id
        assert clause.source.quote or clause.source.reconstructed or clause.source.note, clause.id


def test_five_satisfaction_dimensions_are_scaled_at_ninety_percent(pack: Pack) -> None:
    dims = {"facilities", "environment", "security", "culture", "committee"}
    measured = {}
    for _, item, clause in pack.clauses():
        if item.id == "10.2":
            assert clause.measure is not None and not clause.na_allowed
            measured[clause.measure.removeprefix("facts.satisfaction.")] = pack.scales[clause.id]
    assert set(measured) == dims
    for scale in measured.values():
        top = scale.steps[0]
        assert top.at_least == pack.meta.thresholds["satisfaction_min"].value
        assert scale.credit_for(Fraction(9, 10)) == 1
        assert scale.credit_for(Fraction(89, 100)) < 1


@pytest.mark.parametrize("fact", [
    "social_organizations", "registered_volunteers", "community_workers", "service_facility_area",
    "waste_sorting.awareness", "waste_sorting.participation", "waste_sorting.accuracy",
    "property_management_coverage",
])
def test_numeric_indicators_have_automatic_checks(pack: Pack, fact: str) -> None:
    readers = [cid for cid, expr in pack.expressions.items() if fact in expr.facts and "." in cid]
    assert readers, f"no clause checks {fact}"


def test_thresholds_all_have_sources_and_are_used(pack: Pack) -> None:
    used = {name for expr in pack.expressions.values() for name in expr.thresholds}
    for name, threshold in pack.meta.thresholds.items():
        assert threshold.source.quote or threshold.source.note or threshold.source.reconstructed
        assert name in used or name == "satisfaction_min"  # the scale's top step


def test_vetoes_and_rating_bands(pack: Pack) -> None:
    assert len(pack.meta.vetoes) >= 3
    bands = [(r.id, r.label, r.stars, r.min_total, r.min_category_ratio) for r in pack.meta.ratings]
    assert [(b[0], b[1], b[2]) for b in bands] == [
        ("excellent", "优秀", 5), ("good", "良好", 4), ("pass", "合格", 3),
        ("basic", "基本合格", 2), ("fail", "不合格", 0)]
    assert [b[3] for b in bands] == [90, 80, 70, 60, None]
    assert [b[4] for b in bands] == [Fraction(8, 10), Fraction(7, 10), None, None, None]
