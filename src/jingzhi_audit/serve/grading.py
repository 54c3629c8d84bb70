"""Scores and the district view, by the CLI's own engine: ``review.service.assess_reviewed`` (the
steps of ``api.assess``: load, score, the review beside the file) on a community's folder,
exactly as ``audit score`` grades it, and ``batch.summary.summarize``
over ``result.district.row_from_result`` rows. Nothing here re-computes a figure.

Results are cached by the evidence and review files' modification stamps, so a page view after
no change does not re-score.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AuditError
from ..evidence.model import EvidenceFile
from ..pack import Pack
from ..result import Result
from ..result.district import CommunityRow, DistrictSummary, FailedFile, row_from_result
from .folders import EVIDENCE, PACKS, REVIEW

_cache: dict[str, tuple[tuple[int, ...], Result]] = {}
_cache_lock = threading.Lock()
_generation: dict[str, int] = {}  # bumped by every write of the app: two writes within one clock
# tick with equal sizes (and a reused inode) would otherwise share a stamp


def _stamp(folder: Path) -> tuple[int, ...]:
    with _cache_lock:
        stamp: list[int] = [_generation.get(str(folder), 0)]
    for name in (EVIDENCE, REVIEW):
        try:
            st = (folder / name).stat()
            stamp += [st.st_mtime_ns, st.st_size, st.st_ino]
        except FileNotFoundError:
            stamp += [0, 0, 0]
    return tuple(stamp)


def _cached(store: dict[str, tuple[tuple[int, ...], Any]], folder: Path, compute: Any) -> Any:
    """``compute()`` for ``folder``, or what it gave last time if the folder's stamp is unchanged."""
    key = str(folder)
    stamp = _stamp(folder)
    with _cache_lock:
        hit = store.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = compute()
    with _cache_lock:
        store[key] = (stamp, value)
    return value


def assess_folder(folder: Path) -> Result:
    """``audit score`` of the community's ``community.yaml`` (with its review when there is one)."""
    from ..clock import now_iso
    from ..review.service import assess_reviewed  # what api.assess (audit score) runs

    result: Result = _cached(_cache, folder, lambda: assess_reviewed(
        folder / EVIDENCE, generated_at=now_iso(), pack_loader=PACKS))
    return result


_data: dict[str, tuple[tuple[int, ...], Any]] = {}


def evidence_of(folder: Path) -> tuple[Pack, EvidenceFile]:
    """The pack and evidence data of the folder's ``community.yaml`` (the CLI's loader), cached by
    the same stamps (a page view does not re-read an unchanged file)."""
    from .folders import read_evidence

    found: tuple[Pack, EvidenceFile] = _cached(_data, folder, lambda: read_evidence(folder / EVIDENCE))
    return found


def forget(folder: Path) -> None:
    """Drop a folder's cached result and data (after a write)."""
    with _cache_lock:
        _generation[str(folder)] = _generation.get(str(folder), 0) + 1
        _cache.pop(str(folder), None)
        _data.pop(str(folder), None)


@dataclass
class District:
    """What the dashboard shows: the summary, each community's row, and each one's code."""

    summary: DistrictSummary
    rows: dict[str, CommunityRow]  # code → row
    results: dict[str, Result]


def communities(data_dir: Path) -> list[str]:
    """The codes of every community folder in the data directory."""
    root = data_dir / "communities"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / EVIDENCE).is_file())


def district_of(folder: Path) -> str | None:
    """The district a community's evidence file names."""
    try:
        return assess_folder(folder).community.district
    except AuditError:
        from ..evidence.source import read_yaml

        try:
            return read_yaml(folder / EVIDENCE).data.community.district
        except AuditError:
            return None


def district(data_dir: Path, name: str | None, *, generated_at: str) -> District:
    """The district summary of every community in ``name`` (all of them for None)."""
    from ..batch.summary import summarize

    rows: dict[str, CommunityRow] = {}
    results: dict[str, Result] = {}
    failed: list[FailedFile] = []
    for code in communities(data_dir):
        folder = data_dir / "communities" / code
        try:
            result = assess_folder(folder)
        except AuditError as exc:
            if name is None or district_of(folder) == name:
                failed.append(FailedFile(path=code, errors=[str(exc)]))
            continue
        if name is not None and result.community.district != name:
            continue
        results[code] = result
        rows[code] = row_from_result(result, code, {})
    if results:
        info = next(iter(results.values())).pack
    else:
        from ..scoring.plan import pack_info
        from .folders import default_pack

        info = pack_info(default_pack())
    summary = summarize(list(rows.values()), failed, source=name or "全部", pack=info.id, pack_title=info.title,
                        bands=info.ratings, generated_at=generated_at)
    return District(summary, rows, results)

