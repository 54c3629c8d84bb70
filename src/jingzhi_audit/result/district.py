"""The district summary: compact rows per community, and the aggregate an inspector reads.

A row is what the summary needs of one community's result (kept in the community's sidecar so a
re-run need not re-read full results). The summary is computed once from the rows and every
output (terminal, JSON, CSV, XLSX, PDF) renders it.
"""

from __future__ import annotations

import sys
from pathlib import PurePath

from pydantic import ConfigDict, Field, field_validator

from ..models import Model
from .cycle import DistrictChanges
from .model import FlagCounts, RatingResult, Result

ROW_FORMAT = 3
"""Bumped when a row gains a field: a stored row of an older format is graded again, not reused."""


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


class ReviewBrief(Model):
    """A community's review (复核), as the district summary shows it."""

    state: str = Field(description="valid | lapsed | none")
    reviewer: str | None
    total: float
    total_text: str
    rating: str
    difference: float = Field(description="自评总分 − 复核后总分（正数：自评偏高）")
    disagreements: int


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
    review: ReviewBrief | None = Field(None, description="复核；没有复核文件时为 null")
    expired_na: int = Field(0, description="不适用已过期的条款数")
    insufficient: list[str] = Field(default_factory=list,
                                    description="依据不足的类别（不适用条款超过上限；等级可能因此封顶）")

    @field_validator("gaps")
    @classmethod
    def _shared_words(cls, gaps: list[GapBrief]) -> list[GapBrief]:
        # clause IDs and reasons repeat in every community: one string each for the whole district
        return [(sys.intern(clause), sys.intern(reason), lost) for clause, reason, lost in gaps]


def row_from_result(result: Result, path: str, outputs: dict[str, str]) -> CommunityRow:
    """The summary row of one community's result."""
    return CommunityRow(
        path=path, name=result.community.name, district=result.community.district,
        street=result.community.street, pack=result.pack.id, total=result.total, total_text=result.total_text,
        rating=result.rating, complete=result.complete,
        categories=[CategoryScore(id=c.id, title=c.title, points=c.points, score=c.score, score_text=c.score_text,
                                  ratio=c.ratio) for c in result.categories],
        flags=result.flag_counts, vetoes=[v.title for v in result.vetoes if v.triggered],
        gaps=[(g.clause, g.reason, g.points_lost) for g in result.gaps],
        outputs=outputs, **review_fields(result),
        insufficient=[f"{c.id} {c.title}" for c in result.categories if "insufficient_basis" in c.flags],
    )


def review_fields(result: Result) -> dict[str, object]:
    """The review columns of a community's row."""
    rv = result.review
    brief = None if rv is None else ReviewBrief(
        state=rv.state, reviewer=rv.reviewer, total=rv.total, total_text=rv.total_text, rating=rv.rating.label,
        difference=0.0 - rv.difference, disagreements=len(rv.disagreements))  # (never -0.0)
    return {"review": brief, "expired_na": sum(1 for c in result.clauses if "na_expired" in c.flags)}


class FailedFile(Model):
    path: str
    errors: list[str]


class SkippedFile(Model):
    path: str = Field(description="相对于区文件夹的路径")
    reason: str = Field(description="未读取的原因及处理办法")


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
    label: str = Field("", description="在本区汇总中显示的社区名称：同名的社区附上街道或证据文件以示区分")

    @property
    def shown(self) -> str:
        """The name to show: the label when set, else the community's own name."""
        return self.label or self.row.name


class Overrating(Model):
    name: str
    path: str
    self_total_text: str
    reviewed_total_text: str
    difference: float = Field(description="自评总分 − 复核后总分")
    state: str


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
    unsupported: list[SkippedFile] = Field(default_factory=list, description="因文件格式不支持而未读取的文件")
    cycle: DistrictChanges | None = Field(None, description="与上次评估相比（归档与整改台账）")
    reviews: dict[str, int] = Field(default_factory=dict, description="复核状态计数：valid/lapsed/none")
    overrated: list[Overrating] = Field(default_factory=list, description="自评高于复核最多的社区（自评偏高）")
    lapsed_reviews: list[str] = Field(default_factory=list, description="复核已失效的社区")
    expired_na: list[str] = Field(default_factory=list, description="有不适用已过期条款的社区")
    # -- what an inspector must not miss (issue 11) --
    title: str = Field("", description="汇总的标题：证据文件中的区（市）；不一致或未填写时为文件夹名")
    warnings: list[str] = Field(default_factory=list, description="同名社区、区（市）不一致等提示")
    insufficient: list[str] = Field(default_factory=list, description="有依据不足类别的社区（等级可能因此封顶）")
    unevidenced: list[str] = Field(default_factory=list, description="有条款缺少佐证的社区")

    def attention(self) -> list[tuple[str, list[str]]]:
        """The communities an inspector should look at, by reason (the same lists in every output)."""
        return [("一票否决", self.vetoed), ("评估不完整", self.incomplete), ("自评与数据不符", self.mismatched),
                ("依据不足", self.insufficient), ("缺少佐证", self.unevidenced)]

    @property
    def heading(self) -> str:
        """The district's name for titles: ``title``, else the folder."""
        return self.title or self.source

    @property
    def folder_note(self) -> str | None:
        """The folder, when the title is the 区 named in the evidence rather than the folder's name."""
        return self.source if self.title and self.title != PurePath(self.source).name else None
