"""The app's side of the assessment cycle's archive (``DIR/archive.sqlite``, ``jingzhi_audit.cycle``).

Every save, submission, review and import is recorded as an assessment, keyed by the community's
code (the folder's name); the community's history and the dashboard's "change since last year"
are read back from it with the cycle's own queries. The same file serves ``audit history
--archive DIR/archive.sqlite``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..cycle.archive import Archive, open_archive
from ..errors import ArchiveError
from ..result import Result
from ..result.cycle import AssessmentRow

ARCHIVE = "archive.sqlite"


def open_data_archive(data_dir: Path) -> Archive:
    """The data directory's archive, created (or migrated) on first use."""
    return open_archive(data_dir / ARCHIVE)


def record(archive: Archive, code: str, result: Result) -> None:
    """Record ``result`` as an assessment of community ``code`` (the same evidence once only)."""
    from ..cycle.store import entry_from_result
    from ..cycle.store import record as store

    entry = dataclasses.replace(entry_from_result(result), code=code)
    store(archive, entry, result.model_dump_json())


def history(archive: Archive, code: str) -> list[AssessmentRow]:
    """Community ``code``'s archived assessments, oldest first (each with its change)."""
    from ..cycle.queries import community_history, resolve_community

    try:
        community = resolve_community(archive, code)
    except ArchiveError:
        return []
    return community_history(archive, community).assessments


def change_since_last_year(archive: Archive, code: str, result: Result) -> tuple[float | None, AssessmentRow | None]:
    """The total's change from the community's last assessment of an earlier year, and that one."""
    from ..cycle.queries import change_of

    year = (result.assessed_on or result.generated_at)[:4]
    earlier = [row for row in history(archive, code) if row.assessed_on[:4] < year]
    if not earlier:
        return None, None
    return change_of(result.total, earlier[-1].total), earlier[-1]
