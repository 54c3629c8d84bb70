"""The assessment cycle's data: two results compared (``Diff``), a ledger checked against the
next assessment, a community's or a district's history, the district's changes and a report's
comparison with the previous assessment. Computed in ``cycle``; drawn by ``render``."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from ..models import Model

Outcome = Literal["confirmed", "contradicted", "overdue", "open", "missing"]
OUTCOME_LABELS = {"confirmed": "已确认整改", "contradicted": "标记已完成但仍有差距", "overdue": "逾期未完成",
                  "open": "尚未完成（未到期）", "missing": "本次结果中无此条款"}



class Side(Model):
    community: str
    assessed_on: str | None
    pack: str
    pack_version: str
    evidence_sha256: str
    total: float
    total_text: str
    rating_id: str
    rating_label: str
    rating_stars: int


class ClauseChange(Model):
    id: str = Field(description="本次（current）结果中的条款编号")
    title: str | None
    previous_id: str | None = Field(None, description="经对照表对应的上次条款编号（规则包不同时）")
    previous_credit: float | None
    current_credit: float | None
    points_lost: float = Field(description="本次失分")
    previous_points_lost: float = Field(description="上次失分")


class CategoryChange(Model):
    id: str
    title: str
    previous: float
    current: float
    change: float

class Diff(Model):
    model_config = ConfigDict(title="两次评估的变化")

    previous: Side
    current: Side
    total_change: float
    rating_change: int = Field(description="等级升降档数：正为上升，负为下降，0 不变")
    categories: list[CategoryChange]
    fixed: list[ClauseChange]
    regressed: list[ClauseChange]
    persisting: list[ClauseChange]
    new: list[ClauseChange]
    only_previous: list[str] = Field(description="只在上次结果中的条款")
    only_current: list[str] = Field(description="只在本次结果中的条款")
    crosswalk: bool = Field(False, description="两次使用不同的规则包，经对照表比较")


class RowCheck(Model):
    row: int = Field(description="台账中的行号")
    clause: str
    owner: str | None
    deadline: str | None
    progress: str | None
    outcome: Outcome
    points_lost: float | None = Field(description="本次评估中该条款的失分（已整改为 0）")


class PlanCheck(Model):
    model_config = ConfigDict(title="整改台账核对")

    ledger: str
    assessed_on: str | None = Field(description="用于核对的评估日期")
    same_assessment: bool = Field(description="台账就是由这次评估生成的（尚无新的评估可核对）")
    rows: list[RowCheck]
    counts: dict[str, int]


class CommunityRef(Model):
    id: int
    name: str
    district: str | None
    street: str | None
    code: str | None


class ArchivedReview(Model):
    """The inspector's review an archived assessment was recorded with (its official figures)."""

    state: Literal["valid", "lapsed", "none"]
    reviewer: str | None = None
    reviewed_on: str | None = None
    total: float
    total_text: str = Field(description="复核后总分（显示值）")
    rating_label: str
    rating_stars: int
    difference: float = Field(description="复核后总分 − 自评总分")
    disagreements: int = Field(description="不同意的条款数")
    signed: bool = Field(description="复核已签署（有封印）")


class AssessmentRow(Model):
    id: int
    assessed_on: str
    name: str = Field(description="评估时的社区名称")
    pack_id: str
    pack_version: str
    total: float
    total_text: str
    rating_id: str
    rating_label: str
    rating_stars: int
    gaps: int
    change: float | None = Field(None, description="与上一次评估相比的总分变化")
    review: ArchivedReview | None = Field(None, description="记录时的复核；没有复核时为 null")


class CommunityHistory(Model):
    model_config = ConfigDict(title="社区评估历史")

    archive: str
    community: CommunityRef
    assessments: list[AssessmentRow]


class LatestRow(Model):
    community: CommunityRef
    assessments: int
    latest: AssessmentRow
    previous: AssessmentRow | None


class DistrictHistory(Model):
    model_config = ConfigDict(title="全区评估历史")

    archive: str
    district: str | None
    communities: list[LatestRow]


class CommunityChange(Model):
    path: str = Field(description="证据文件相对于区文件夹的路径")
    name: str
    previous_on: str | None = Field(None, description="上次评估日期；归档中没有更早的评估时为 null")
    previous_total_text: str | None = None
    previous_rating: str | None = None
    change: float | None = Field(None, description="总分变化")
    band_dropped: bool = False
    fixed: int = 0
    regressed: int = 0
    persisting: int = 0
    overdue: int | None = Field(None, description="整改台账中逾期未完成的项数；没有台账时为 null")
    contradicted: int | None = Field(None, description="整改台账中标记已完成但仍有差距的项数")
    ledger_error: str | None = None


class PersistingClause(Model):
    clause: str
    communities: int = Field(description="两次都有此项差距的社区数")


class DistrictChanges(Model):
    """What changed across the district since each community's previous assessment."""

    archive: str | None = Field(description="归档（不记录时为 null）")
    communities: list[CommunityChange]
    regressed: list[str] = Field(description="总分下降或等级降档的社区")
    persisting: list[PersistingClause] = Field(description="全区仍未整改最多的条款")
    warnings: list[str] = []

    @property
    def comparable(self) -> bool:
        """Whether any community has an earlier assessment or a ledger to compare with."""
        return any(c.previous_on is not None or c.overdue is not None or c.ledger_error for c in self.communities)

    def by_path(self) -> dict[str, CommunityChange]:
        """Each community's change, by evidence path."""
        return {c.path: c for c in self.communities}


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
