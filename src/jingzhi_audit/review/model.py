"""The review file an inspector fills in (``community.review.yaml``): a verdict per clause.

A review sits beside the self-assessment and never replaces it: it names the evidence file and the
SHA-256 of the bytes it reviewed, records each attachment's SHA-256 as it was, and per clause gives
``verdict: 同意|不同意`` — with a corrected ``status`` (and ``criteria_met``) and a ``comment`` when
it disagrees. ``audit review sign`` adds the ``seal`` block. Checks against the pack and the
evidence (clause IDs, statuses the clause allows) are in ``review.load``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from ..evidence.model import ClauseKey, OptionalText, Status, _status, _text_list
from ..pack.model import Text

Verdict = Literal["agree", "disagree"]
VERDICT_WORDS: dict[str, Verdict] = {"同意": "agree", "agree": "agree", "不同意": "disagree", "disagree": "disagree"}
VERDICT_LABELS: dict[str, str] = {"agree": "同意", "disagree": "不同意"}
Sha256 = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[0-9a-f]{64}$")]


def verdict_of(word: str) -> Verdict | None:
    """The verdict a word names (``同意``, ``Disagree`` …), or None."""
    key = word.strip()
    return VERDICT_WORDS.get(key) or VERDICT_WORDS.get(key.lower())


def _verdict(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and (found := verdict_of(value)) is not None:
        return found
    raise ValueError(f"复核结论「{value}」不是可选值；可选值：同意（agree）、不同意（disagree）")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reviewer(Model):
    name: OptionalText = Field(None, description="复核人")
    organization: OptionalText = Field(None, description="复核单位（街道、区民政局等）")
    reviewed_on: dt.date | None = Field(None, description="复核日期")


class ReviewEntry(Model):
    """The reviewer's verdict on one clause."""

    verdict: Annotated[Verdict | None, BeforeValidator(_verdict)] = Field(
        None, description="同意/agree 或 不同意/disagree；留空表示本条未复核")
    status: Annotated[Status | None, BeforeValidator(_status)] = Field(
        None, description="不同意时复核认定的状态：达标、部分达标、未达标、不适用", validate_default=True)
    criteria_met: Annotated[list[Text], BeforeValidator(_text_list)] = Field(
        default_factory=list, description="复核认定为部分达标时已达到的细项，如 [a]")
    comment: OptionalText = Field(None, description="复核意见（不同意时必填）", validate_default=True)

    @property
    def blank(self) -> bool:
        """Nothing filled in (the same as no entry)."""
        return self.verdict is None and self.status is None and not self.criteria_met and self.comment is None

    @field_validator("status")
    @classmethod
    def _status_with_verdict(cls, status: str | None, info: ValidationInfo) -> str | None:
        if "verdict" not in info.data:  # the verdict itself is wrong: one message, about it
            return status
        verdict = info.data["verdict"]
        if verdict == "disagree" and status is None:
            raise ValueError("复核结论为不同意时必须填写复核认定的状态（status）")
        if verdict == "agree" and status is not None:
            raise ValueError("复核结论为同意时不填写 status（同意即认可自评状态）；如不认可请改为不同意")
        if verdict is None and status is not None:
            raise ValueError("填写了 status，还需要复核结论 verdict: 不同意")
        return status

    @field_validator("comment")
    @classmethod
    def _comment_with_verdict(cls, comment: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("verdict") == "disagree" and comment is None:
            raise ValueError("复核结论为不同意时必须填写复核意见（comment），说明理由")
        return comment


class Seal(Model):
    """Written by ``audit review sign``: who signed, when, and the SHA-256 seal over what was reviewed."""

    signed_by: Text = Field(description="签署人（复核人）")
    signed_on: dt.date = Field(description="签署日期")
    algorithm: Literal["sha256"] = "sha256"
    evidence_sha256: Sha256
    pack_sha256: Sha256
    attachments: dict[str, Sha256 | None] = Field(default_factory=dict, description="签署时各佐证文件的 SHA-256")
    sha256: Sha256 = Field(description="封印：证据、佐证、规则包与复核内容（不含本块）的 SHA-256")


class ReviewFile(Model):
    """An inspector's review of one evidence file (``<name>.review.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="复核文件")

    evidence: Text = Field(description="所复核的证据文件（相对于本文件的路径）")
    evidence_sha256: Sha256 = Field(description="复核时证据文件的 SHA-256（audit review init 填写，勿改）")
    reviewer: Reviewer = Field(default_factory=Reviewer, description="复核人、单位、复核日期")
    attachments: dict[str, Sha256 | None] = Field(
        default_factory=dict, description="复核时各佐证文件的 SHA-256（null 表示当时文件不存在；勿改）")
    clauses: dict[ClauseKey, ReviewEntry | None] = Field(default_factory=dict, description="各条款的复核结论")
    seal: Seal | None = Field(None, description="签署封印（由 audit review sign 写入，勿手工填写）")

    @field_validator("clauses")
    @classmethod
    def _drop_blank(cls, entries: dict[str, ReviewEntry | None]) -> dict[str, ReviewEntry | None]:
        """A clause left as the template leaves it is a clause not reviewed."""
        return {key: entry for key, entry in entries.items() if entry is not None and not entry.blank}

    @property
    def verdicts(self) -> dict[str, ReviewEntry]:
        """The clauses with a verdict."""
        return {key: entry for key, entry in self.clauses.items() if entry is not None and entry.verdict}

