"""Recording a graded result in the archive: one transaction per assessment, never a duplicate.

An ``Entry`` is the compact part of a result the archive indexes (community, dates, pack, totals,
gaps); the full result JSON is stored beside it as text. Batch workers build entries (cheap) and the
parent process records them, reading the JSON text the worker wrote.

Community identity: ``code:<社区代码>`` when the evidence gives a code, else
``name:<区>|<街道>|<名称>``. A renamed community with the same code stays one community (the
latest name is kept; each assessment keeps the name it was graded under). A code seen under
another district than before is recorded under the same code, and a warning says so.

Reviews: an assessment keeps the inspector's review (``review_json``: the result's ``review``
object) it was recorded with. The same evidence scored again with a new or changed review (a
review written after the self-assessment was recorded, or one that has since lapsed) is not a new
assessment: the recorded one takes the new review, and its stored result JSON with it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..result import Result
from .archive import Archive, assessments, communities, gaps


@dataclass(frozen=True)
class GapEntry:
    clause: str
    category: str
    reason: str
    points_lost: float
    credit: float


@dataclass(frozen=True)
class Entry:
    """What the archive indexes of one result (picklable: batch workers return it)."""

    name: str
    district: str | None
    street: str | None
    code: str | None
    assessed_on: str
    period_from: str | None
    period_to: str | None
    pack_id: str
    pack_version: str
    pack_sha256: str
    evidence_sha256: str
    evidence_path: str
    total: float
    total_text: str
    rating_id: str
    rating_label: str
    rating_stars: int
    generated_at: str
    gaps: tuple[GapEntry, ...] = field(default_factory=tuple)
    review_json: str | None = None  # the result's review object, when it was scored with a review

    @property
    def identity(self) -> str:
        """The community's identity: its code, else district, street and name."""
        return identity_of(self.name, self.district, self.street, self.code)


def identity_of(name: str, district: str | None, street: str | None, code: str | None) -> str:
    """A community's key: its code when given, else district, street and name."""
    if code and code.strip():
        return f"code:{code.strip()}"
    return "name:" + "|".join((part or "").strip() for part in (district, street, name))


def entry_from_result(result: Result) -> Entry:
    """The archive entry of a result."""
    period = result.period or {}
    return Entry(
        name=result.community.name, district=result.community.district, street=result.community.street,
        code=result.community.code, assessed_on=result.assessed_on or result.generated_at[:10],
        period_from=period.get("from"), period_to=period.get("to"),
        pack_id=result.pack.id, pack_version=result.pack.version, pack_sha256=result.pack.sha256,
        evidence_sha256=result.evidence.sha256, evidence_path=result.evidence.path,
        total=result.total, total_text=result.total_text, rating_id=result.rating.id,
        rating_label=result.rating.label, rating_stars=result.rating.stars, generated_at=result.generated_at,
        gaps=tuple(GapEntry(g.clause, g.category, g.reason, g.points_lost, g.credit) for g in result.gaps),
        review_json=result.review.model_dump_json() if result.review is not None else None,
    )


@dataclass(frozen=True)
class Previous:
    """The assessment before a recorded one, in the community's order (date, then recording)."""

    id: int
    assessed_on: str
    total: float
    total_text: str
    rating_label: str
    rating_stars: int


@dataclass(frozen=True)
class Recorded:
    """The outcome of recording one result."""

    assessment_id: int
    community_id: int
    created: bool  # False: the same evidence (and pack) was already recorded for this community
    warnings: list[str]
    previous: Previous | None = None
    review_updated: bool = False  # not created, but the recorded assessment took this run's review


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def record(archive: Archive, entry: Entry, result_json: str) -> Recorded:
    """Record one result in its own transaction (all of it, or nothing)."""
    for attempt in range(3):
        try:
            with archive.writing() as conn:
                return record_in(conn, entry, result_json)
        except IntegrityError:
            # PostgreSQL: another process inserted the same community or assessment between our
            # read and our insert (SQLite's BEGIN IMMEDIATE serialises writers, so never there).
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# Statements built once: a batch records hundreds of communities, and building (and keying) a
# new statement object per execution costs more than the database work itself.
_FIND_COMMUNITY = select(communities.c.id, communities.c.name, communities.c.district).where(
    communities.c.identity == bindparam("identity"))
_ADD_COMMUNITY = insert(communities).returning(communities.c.id)
_TOUCH = update(communities).where(communities.c.id == bindparam("cid")).values(last_recorded=bindparam("now"))
_RENAME = update(communities).where(communities.c.id == bindparam("cid")).values(
    last_recorded=bindparam("now"), name=bindparam("new_name"), district=bindparam("new_district"),
    street=bindparam("new_street"))
_HISTORY = select(assessments.c.id, assessments.c.assessed_on, assessments.c.total, assessments.c.total_text,
                  assessments.c.rating_label, assessments.c.rating_stars, assessments.c.evidence_sha256,
                  assessments.c.pack_sha256).where(assessments.c.community_id == bindparam("cid")).order_by(
    assessments.c.assessed_on, assessments.c.recorded_at, assessments.c.id)
