"""「与上次评估相比」: what a community's gap report shows of its archived history.

``history_for`` builds a ``Comparison`` from the archive (the latest earlier assessment, diffed
clause by clause, and every archived total for the trend chart). The report template renders it
as given; ``trend_chart`` draws the totals as a small inline SVG.
"""

from __future__ import annotations

from sqlalchemy import select

from ..errors import AuditError
from ..result import Result
from ..result.cycle import Comparison, TrendPoint
from .archive import Archive, assessments, communities
from .diff import Diff
from .queries import change_of, stored_result
from .store import entry_from_result


def comparison_from(change: Diff | None, trend: list[TrendPoint], previous: TrendPoint,
                    current: Result) -> Comparison:
    """A report's comparison from a diff (or none, when the two cannot be compared clause by clause)."""
    return Comparison(
        previous_on=previous.assessed_on, previous_total_text=previous.total_text,
        previous_rating=previous.rating_label,
        total_change=change.total_change if change else change_of(current.total, previous.total) or 0.0,
        rating_change=change.rating_change if change else 0,
        fixed=len(change.fixed) if change else None, regressed=len(change.regressed) if change else None,
        persisting=len(change.persisting) if change else None, new=len(change.new) if change else None,
        persisting_clauses=[c.id for c in change.persisting[:10]] if change else [], trend=trend,
    )


def history_for(archive: Archive, current: Result) -> Comparison | None:
    """The comparison with the community's latest earlier archived assessment, if there is one."""
    entry = entry_from_result(current)
    with archive.reading() as conn:
        found = conn.execute(select(communities.c.id).where(communities.c.identity == entry.identity)).first()
        if found is None:
            return None
        rows = conn.execute(
            select(assessments.c.id, assessments.c.assessed_on, assessments.c.total, assessments.c.total_text,
                   assessments.c.rating_label, assessments.c.evidence_sha256, assessments.c.pack_sha256)
            .where(assessments.c.community_id == found[0])
            .order_by(assessments.c.assessed_on, assessments.c.recorded_at, assessments.c.id)).all()
    itself = (entry.evidence_sha256, entry.pack_sha256)
    earlier = [r for r in rows if (r[5], r[6]) != itself and r[1] <= entry.assessed_on]
    if not earlier:
        return None
    trend = [TrendPoint(assessed_on=r[1], total=r[2], total_text=r[3], rating_label=r[4]) for r in earlier]
    trend.append(TrendPoint(assessed_on=entry.assessed_on, total=current.total, total_text=current.total_text,
                            rating_label=current.rating.label))
    previous = stored_result(archive, earlier[-1][0])
    from .sources import compare_results

    try:
        change: Diff | None = compare_results(previous, current)
    except AuditError:  # other pack, no crosswalk: the report still shows the totals
        change = None
    return comparison_from(change, trend, trend[-2], current)
