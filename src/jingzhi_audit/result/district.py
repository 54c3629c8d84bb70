"""The district summary: compact rows per community, and the aggregate an inspector reads.

A row is what the summary needs of one community's result (kept in the community's sidecar so a
re-run need not re-read full results). The summary is computed once from the rows and every
output (terminal, JSON, CSV, XLSX, PDF) renders it.
"""

from __future__ import annotations

import sys

from pydantic import ConfigDict, Field, field_validator

from ..models import Model
from .model import FlagCounts, RatingResult, Result


class CategoryScore(Model):
    id: str
    title: str
    points: float
    score: float
    score_text: str
    ratio: float | None

    @field_validator("id", "title")
    @classmethod
    def _shared(cls, text: str) -> str:
        return sys.intern(text)  # the same six categories in every community of a district


GapBrief = tuple[str, str, float]
"""One gap of a community, as the district summary needs it: clause ID, reason, points lost (the
clause's title is the pack's, looked up once for the district)."""


class CommunityRow(Model):
    """One graded community, as the district summary needs it, and no more: the parent of a batch
    holds one per community (a 60-gap community: 55 KB as models → about 10 KB)."""

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
    gaps: list[GapBrief] = Field(description="差距：[条款编号, 原因, 失分]")
    outputs: dict[str, str] = Field(description="本社区的输出文件（相对于输出文件夹）")

    @field_validator("gaps")
    @classmethod
    def _shared_words(cls, gaps: list[GapBrief]) -> list[GapBrief]:
        # clause IDs and reasons repeat in every community: one string each for the whole district
        return [(sys.intern(clause), sys.intern(reason), lost) for clause, reason, lost in gaps]


def row_from_result(result: Result, path: str, outputs: dict[str, str]) -> CommunityRow:
    return CommunityRow(
        path=path, name=result.community.name, district=result.community.district,
        street=result.community.street, pack=result.pack.id, total=result.total, total_text=result.total_text,
        rating=result.rating, complete=result.complete,
        categories=[CategoryScore(id=c.id, title=c.title, points=c.points, score=c.score, score_text=c.score_text,
                                  ratio=c.ratio) for c in result.categories],
        flags=result.flag_counts, vetoes=[v.title for v in result.vetoes if v.triggered],
        gaps=[(g.clause, g.reason, g.points_lost) for g in result.gaps],
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

    model_config = ConfigDict(title="区（市）评估汇总")

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
