"""The rule-pack format: pydantic models of ``pack.yaml`` and of one category file.

Unknown keys are rejected everywhere (``extra="forbid"``) so that a misspelt key is an error that
names it. These models check the shape of one file; rules that span files (unique IDs, points
adding up, expressions naming declared facts) live in ``pack.rules``.
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from ..models import Model

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Method = Literal["查阅资料", "现场查看", "问卷调查", "数据核验", "座谈访谈"]
FactType = Literal["integer", "number", "ratio", "boolean"]
METHODS: tuple[str, ...] = Method.__args__  # type: ignore[attr-defined]


def _quoted_id(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float | Decimal):
            raise ValueError(
                f"编号必须写成带引号的文本，如 \"{value}\"（不加引号时 5.10 会被读成数字 5.1）"
            )
        raise ValueError("编号必须是文本")
    return value


def _text_version(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise ValueError(f"版本号必须加引号，如 \"{value}\"（不加引号会被读成数字）")
    return value


def _half_points(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("分值必须大于 0")
    if (value * 2) % 1 != 0:
        raise ValueError(f"分值 {value} 不是 0.5 的整数倍")
    return value


NumericId = Annotated[
    str, BeforeValidator(_quoted_id), StringConstraints(pattern=r"^[1-9][0-9]*(\.[1-9][0-9]*)*$")
]
Slug = Annotated[str, BeforeValidator(_quoted_id), StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


RECONSTRUCTED_NOTE = "条款措辞为依据公开资料所作的工作性重构，非正式文本"
"""What every output of a ``provenance: reconstructed`` pack says about its clause wording."""


def id_order(ident: str) -> tuple[int, ...]:
    """A numeric ID as numbers, for sorting: ``5.10`` comes after ``5.9``."""
    return tuple(int(part) for part in ident.split("."))


Points = Annotated[Decimal, AfterValidator(_half_points)]
Unit = Annotated[Decimal, Field(ge=0, le=1)]




class Source(Model):
    """Where a requirement or a number comes from: a quoted sentence of a document, or a reason."""

    doc: Slug | None = Field(None, description="pack.yaml 中 documents 的键")
    quote: Text | None = Field(None, description="文件原文中的一句（documents 有 file 时会逐字核对）")
    note: Text | None = Field(None, description="补充说明，如“频次为推定”")
    reconstructed: Text | None = Field(None, description="无原文依据时，说明重构理由")

    @model_validator(mode="after")
    def _one_basis(self) -> Self:
        if self.reconstructed is not None:
            if self.doc is not None or self.quote is not None:
                raise ValueError("source 不能同时写 doc/quote 和 reconstructed，二选一")
        elif self.doc is None:
            raise ValueError("source 需要 doc（及 quote 或 note），或者 reconstructed（重构理由）")
        elif self.quote is None and self.note is None:
            raise ValueError("source 写了 doc，还需要 quote（原文）或 note（说明）")
        return self


class DocumentRef(Model):
    title: Text
    publisher: Text | None = None
    date: dt.date | None = None
    file: Text | None = Field(None, description="相对于规则包文件夹的原文文本路径")
    url: Text | None = None
    note: Text | None = None


class Expect(Model):
    categories: int = Field(ge=1)
    items: int = Field(ge=1)
    clauses: int = Field(ge=1)


class FactDef(Model):
    type: FactType
    label: Text
    unit: Text | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    help: Text | None = None

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min 不能大于 max")
        if self.type == "boolean" and (self.min is not None or self.max is not None):
            raise ValueError("是/否（boolean）类型的数据项不能设置 min/max")
        return self


ThresholdBasis = Literal["stated", "borrowed", "norm", "estimated"]
BASIS_LABELS: dict[str, str] = {
    "stated": "标准原文", "borrowed": "他地文件", "norm": "国家或省级规范", "estimated": "工具推定",
}
"""What a threshold rests on: the standard's own words, another named document, a national or
provincial norm, or the tool's own working figure (printed 「工具推定」 wherever it is used)."""


