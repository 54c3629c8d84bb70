"""「与上次评估相比」: what a community's gap report shows of its archived history.

``history_for`` builds a ``Comparison`` from the archive (the latest earlier assessment, diffed
clause by clause, and every archived total for the trend chart). The report template renders it
as given; ``trend_chart`` draws the totals as a small inline SVG.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ..errors import AuditError
from ..result import Result
from .archive import Archive, assessments, communities
from .diff import Diff
from .queries import change_of, stored_result
from .store import entry_from_result


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrendPoint(Model):
    assessed_on: str
    total: float
    total_text: str
    rating_label: str


class Comparison(Model):
    """The movement since the previous archived assessment, ready to print."""

    previous_on: str
    previous_total_text: str
    previous_rating: str
    total_change: float
    rating_change: int = Field(description="等级升降档数：正为上升")
    fixed: int | None = Field(description="已整改的条款数；两次规则包不同且无对照表时为 null")
    regressed: int | None
    persisting: int | None
    new: int | None
    persisting_clauses: list[str] = Field(description="仍未整改的条款（按本次失分排序，最多 10 条）")
    trend: list[TrendPoint] = Field(description="归档中的各次总分，按日期排列，含本次")


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


def trend_chart(points: list[TrendPoint], *, width: int = 360, height: int = 120) -> Markup:
    """Totals over the archived assessments as a small line chart (inline SVG, 0–100 scale)."""
    from ..report.charts import FONT

    left, right, top, bottom = 30, 12, 12, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(total: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, total)) / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="9">']
    for level in (60, 70, 80, 90, 100):
        parts.append(f'<line x1="{left}" y1="{y(level):.1f}" x2="{width - right}" y2="{y(level):.1f}" '
                     f'stroke="#ddd" stroke-width="0.6"/>')
        parts.append(f'<text x="{left - 4}" y="{y(level) + 3:.1f}" text-anchor="end" fill="#999">{level}</text>')
    line = " ".join(f"{x(i):.1f},{y(p.total):.1f}" for i, p in enumerate(points))
    parts.append(f'<polyline points="{line}" fill="none" stroke="#2b6cb0" stroke-width="1.6"/>')
    for i, p in enumerate(points):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p.total):.1f}" r="2.6" fill="#2b6cb0"/>')
        parts.append(f'<text x="{x(i):.1f}" y="{y(p.total) - 5:.1f}" text-anchor="middle">{escape(p.total_text)}</text>')
        parts.append(f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" fill="#555">'
                     f'{escape(p.assessed_on[:7])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
