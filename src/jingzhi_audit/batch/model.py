"""The district summary: compact rows per community, and the aggregate an inspector reads.

A row is what the summary needs of one community's result (kept in the community's sidecar so a
re-run need not re-read full results). The summary is computed once from the rows and every
output (terminal, JSON, CSV, XLSX, PDF) renders it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..cycle.district import DistrictChanges
from ..result import FlagCounts, RatingResult, Result


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CategoryScore(Model):
    id: str
    title: str
    points: float
    score: float
    score_text: str
    ratio: float | None


class GapBrief(Model):
    clause: str
    title: str | None
    reason: str
    points_lost: float


class CommunityRow(Model):
    """One graded community, as the district summary needs it."""

    path: str = Field(description="证据文件相对于区文件夹的路径")
    name: str
    district: str | None
    street: str | None
    pack: str
    total: float
    total_text: str
    rating: RatingResult
    complete: bool
    categories: list[CategoryScore]
    flags: FlagCounts
    vetoes: list[str] = Field(description="触发的一票否决事项")
    gaps: list[GapBrief]
    outputs: dict[str, str] = Field(description="本社区的输出文件（相对于输出文件夹）")


def row_from_result(result: Result, path: str, outputs: dict[str, str]) -> CommunityRow:
    return CommunityRow(
        path=path, name=result.community.name, district=result.community.district,
        street=result.community.street, pack=result.pack.id, total=result.total, total_text=result.total_text,
        rating=result.rating, complete=result.complete,
        categories=[CategoryScore(id=c.id, title=c.title, points=c.points, score=c.score, score_text=c.score_text,
                                  ratio=c.ratio) for c in result.categories],
        flags=result.flag_counts, vetoes=[v.title for v in result.vetoes if v.triggered],
        gaps=[GapBrief(clause=g.clause, title=g.title, reason=g.reason, points_lost=g.points_lost)
              for g in result.gaps],
        outputs=outputs,
    )


class FailedFile(Model):
    path: str
    errors: list[str]


class RatingCount(Model):
    id: str
    label: str
    stars: int
    count: int


class CategoryStats(Model):
    id: str
    title: str
    points: float
    average: float
    average_ratio: float | None
    lowest: str = Field(description="得分最低的社区")
    lowest_score: float
    highest_score: float
    spread: float = Field(description="最高分 − 最低分")


class ClauseMiss(Model):
    clause: str
    title: str | None
    communities: int = Field(description="有此项差距的社区数")
    points_lost: float = Field(description="全区合计失分")
    reasons: dict[str, int]


class RankedRow(Model):
    rank: int
    row: CommunityRow


class DistrictSummary(Model):
    """What an inspector needs of a district: ranking, distribution, weak spots, exceptions."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="区（市）评估汇总")

    generated_at: str
    source: str = Field(description="证据文件所在的文件夹")
    pack: str
    pack_title: str
    files: int
    graded: int
    failed: list[FailedFile]
    ranking: list[RankedRow]
    ratings: list[RatingCount]
    categories: list[CategoryStats]
    clauses_missed: list[ClauseMiss]
    vetoed: list[str]
    incomplete: list[str]
    mismatched: list[str]
    average_total: float | None
    cycle: DistrictChanges | None = Field(None, description="与上次评估相比（归档与整改台账）")