class Threshold(Model):
    value: Decimal
    label: Text
    unit: Text | None = None
    basis: ThresholdBasis = Field(description=(
        "stated 标准原文所定；borrowed 取自其他地区文件（source.doc 须注明）；"
        "norm 国家或省级规范（source.doc 须注明）；estimated 本工具推定"))
    source: Source


ThresholdName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class ScaleStep(Model):
    at_least: Decimal | ThresholdName | None = Field(None, description="数值或阈值名称")
    at_most: Decimal | ThresholdName | None = Field(None, description="数值或阈值名称")
    credit: Unit

    @model_validator(mode="after")
    def _one_bound(self) -> Self:
        if self.at_least is not None and self.at_most is not None:
            raise ValueError("一档只能写 at_least 或 at_most 之一")
        return self

    @property
    def bound(self) -> Decimal | str | None:
        """The step's bound (at_least or at_most), if any."""
        return self.at_least if self.at_least is not None else self.at_most


class Scale(Model):
    """Stepped credit over a measured value; bounds may name pack thresholds.

    Ordering is checked by ``pack.rules`` once threshold names are resolved to numbers.
    """

    label: Text | None = None
    steps: list[ScaleStep] = Field(min_length=1)
    source: Source

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if any(s.bound is None for s in self.steps[:-1]):
            raise ValueError("只有最后一档可以不写界限（兜底档）")
        if any(s.at_least is not None for s in self.steps) and any(s.at_most is not None for s in self.steps):
            raise ValueError("同一分档表不能混用 at_least 和 at_most")
        return self

    def credit_for(self, value: Any) -> Fraction:
        """The credit of the first step that ``value`` satisfies (0 when none does).

        Only meaningful on a resolved scale (every bound a number), as ``Pack.scales`` holds.
        """
        for step in self.steps:
            if step.at_least is not None:
                if value >= Fraction(step.at_least):
                    return Fraction(step.credit)
            elif step.at_most is not None:
                if value <= Fraction(step.at_most):
                    return Fraction(step.credit)
            else:
                return Fraction(step.credit)
        return Fraction(0)


class Criterion(Model):
    id: Slug
    text: Text
    check: Text | None = Field(None, description="真假表达式：数据齐全时由数据决定本细项是否达到（只决定本细项）")


Decides = Literal["clause", "necessary"]


class Clause(Model):
    id: NumericId
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)] | None = None
    text: Text
    points: Points
    method: list[Method] = Field(min_length=1)
    evidence_required: bool = True
    evidence_hint: Text
    guidance: Text
    source: Source
    criteria: list[Criterion] | None = Field(None, min_length=2)
    check: Text | None = Field(None, description="真假表达式，如 facts.social_organizations >= thresholds.social_organizations_min")
    decides: Decides | None = Field(None, description=(
        "检查式的作用（写了 check 就必须写）：clause 数据决定整条条款；necessary 必要条件——"
        "不成立得 0 分，成立则以自评为准"))
    measure: Text | None = Field(None, description="数值表达式，配合 scale 分档计分")
    scale: Slug | Scale | None = Field(None, description="pack.yaml 中 scales 的名称，或内联分档表")
    na_allowed: bool = True
    na_requires_approval: bool = Field(
        False, description="标为不适用须经街道/区审批：证据中未填写 approved_by 时标记“不适用未审批”")
    pilot: bool = Field(False, description="试点性要求：标为不适用时不计入“依据不足”的不适用比例")

    @model_validator(mode="after")
    def _automatic(self) -> Self:
        if self.check is not None and self.measure is not None:
            raise ValueError("check 和 measure 只能写一个")
        if self.check is not None and self.decides is None:
            raise ValueError("写了 check，还需要 decides：clause（数据决定整条）或 necessary（必要条件）")
        if self.check is None and self.decides is not None:
            raise ValueError("decides 只用于条款的 check")
        if self.check is not None and any(c.check for c in self.criteria or ()):
            raise ValueError("条款的 check 与细项的 check 不能同时使用：只写在细项上，数据只决定该细项")
        if self.measure is not None and self.scale is None:
            raise ValueError("写了 measure，还需要 scale（分档表）")
        if self.scale is not None and self.measure is None:
            raise ValueError("写了 scale，还需要 measure（数值表达式）")
        return self


