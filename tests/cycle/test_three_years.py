"""The three-year cycle of 海滨社区 (tests/fixtures/cycle/): diffs checked by hand, the archive's history.

The mini pack: category 1 (6 points: 1.1.1=2, 1.1.2=1, 1.2.1=2, 1.2.2=1), category 2 (4 points:
2.1.1=2, 2.1.2=2). By hand:

* 2024: 1.1.1 partial (a, b of 4 → 0.5, loses 1), 1.2.1 not met (loses 2), 2.1.1 satisfaction 85%
  (scale 0.5, loses 1) → 3.0 + 3.0 = 6.0 基本合格.
* 2025: 1.1.1 and 2.1.1 met; 1.1.2 not met (90 volunteers < 2000/100×5 = 100, loses 1); 1.2.1 not
  met → 3.0 + 4.0 = 7.0 合格.
* 2026 (renamed 海滨新城社区, same code): 1.2.2 N/A (category 1 applicable 5); 1.2.1 partial
  (0.5 × 2 × 6/5 → loses 1.2); 2.1.2 not met (loses 2) → 4.8 + 2.0 = 6.8 基本合格.
"""

from __future__ import annotations

from jingzhi_audit.cycle.archive import open_archive
from jingzhi_audit.cycle.diff import diff
from jingzhi_audit.cycle.queries import community_history, district_history, resolve_community
from jingzhi_audit.cycle.store import entry_from_result, record
from jingzhi_audit.cycle.trend import history_for
from jingzhi_audit.result import Result


def ids(changes: list) -> list[str]:  # type: ignore[type-arg]
    return [c.id for c in changes]


def test_the_fixture_scores_as_computed_by_hand(years: dict[str, Result]) -> None:
    assert [(r.total, r.rating.label) for r in years.values()] == [(6.0, "基本合格"), (7.0, "合格"), (6.8, "基本合格")]
    assert {g.clause: g.points_lost for g in years["2026"].gaps} == {"2.1.2": 2.0, "1.2.1": 1.2}


def test_2024_to_2025(years: dict[str, Result]) -> None:
    d = diff(years["2024"], years["2025"])
    assert (ids(d.fixed), ids(d.regressed), ids(d.persisting), ids(d.new)) == (["1.1.1", "2.1.1"], ["1.1.2"], ["1.2.1"], [])
    assert d.total_change == 1.0 and d.rating_change == 1
    assert [(c.id, c.previous, c.current, c.change) for c in d.categories] == [("1", 3.0, 3.0, 0.0), ("2", 3.0, 4.0, 1.0)]
    fixed = {c.id: c for c in d.fixed}
    assert (fixed["1.1.1"].previous_credit, fixed["1.1.1"].current_credit, fixed["1.1.1"].previous_points_lost,
            fixed["1.1.1"].points_lost) == (0.5, 1.0, 1.0, 0.0)
    assert (d.regressed[0].previous_credit, d.regressed[0].current_credit, d.regressed[0].points_lost) == (1.0, 0.0, 1.0)
    assert d.only_previous == [] and d.only_current == [] and not d.crosswalk


def test_2025_to_2026(years: dict[str, Result]) -> None:
    d = diff(years["2025"], years["2026"])
    assert (ids(d.fixed), ids(d.regressed), ids(d.persisting), ids(d.new)) == (["1.1.2"], ["2.1.2"], ["1.2.1"], [])
    assert d.total_change == -0.2 and d.rating_change == -1
    assert [(c.id, c.change) for c in d.categories] == [("1", 1.8), ("2", -2.0)]
    persisting = d.persisting[0]
    assert (persisting.previous_credit, persisting.current_credit, persisting.previous_points_lost,
            persisting.points_lost) == (0.0, 0.5, 2.0, 1.2)
    assert d.previous.community == "海滨社区" and d.current.community == "海滨新城社区"


def test_2024_to_2026_over_two_years(years: dict[str, Result]) -> None:
    d = diff(years["2024"], years["2026"])
    assert (ids(d.fixed), ids(d.regressed), ids(d.persisting), ids(d.new)) == (["1.1.1", "2.1.1"], ["2.1.2"], ["1.2.1"], [])
    assert d.total_change == 0.8 and d.rating_change == 0


def test_the_archive_keeps_one_renamed_community_and_its_history(years: dict[str, Result], archive_spec: str) -> None:
    archive = open_archive(archive_spec)
    try:
        outcomes = [record(archive, entry_from_result(r), r.model_dump_json()) for r in years.values()]
        assert [o.created for o in outcomes] == [True, True, True]
        assert len({o.community_id for o in outcomes}) == 1 and all(not o.warnings for o in outcomes)
        again = record(archive, entry_from_result(years["2025"]), years["2025"].model_dump_json())
        assert not again.created and again.assessment_id == outcomes[1].assessment_id
        community = resolve_community(archive, "371002001001")
        assert community.name == "海滨新城社区"  # the latest name
        assert resolve_community(archive, "海滨新城社区") == community
        history = community_history(archive, community)
        assert [(a.assessed_on, a.total, a.rating_label, a.change, a.gaps, a.name) for a in history.assessments] == [
            ("2024-11-01", 6.0, "基本合格", None, 3, "海滨社区"), ("2025-11-01", 7.0, "合格", 1.0, 2, "海滨社区"),
            ("2026-11-01", 6.8, "基本合格", -0.2, 2, "海滨新城社区")]
        district = district_history(archive)
        assert len(district.communities) == 1
        latest = district.communities[0]
        assert (latest.assessments, latest.latest.total, latest.previous.total if latest.previous else None,
                latest.latest.change) == (3, 6.8, 7.0, -0.2)
        comparison = history_for(archive, years["2026"])
        assert comparison is not None
        assert (comparison.previous_on, comparison.total_change, comparison.rating_change, comparison.fixed,
                comparison.regressed, comparison.persisting, comparison.persisting_clauses) == (
            "2025-11-01", -0.2, -1, 1, 1, 1, ["1.2.1"])
        assert [p.total for p in comparison.trend] == [6.0, 7.0, 6.8]
        assert history_for(archive, years["2024"]) is None  # nothing earlier than the first year
    finally:
        archive.dispose()
