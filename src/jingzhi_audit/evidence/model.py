"""The evidence file a community fills in: who, when, declared facts and each clause's status.

These models check the shape of the file alone. Checks against the pack (clause IDs exist, facts
are declared and typed, N/A allowed, criteria named) are in ``evidence.loader``.
"""

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..models import Model
from ..pack.model import Text

Status = Literal["met", "partial", "not_met", "na"]

STATUS_WORDS: dict[str, Status] = {
    "met": "met", "partial": "partial", "not_met": "not_met", "na": "na",
    "not met": "not_met", "not-met": "not_met", "n/a": "na", "n.a.": "na",
    "达标": "met", "已达标": "met", "符合": "met",
    "部分达标": "partial", "基本达标": "partial", "部分符合": "partial",
    "未达标": "not_met", "不达标": "not_met", "不符合": "not_met",
    "不适用": "na", "无此项": "na",
}
ALLOWED_STATUS_TEXT = "met（达标）、partial（部分达标）、not_met（未达标）、na（不适用）"


def status_of(word: str) -> Status | None:
    """The status a word names (``达标``, ``Met``, ``n/a`` …), or None."""
    key = word.strip()
    return STATUS_WORDS.get(key) or STATUS_WORDS.get(key.lower())


def _status(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        found = status_of(value)
        if found is not None:
            return found
    raise ValueError(f"状态「{value}」不是可选值；可选值：{ALLOWED_STATUS_TEXT}")


def _optional_text(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _text_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str | dict):
        return [value]
    return value


def _clause_key(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) or type(value).__name__ == "Decimal":
        raise ValueError(f"条款编号 {value} 必须加引号，如 \"{value}\"（不加引号会被读成数字）")
    raise ValueError("条款编号必须是文本")


OptionalText = Annotated[Text | None, BeforeValidator(_optional_text)]
ClauseKey = Annotated[str, BeforeValidator(_clause_key)]




class Community(Model):
    name: Text = Field(description="社区名称")
    district: OptionalText = Field(None, description="区（市）")
    street: OptionalText = Field(None, description="街道（镇）")
    code: OptionalText = Field(None, description="社区代码")
    contact: OptionalText = Field(None, description="联系人及电话")


class Period(Model):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")


    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start > self.end:
            raise ValueError("评估期的开始日期（from）晚于结束日期（to）")
        return self


class Attachment(Model):
    """One piece of evidence: a file next to the evidence file, a paper ledger, or a web link."""

    path: OptionalText = Field(None, description="相对于证据文件的文件路径")
    paper: OptionalText = Field(None, description="纸质台账名称（现场核查）")
    url: OptionalText = Field(None, description="网页链接（不会被访问）")
    note: OptionalText = None
    dated: dt.date | None = Field(None, description="材料形成日期；不在评估期内时标记“佐证过期”")
    valid_until: dt.date | None = Field(None, description="材料有效期至；早于评估日期时标记“佐证过期”")

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        kinds = [k for k in ("path", "paper", "url") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("每项佐证须且只能写 path（文件）、paper（纸质台账）或 url（链接）之一")
        return self

    @property
    def key(self) -> str:
        """How the loader and the result name this attachment (paths with forward slashes)."""
        if self.path is not None:
            return self.path.replace("\\", "/")
        return self.paper or self.url or ""


def _attachment(value: Any) -> Any:
    if isinstance(value, str):
        return {"path": value}
    return value


AttachmentEntry = Annotated[Attachment, BeforeValidator(_attachment)]


class ClauseEntry(Model):
    status: Annotated[Status | None, BeforeValidator(_status)] = Field(
        None, description="met/达标、partial/部分达标、not_met/未达标、na/不适用；留空表示未评估")
    evidence: Annotated[list[AttachmentEntry], BeforeValidator(_text_list)] = Field(
        default_factory=list, description="佐证材料：文件路径，或 {paper: 纸质台账}、{url: 链接}")
    criteria_met: Annotated[list[Text], BeforeValidator(_text_list)] = Field(
        default_factory=list, description="部分达标时已达到的细项编号，如 [a, c]")
    note: OptionalText = Field(None, description="说明")
    reason: OptionalText = Field(None, description="不适用的理由", validate_default=True)
    approved_by: OptionalText = Field(None, description="不适用的审批人或审批单位（规则包要求审批的条款必填）")
    valid_until: dt.date | None = Field(None, description="不适用的有效期至；早于评估日期时视为未评估（不适用已过期）")

    @property
    def blank(self) -> bool:
        """Nothing filled in (the same as no entry)."""
        return (self.status is None and not self.evidence and not self.criteria_met
                and self.note is None and self.reason is None and self.approved_by is None
                and self.valid_until is None)

    @field_validator("reason")
    @classmethod
    def _na_reason(cls, reason: str | None, info: ValidationInfo) -> str | None:
        # a field validator (not a model one), so that the problem points at the reason itself
        if reason is None and info.data.get("status") == "na":
            raise ValueError("标为不适用（na）时必须填写理由（reason）")
        return reason


def _without_blanks(node: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in node.items():
        if isinstance(value, dict):
            value = _without_blanks(value)
            if not value:
                continue
        elif value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[key] = value
    return out


class EvidenceFile(Model):
    """A community's evidence file (``community.yaml``)."""

    model_config = ConfigDict(title="社区评估证据文件")

    standard: Text = Field(description="规则包 ID（如 jingzhi-2022）或规则包文件夹路径")
    community: Community
    assessed_on: dt.date | None = Field(None, description="评估日期")
    period: Period | None = Field(None, description="评估期 {from: 日期, to: 日期}")
    assessor: OptionalText = Field(None, description="评估人或评估小组")
    facts: dict[str, Any] = Field(default_factory=dict, description="社区数据，名称见规则包 facts")
    clauses: dict[ClauseKey, ClauseEntry | None] = Field(default_factory=dict)
    bonus: dict[ClauseKey, ClauseEntry | None] = Field(default_factory=dict)

    @field_validator("facts")
    @classmethod
    def _drop_blank_facts(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """A blank fact is a fact not provided (the template leaves them blank)."""
        return _without_blanks(facts)

    @field_validator("clauses", "bonus")
    @classmethod
    def _drop_blank(cls, entries: dict[str, ClauseEntry | None]) -> dict[str, ClauseEntry | None]:
        """A blank entry (as the template leaves it) is the same as no entry: not assessed. One
        canonical form, so that YAML, Excel and their conversions compare equal."""
        return {key: entry for key, entry in entries.items() if entry is not None and not entry.blank}
