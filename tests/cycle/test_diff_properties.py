"""Properties of the diff over arbitrary pairs of results of one community."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingzhi_audit.cycle.diff import diff
from jingzhi_audit.result import Gap, Result

CREDITS = st.sampled_from([None, 0.0, 0.5, 1.0])  # None: not applicable


def variant(base: Result, credits: list[float | None], rating: int, total: float) -> Result:
    """``base`` with each clause at the given credit, its gaps, rating and total to match."""
    clauses, gaps = [], []
    for clause, credit in zip(base.clauses, credits, strict=True):
        status = "na" if credit is None else "met" if credit == 1 else "partial" if credit else "not_met"
        clauses.append(clause.model_copy(update={"status": status, "credit": credit or 0.0}))
        if credit is not None and credit < 1:
            gaps.append(Gap(clause=clause.id, category=clause.category, item=clause.item, title=clause.title,
                            text=clause.text, status=status, reason="partial" if credit else "not_met",
                            credit=credit, points=clause.points, points_lost=clause.points * (1 - credit),
                            guidance=clause.guidance))
    band = base.pack.ratings[rating]
    return base.model_copy(update={"clauses": clauses, "gaps": gaps, "total": total,
                                   "rating": base.rating.model_copy(update={"id": band.id, "label": band.label})})


def results(base: Result) -> st.SearchStrategy[Result]:
    n = len(base.clauses)
    return st.builds(lambda c, r, t: variant(base, c, r, t), st.lists(CREDITS, min_size=n, max_size=n),
                     st.integers(0, len(base.pack.ratings) - 1), st.floats(0, 10, allow_nan=False).map(lambda x: round(x, 1)))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_a_result_against_itself_has_no_change(years: dict[str, Result], data: st.DataObject) -> None:
    a = data.draw(results(years["2024"]))
    d = diff(a, a)
    assert d.fixed == [] and d.regressed == [] and d.new == []
    assert d.total_change == 0 and d.rating_change == 0
    assert {c.id for c in d.persisting} == {g.clause for g in a.gaps}


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_reversing_swaps_fixed_and_regressed(years: dict[str, Result], data: st.DataObject) -> None:
    a = data.draw(results(years["2024"]))
    b = data.draw(results(years["2024"]))
    forward, backward = diff(a, b), diff(b, a)
    assert {c.id for c in forward.fixed} == {c.id for c in backward.regressed}
    assert {c.id for c in forward.regressed} == {c.id for c in backward.fixed}
    assert {c.id for c in forward.persisting} == {c.id for c in backward.persisting}
    assert forward.total_change == -backward.total_change
    assert forward.rating_change == -backward.rating_change
    # the sets do not overlap, and every gap of b is in exactly one of them
    groups = [{c.id for c in g} for g in (forward.fixed, forward.regressed, forward.persisting, forward.new)]
    assert sum(len(g) for g in groups) == len(set().union(*groups))
    assert {g.clause for g in b.gaps} == groups[1] | groups[2] | groups[3]
