"""The result object: computed once by ``scoring.score``, drawn by every renderer, never recomputed.

It carries everything a report shows (texts, guidance, flags, hashes), so that a saved result JSON
can be rendered later without the pack. Numbers are rounded to 4 decimals; the ``*_text`` fields
are the one-decimal figures a person reads, apportioned so that they add up as printed.
Published as JSON Schema by ``audit schema result``.
"""

from typing import Literal

from pydantic import ConfigDict, Field

from ..models import Model

RESULT_FORMAT = 2
"""2: rating gates, per-criterion checks, the k/n rule for partial credit, threshold bases."""

ClauseStatus = Literal["met", "partial", "not_met", "na", "unassessed"]
ClauseFlag = Literal["unevidenced", "missing_attachment", "mismatch", "unverified", "unassessed", "verified",
                     "na_expired", "na_unapproved", "stale_evidence"]
CategoryFlag = Literal["insufficient_basis", "all_na"]
GapReason = Literal["not_met", "partial", "unevidenced", "mismatch", "unassessed"]

FLAG_LABELS: dict[str, str] = {
    "unevidenced": "缺少佐证",
    "missing_attachment": "佐证文件缺失",
    "mismatch": "自评与数据不符",
    "unverified": "无法核验",
    "unassessed": "未评估",
    "verified": "数据核验一致",
    "na_expired": "不适用已过期",
    "na_unapproved": "不适用未审批",
    "stale_evidence": "佐证过期",
    "insufficient_basis": "依据不足",
    "all_na": "全部不适用",
}
REASON_LABELS: dict[str, str] = {
    "not_met": "未达标",
    "partial": "部分达标",
    "unevidenced": "缺少佐证",
    "mismatch": "自评与数据不符",
    "unassessed": "未评估",
}
STATUS_LABELS: dict[str, str] = {
    "met": "达标", "partial": "部分达标", "not_met": "未达标", "na": "不适用", "unassessed": "未评估",
}
STARS = {0: "", 1: "★", 2: "★★", 3: "★★★", 4: "★★★★", 5: "★★★★★"}




class ToolInfo(Model):
    name: str = "jingzhi-audit"
    version: str


FigureBasis = Literal["stated", "borrowed", "norm", "estimated"]


class GateInfo(Model):
    """A rating band's extra condition, as the pack states it (for the scoring-method section)."""

    id: str
    label: str = Field(description="条件，如“五项满意率均达到90%以上”")
    message: str = Field(description="不成立时的说明，如“满意率未全部达到90%”")
    check: str
    source: str = Field(description="出处（文献与引文，或重构理由）")


class RatingBand(Model):
    id: str
    label: str
    stars: int
    min_total: float | None = None
    min_category_ratio: float | None = None
    gates: list[GateInfo] = []


class PackInfo(Model):
    id: str
    title: str
    code: str | None = None
    issuer: str | None = None
    version: str
    provenance: Literal["official", "reconstructed"]
    provenance_note: str | None = None
    sha256: str
    total_points: float
    partial_credit: float
    na_cap: float
    na_cap_rating: str | None = None
    bonus_cap: float
    ratings: list[RatingBand]


class Attachment(Model):
    kind: Literal["file", "paper", "url"]
    path: str
    exists: bool | None = None
    sha256: str | None = None
    size: int | None = None


class EvidenceInfo(Model):
    path: str
    sha256: str
    encoding: str
    attachments: list[Attachment] = Field(description="证据文件中列出的全部佐证（去重）")


class CommunityInfo(Model):
    name: str
    district: str | None = None
    street: str | None = None
    code: str | None = None


class GateResult(Model):
    """The rating gate that held a community back from a higher band."""

    id: str
    band: str = Field(description="设置该条件的等级")
    label: str
    held: bool | None = Field(description="false 不成立；null 数据不全，无法判断（按不成立处理）")
    missing_facts: list[str] = []
    message: str = Field(description="完整说明，如“满意率未全部达到90%，等级最高为合格”")


class RatingResult(Model):
    id: str
    label: str
    stars: int
    capped_by: Literal["veto", "na_cap", "gate"] | None = Field(
        None, description="因一票否决、不适用比例过高或等级条件（gates）不成立而降到此等级")
    uncapped: str | None = Field(None, description="未受限制时本应得到的等级")
    gate: GateResult | None = Field(None, description="使本社区未能评为更高等级的等级条件")


class VetoResult(Model):
    id: str
    title: str
    triggered: bool | None = Field(description="true 触发；false 未触发；null 缺少数据无法判断")
    missing_facts: list[str] = []


class CategoryResult(Model):
    id: str
    title: str
    theme: str | None = None
    points: float
    applicable: float
    na_points: float
    na_exempt: float = Field(0, description="不适用分值中试点条款（pilot）的部分：不计入“依据不足”的比例")
    earned: float
    ratio: float | None
    score: float = Field(description="折算得分 = 得分率 × 本类分值，四舍五入到 4 位小数")
    score_text: str = Field(description="显示用的一位小数；各类之和等于 total_text（最大余数法，个别末位可能调整 0.1）")
    flags: list[CategoryFlag] = []
    counts: dict[str, int] = Field(description="各状态条款数：met/partial/not_met/na/unassessed")