_ADD_ASSESSMENT = insert(assessments).returning(assessments.c.id)
_STORED_REVIEW = select(assessments.c.review_json).where(assessments.c.id == bindparam("aid"))
_SET_REVIEW = update(assessments).where(assessments.c.id == bindparam("aid")).values(
    review_json=bindparam("review_json"), result_json=bindparam("result_json"))
_ADD_GAPS = insert(gaps)


def record_in(conn: Connection, entry: Entry, result_json: str) -> Recorded:
    """Record one result inside the caller's transaction."""
    now = _now()
    community_id, warnings, history = _community(conn, entry, now)
    for k, row in enumerate(history):
        if (row[6], row[7]) == (entry.evidence_sha256, entry.pack_sha256):
            updated = _take_review(conn, int(row[0]), entry, result_json)
            return Recorded(int(row[0]), community_id, False, warnings, _previous(history[:k]), updated)
    inserted = conn.execute(_ADD_ASSESSMENT, {
        "community_id": community_id, "assessed_on": entry.assessed_on, "period_from": entry.period_from,
        "period_to": entry.period_to, "community_name": entry.name, "district": entry.district,
        "street": entry.street, "pack_id": entry.pack_id, "pack_version": entry.pack_version,
        "pack_sha256": entry.pack_sha256, "evidence_sha256": entry.evidence_sha256,
        "evidence_path": entry.evidence_path, "total": entry.total, "total_text": entry.total_text,
        "rating_id": entry.rating_id, "rating_label": entry.rating_label, "rating_stars": entry.rating_stars,
        "gap_count": len(entry.gaps), "generated_at": entry.generated_at, "recorded_at": now,
        "result_json": result_json, "review_json": entry.review_json,
    })
    assessment_id = int(inserted.scalar_one())
    if entry.gaps:
        conn.execute(_ADD_GAPS, [
            {"assessment_id": assessment_id, "clause": g.clause, "category": g.category, "reason": g.reason,
             "points_lost": g.points_lost, "credit": g.credit} for g in entry.gaps])
    # the new assessment comes after every earlier-recorded one of the same date or before
    earlier = [row for row in history if row[1] <= entry.assessed_on]
    return Recorded(assessment_id, community_id, True, warnings, _previous(earlier))


def _take_review(conn: Connection, assessment_id: int, entry: Entry, result_json: str) -> bool:
    """Give a recorded assessment this run's review when it differs from the one it has. A run
    without a review never removes one (the review file may simply not be beside this copy)."""
    if entry.review_json is None:
        return False
    stored = conn.execute(_STORED_REVIEW, {"aid": assessment_id}).scalar()
    if stored is not None and _same_review(stored, entry.review_json):
        return False
    conn.execute(_SET_REVIEW, {"aid": assessment_id, "review_json": entry.review_json, "result_json": result_json})
    return True


def _same_review(a: str, b: str) -> bool:
    """The same review in the same state: equal but for the path it was read from (a batch and an
    ``audit score`` name one file differently)."""
    first, second = json.loads(a), json.loads(b)
    first.pop("path", None)
    second.pop("path", None)
    return bool(first == second)


def _previous(rows: Sequence[Any]) -> Previous | None:
    if not rows:
        return None
    row = rows[-1]
    return Previous(int(row[0]), row[1], row[2], row[3], row[4], int(row[5]))


def _community(conn: Connection, entry: Entry, now: str) -> tuple[int, list[str], Sequence[Any]]:
    """The community's id (created when new), the warnings its identity raises, its assessments so far."""
    key = entry.identity
    found = conn.execute(_FIND_COMMUNITY, {"identity": key}).first()
    if found is None:
        created = conn.execute(_ADD_COMMUNITY, {
            "identity": key, "code": entry.code.strip() if entry.code else None, "name": entry.name,
            "district": entry.district, "street": entry.street, "first_recorded": now, "last_recorded": now})
        return int(created.scalar_one()), [], []
    community_id, old_name, old_district = int(found[0]), found[1], found[2]
    warnings = []
    if entry.code and (old_district or "") != (entry.district or ""):
        warnings.append(f"社区代码 {entry.code.strip()} 在归档中属于「{old_district or '未填写区（市）'}」的{old_name}，"
                        f"本次为「{entry.district or '未填写区（市）'}」的{entry.name}：已按同一社区（同一代码）记录，"
                        "请核实社区代码是否填错")
    history = conn.execute(_HISTORY, {"cid": community_id}).all()
    latest = history[-1][1] if history else None
    # the community is known by its latest name (an older year recorded later does not rename it back)
    if latest is None or entry.assessed_on >= latest:
        conn.execute(_RENAME, {"cid": community_id, "now": now, "new_name": entry.name,
                               "new_district": entry.district, "new_street": entry.street})
    else:
        conn.execute(_TOUCH, {"cid": community_id, "now": now})
    return community_id, warnings, history
