"""Aggregate community rows into the district summary (pure: rows in, summary out)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import PurePath

from ..exact import r4
from ..pack.model import id_order
from ..result import RatingBand
from ..result.district import (
    CategoryStats,
    ClauseMiss,
    CommunityRow,
    DistrictSummary,
    FailedFile,
    RankedRow,
    RatingCount,
)
from . import attention
from .reviews import review_summary


def summarize(rows: Sequence[CommunityRow], failed: Sequence[FailedFile], *, source: str, pack: str,
              pack_title: str, bands: Sequence[RatingBand], generated_at: str,
              titles: Mapping[str, str | None] | None = None) -> DistrictSummary:
    """The district summary of ``rows``; ``titles`` are the clause titles of the pack, by ID."""
    ordered = sorted(rows, key=lambda r: (-r.total, r.name, r.path))
    label, same_names = attention.labels(rows)
    title, title_warnings = attention.district_title(rows, PurePath(source).name or source)
    ranking: list[RankedRow] = []
    for i, row in enumerate(ordered):
        # equal totals share a rank (1, 2, 2, 4 …), as inspectors rank
        rank = ranking[-1].rank if i and row.total == ordered[i - 1].total else i + 1
        ranking.append(RankedRow(rank=rank, row=row, label=label[row.path]))
    counts: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.rating.id] += 1
    ratings = [RatingCount(id=b.id, label=b.label, stars=b.stars, count=counts.get(b.id, 0)) for b in bands]
    return DistrictSummary(
        generated_at=generated_at, source=source, pack=pack, pack_title=pack_title,
        files=len(rows) + len(failed), graded=len(rows), failed=list(failed), ranking=ranking, ratings=ratings,
        categories=_category_stats(rows, label), clauses_missed=_clauses_missed(rows, titles or {}),
        vetoed=[label[r.path] for r in ordered if r.vetoes or r.rating.capped_by == "veto"],
        incomplete=[label[r.path] for r in ordered if not r.complete],
        mismatched=[label[r.path] for r in ordered if r.flags.mismatch],
        average_total=r4(_mean([r.total for r in rows])) if rows else None,
        title=title, warnings=title_warnings + same_names,
        insufficient=attention.insufficient(ordered, label), unevidenced=attention.unevidenced(ordered, label),
        **review_summary(ordered),
    )


def _mean(values: Sequence[float]) -> Fraction:
    return sum((Fraction(str(v)) for v in values), Fraction(0)) / len(values)


def _category_stats(rows: Sequence[CommunityRow], label: dict[str, str]) -> list[CategoryStats]:
    if not rows:
        return []
    out = []
    for k, first in enumerate(rows[0].categories):
        scores = [(row.categories[k].score, label[row.path]) for row in rows]
        ratios = [ratio for row in rows if (ratio := row.categories[k].ratio) is not None]
        lowest = min(scores)
        highest = max(s for s, _ in scores)
        out.append(CategoryStats(
            id=first.id, title=first.title, points=first.points, average=r4(_mean([s for s, _ in scores])),
            average_ratio=r4(_mean(ratios)) if ratios else None, lowest=lowest[1], lowest_score=lowest[0],
            highest_score=highest, spread=r4(Fraction(str(highest)) - Fraction(str(lowest[0]))),
        ))
    return out


@dataclass
class _Miss:
    title: str | None
    communities: int = 0
    lost: Fraction = Fraction(0)
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _clauses_missed(rows: Sequence[CommunityRow], titles: Mapping[str, str | None]) -> list[ClauseMiss]:
    """Clauses most often short across the district: how many communities, how many points lost."""
    seen: dict[str, _Miss] = {}
    for row in rows:
        for clause, reason, lost in row.gaps:
            miss = seen.setdefault(clause, _Miss(titles.get(clause)))
            miss.communities += 1
            miss.lost += Fraction(str(lost))
            miss.reasons[reason] += 1
    out = [ClauseMiss(clause=cid, title=m.title, communities=m.communities, points_lost=r4(m.lost),
                      reasons=dict(m.reasons)) for cid, m in seen.items()]
    out.sort(key=lambda m: (-m.communities, -m.points_lost, id_order(m.clause)))
    return out