class Item(Model):
    id: NumericId
    title: Text
    summary: Text | None = None
    clauses: list[Clause] = Field(min_length=1)


class Category(Model):
    """One category file, e.g. ``05-社区队伍.yaml``."""

    model_config = ConfigDict(title="规则包分类文件（如 05-社区队伍.yaml）")

    id: NumericId
    title: Text
    theme: Text | None = None
    points: Points
    items: list[Item] = Field(min_length=1)


class Veto(Model):
    id: Slug
    title: Text
    check: Text
    source: Source | None = None
    guidance: Text | None = None


class Gate(Model):
    """A condition a rating band requires besides its points, e.g. every satisfaction rate ≥ 90%."""

    id: Slug
    check: Text = Field(description="真假表达式，可引用 facts.<数据项>、thresholds.<阈值> 和 categories.c<类编号>（该类得分率 0–1）")
    label: Text = Field(description="条件本身，如“五项满意率均达到90%以上”")
    message: Text = Field(description="条件不成立时的说明，如“满意率未全部达到90%”（后接“，等级最高为……”）")
    source: Source


class Rating(Model):
    id: Slug
    label: Text
    stars: int = Field(ge=0, le=5)
    min_total: Decimal | None = Field(None, ge=0)
    min_category_ratio: Unit | None = None
    gates: list[Gate] = Field([], description="本等级另须满足的条件；任一不成立或数据不全时不能评为本等级")


class Bonus(Model):
    id: Slug
    title: Text
    points: Points
    check: Text | None = None
    evidence_required: bool = True
    evidence_hint: Text | None = None
    source: Source
    guidance: Text | None = None


FactName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]


class Vocabulary(Model):
    """``standards/vocabulary.yaml``: facts shared by every pack, so one evidence file serves all."""

    model_config = ConfigDict(title="共享数据项词表 vocabulary.yaml")

    facts: dict[FactName, FactDef]


class PackMeta(Model):
    """``pack.yaml``: metadata, settings, facts, thresholds, vetoes and ratings."""

    model_config = ConfigDict(title="规则包 pack.yaml")

    id: Slug
    title: Text
    code: Text | None = None
    issuer: Text | None = None
    owners: list[Text] = []
    published: dt.date | None = None
    effective: dt.date | None = None
    version: Annotated[Text, BeforeValidator(_text_version)]
    provenance: Literal["official", "reconstructed"]
    provenance_note: Text | None = None
    expect: Expect | None = None
    total_points: Points = Decimal(100)
    partial_credit: Unit = Decimal("0.5")
    na_cap: Unit = Decimal("0.2")
    na_cap_rating: Slug | None = None
    bonus_cap: Decimal = Field(Decimal(5), ge=0)
    expired_evidence_credit: bool = Field(
        False, description="过期或不在评估期内的佐证是否仍可得分（默认不可：视为没有该佐证）")
    documents: dict[Slug, DocumentRef] = {}
    vocabulary: Text | None = Field(None, description="共享数据项词表的路径（相对于规则包文件夹），如 ../vocabulary.yaml")
    facts: dict[FactName, FactDef] = Field({}, description="本规则包特有的数据项（共享词表中已有的不要重复定义）")
    thresholds: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], Threshold] = {}
    scales: dict[Slug, Scale] = {}
    vetoes: list[Veto] = []
    ratings: list[Rating] = Field(min_length=1)
    bonus: list[Bonus] = []