class ItemResult(Model):
    id: str
    category: str
    title: str
    points: float
    applicable: float
    earned: float


class AutoCheck(Model):
    kind: Literal["check", "measure"]
    decides: Literal["clause", "necessary", "criterion"] = Field(
        "clause", description="clause 数据决定整条；necessary 必要条件；criterion 只决定一个细项")
    expression: str
    facts: dict[str, float | int | bool | None]
    missing_facts: list[str] = []
    value: float | bool | None = None
    computed_credit: float | None = None
    error: str | None = None


class Criterion(Model):
    id: str
    text: str
    met: bool = Field(description="最终是否计为达到：自评（达标为全部、部分达标为所列细项），数据齐全的细项检查以数据为准")
    auto: AutoCheck | None = None


class ClauseResult(Model):
    id: str
    category: str
    item: str
    title: str | None
    text: str
    points: float
    method: list[str]
    evidence_required: bool
    evidence_hint: str
    figure_basis: FigureBasis | None = Field(
        None, description="自动检查所用阈值的依据（取最弱者）：stated/borrowed/norm/estimated（工具推定）")
    status: ClauseStatus = Field(description="自评状态；未填写为 unassessed")
    credit: float = Field(description="最终得分比例 0–1")
    earned: float = Field(description="条款得分（未按不适用折算）= points × credit")
    potential: float | None = Field(None, description="缺少佐证时，补齐佐证后可得的分数")
    flags: list[ClauseFlag] = []
    auto: AutoCheck | None = None
    criteria: list[Criterion] = []
    evidence: list[Attachment] = []
    note: str | None = None
    reason: str | None = Field(None, description="不适用理由")
    guidance: str


class Gap(Model):
    clause: str
    category: str
    item: str
    title: str | None
    text: str
    status: ClauseStatus
    reason: GapReason
    credit: float
    points: float
    points_lost: float = Field(description="失分 = 条款分值 × (1 − 得分比例) × 本类分值 / 本类适用分值")
    figure_basis: FigureBasis | None = Field(None, description="同 ClauseResult.figure_basis")
    guidance: str


class FlagCounts(Model):
    unevidenced: int = 0
    missing_attachment: int = 0
    mismatch: int = 0
    unverified: int = 0
    unassessed: int = 0
    na: int = 0


REVIEW_STATE_LABELS: dict[str, str] = {"valid": "复核有效", "lapsed": "复核已失效", "none": "未复核"}


class ReviewCategory(Model):
    id: str
    title: str
    self_score_text: str = Field(description="自评得分（显示值）")
    score_text: str = Field(description="复核后得分（显示值）")
    self_score: float
    score: float
    difference: float = Field(description="复核后 − 自评")


class Disagreement(Model):
    clause: str
    title: str | None
    self_status: ClauseStatus
    status: ClauseStatus = Field(description="复核认定的状态")
    criteria_met: list[str] = []
    comment: str
    difference: float = Field(description="分差（复核后 − 自评）：该条对总分的贡献之差（条款得分 × 本类分值 ÷ 本类适用分值）")


class ReviewSeal(Model):
    signed_by: str
    signed_on: str
    sha256: str
    intact: bool = Field(description="评分时按当前文件重算的封印与签署时一致")


class ReviewSummary(Model):
    """The inspector's review beside the self-assessment: the reviewed (official) figures."""

    path: str = Field(description="复核文件")
    sha256: str = Field(description="复核文件的 SHA-256")
    reviewer: str | None = None
    organization: str | None = None
    reviewed_on: str | None = None
    state: Literal["valid", "lapsed", "none"]
    lapsed_because: list[str] = Field([], description="复核失效的原因（证据或佐证在复核后改动）")
    reviewed_clauses: int = Field(description="已给出复核结论的条款数")
    total: float
    total_text: str
    difference: float = Field(description="复核后总分 − 自评总分")
    rating: RatingResult
    categories: list[ReviewCategory]
    disagreements: list[Disagreement] = Field(description="不同意的条款，分差绝对值大的在前")
    seal: ReviewSeal | None = None


class Result(Model):
    """The outcome of scoring one community against one pack."""

    model_config = ConfigDict(title="社区评估结果")

    format: int = RESULT_FORMAT
    tool: ToolInfo
    pack: PackInfo
    evidence: EvidenceInfo
    community: CommunityInfo
    assessed_on: str | None = None
    period: dict[str, str] | None = None
    assessor: str | None = None
    total: float
    total_text: str
    total_points: float
    bonus: float = Field(0, description="计入总分的加分（封顶后）")
    bonus_text: str = Field("0.0", description="加分的显示值：各类 score_text 之和 + bonus_text = total_text")
    complete: bool
    rating: RatingResult
    vetoes: list[VetoResult]
    categories: list[CategoryResult]
    items: list[ItemResult]
    clauses: list[ClauseResult]
    gaps: list[Gap]
    flag_counts: FlagCounts
    facts: dict[str, float | int | bool] = Field(description="申报的数据项（已换算为数值）")
    generated_at: str
    review: ReviewSummary | None = Field(None, description="复核（街道/区）的结论与复核后得分；没有复核文件时为 null")


def stars(count: int) -> str:
    """★ for each star."""
    return STARS.get(count, "")
