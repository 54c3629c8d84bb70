"""Reading the archive: a community's assessments in order, the district's latest changes, a stored result.

Assessments of a community are ordered by assessment date, then by when they were recorded.
Every query here reads only the indexed columns and the review an assessment was recorded with,
except ``stored_result`` (one full result JSON).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, func, select

from ..errors import ArchiveError
from ..exact import r4
from ..result import Result
from ..result.cycle import (
    ArchivedReview,
    AssessmentRow,
    CommunityHistory,
    CommunityRef,
    DistrictHistory,
    LatestRow,
)
from .archive import Archive, assessments, communities

_ROW_COLUMNS = (assessments.c.id, assessments.c.assessed_on, assessments.c.community_name, assessments.c.pack_id,
                assessments.c.pack_version, assessments.c.total, assessments.c.total_text, assessments.c.rating_id,
                assessments.c.rating_label, assessments.c.rating_stars, assessments.c.gap_count, assessments.c.review_json)
_ORDER = (assessments.c.assessed_on, assessments.c.recorded_at, assessments.c.id)


def _row(values: Sequence[Any], change: float | None = None) -> AssessmentRow:
    (id_, on, name, pack_id, version, total, text, rating_id, label, stars, gap_count, review) = values
    return AssessmentRow(id=id_, assessed_on=on, name=name, pack_id=pack_id, pack_version=version, total=total,
                         total_text=text, rating_id=rating_id, rating_label=label, rating_stars=stars,
                         gaps=gap_count, change=change, review=_review(review))


def _review(stored: str | None) -> ArchivedReview | None:
    """The figures of a recorded review (``review_json``); None without one, or when it is unreadable."""
    if not stored:
        return None
    try:
        data = json.loads(stored)
        rating = data["rating"]
        return ArchivedReview(
            state=data["state"], reviewer=data.get("reviewer"), reviewed_on=data.get("reviewed_on"),
            total=data["total"], total_text=data["total_text"], rating_label=rating["label"],
            rating_stars=rating["stars"], difference=data["difference"],
            disagreements=len(data.get("disagreements") or []), signed=data.get("seal") is not None)
    except (ValueError, KeyError, TypeError, ValidationError):
        return None


def change_of(current: float, previous: float | None) -> float | None:
    """The total's movement, to 4 decimals (exact decimal subtraction, no float noise)."""
    if previous is None:
        return None
    from fractions import Fraction

    return r4(Fraction(str(current)) - Fraction(str(previous)))


def _ref(values: Sequence[Any]) -> CommunityRef:
    id_, name, district, street, code = values
    return CommunityRef(id=id_, name=name, district=district, street=street, code=code)


_COMMUNITY = (communities.c.id, communities.c.name, communities.c.district, communities.c.street, communities.c.code)


def resolve_community(archive: Archive, ident: str) -> CommunityRef:
    """A community by its code, its archive number, or its (unique) name."""
    wanted = ident.strip()
    with archive.reading() as conn:
        rows = conn.execute(select(*_COMMUNITY).where(communities.c.code == wanted)).all()
        if not rows and wanted.isdigit():
            rows = conn.execute(select(*_COMMUNITY).where(communities.c.id == int(wanted))).all()
        if not rows:
            rows = conn.execute(select(*_COMMUNITY).where(communities.c.name == wanted)).all()
    if len(rows) == 1:
        return _ref(rows[0])
    if not rows:
        raise ArchiveError(f"归档 {archive.name} 中没有社区「{wanted}」。用 audit history --archive {archive.name} "
                           "查看归档中的社区（可用社区代码、编号或名称）")
    listed = "；".join(f"编号 {r[0]} {r[2] or ''}{r[3] or ''}{r[1]}" for r in rows)
    raise ArchiveError(f"归档中有 {len(rows)} 个名为「{wanted}」的社区：{listed}。请改用社区代码或编号")


def assessments_of(conn: Connection, community_id: int) -> list[AssessmentRow]:
    """A community's assessments, oldest first, each with its change from the one before."""
    rows = conn.execute(select(*_ROW_COLUMNS).where(assessments.c.community_id == community_id)
                        .order_by(*_ORDER)).all()
    out: list[AssessmentRow] = []
    for values in rows:
        out.append(_row(values, change_of(values[5], out[-1].total if out else None)))
    return out


def community_history(archive: Archive, community: CommunityRef) -> CommunityHistory:
    """``audit history --archive DB COMMUNITY``."""
    with archive.reading() as conn:
        rows = assessments_of(conn, community.id)
    return CommunityHistory(archive=archive.name, community=community, assessments=rows)


def district_history(archive: Archive, district: str | None = None) -> DistrictHistory:
    """Every community (of ``district``, if given) with its latest assessment and the one before."""
    ranked = select(
        *_ROW_COLUMNS, assessments.c.community_id,
        func.row_number().over(partition_by=assessments.c.community_id,
                               order_by=[c.desc() for c in _ORDER]).label("rank"),
        func.count().over(partition_by=assessments.c.community_id).label("n"),
    ).subquery()
    query = (select(ranked, *_COMMUNITY).join(communities, communities.c.id == ranked.c.community_id)
             .where(ranked.c.rank <= 2).order_by(communities.c.district, communities.c.street, communities.c.name,
                                                 communities.c.id, ranked.c.rank))
    if district is not None:
        query = query.where(communities.c.district == district)
    with archive.reading() as conn:
        rows = conn.execute(query).all()
    width = len(_ROW_COLUMNS)
    out: list[LatestRow] = []
    pending: dict[int, tuple[CommunityRef, int, AssessmentRow]] = {}
    for values in rows:
        community = _ref(values[width + 3:])
        rank, count = values[width + 1], values[width + 2]
        row = _row(values[:width])
        if rank == 1:
            pending[community.id] = (community, count, row)
            if count == 1:
                out.append(LatestRow(community=community, assessments=1, latest=row, previous=None))
        else:
            _, count, latest = pending.pop(community.id)
            latest = latest.model_copy(update={"change": change_of(latest.total, row.total)})
            out.append(LatestRow(community=community, assessments=count, latest=latest, previous=row))
    return DistrictHistory(archive=archive.name, district=district, communities=out)


def latest_two(archive: Archive, community: CommunityRef) -> tuple[AssessmentRow, AssessmentRow]:
    """The community's two latest assessments (previous, current)."""
    with archive.reading() as conn:
        rows = assessments_of(conn, community.id)
    if len(rows) < 2:
        raise ArchiveError(f"归档中社区「{community.name}」只有 {len(rows)} 次评估，至少需要两次才能比较")
    return rows[-2], rows[-1]


def stored_result(archive: Archive, assessment_id: int) -> Result:
    """The full result of one archived assessment."""
    with archive.reading() as conn:
        found = conn.execute(select(assessments.c.result_json).where(assessments.c.id == assessment_id)).first()
    if found is None:
        raise ArchiveError(f"归档 {archive.name} 中没有编号为 {assessment_id} 的评估")
    try:
        return Result.model_validate_json(found[0])
    except ValidationError:
        raise ArchiveError(f"归档 {archive.name} 中评估 {assessment_id} 的结果无法读取（格式版本不同或已损坏）") from None
