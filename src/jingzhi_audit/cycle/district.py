"""The cycle in ``audit batch``: record each community as it finishes, and what changed since last time.

The parent process records each graded community in its own transaction (workers return the
compact ``Entry``; the full result JSON is read from the file the worker wrote). In the same
transaction it looks up the community's previous assessment, so the district summary can show
each community's change, the communities that regressed or dropped a band, and the clauses with
the most persisting gaps. A ledger beside an evidence file (``<name>.整改台账.xlsx`` beside
``<name>.yaml``) is checked against the new result: overdue and contradicted actions are counted.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import IntegrityError

from ..errors import LedgerError
from ..result.cycle import CommunityChange, DistrictChanges, PersistingClause
from .archive import Archive, gaps, open_archive
from .ledger import ledger_beside
from .queries import change_of
from .store import Entry, GapEntry, Previous, record_in

TOP_PERSISTING = 10
_GAP_CLAUSES = select(gaps.c.clause).where(gaps.c.assessment_id == bindparam("aid"))


def entry_from_json(text: str) -> Entry:
    """The archive entry of a result JSON written by a previous run (a skipped community)."""
    data: dict[str, Any] = json.loads(text)
    c, pack, rating, period = data["community"], data["pack"], data["rating"], data.get("period") or {}
    return Entry(
        name=c["name"], district=c.get("district"), street=c.get("street"), code=c.get("code"),
        assessed_on=data.get("assessed_on") or data["generated_at"][:10], period_from=period.get("from"),
        period_to=period.get("to"), pack_id=pack["id"], pack_version=pack["version"], pack_sha256=pack["sha256"],
        evidence_sha256=data["evidence"]["sha256"], evidence_path=data["evidence"]["path"], total=data["total"],
        total_text=data["total_text"], rating_id=rating["id"], rating_label=rating["label"],
        rating_stars=rating["stars"], generated_at=data["generated_at"],
        gaps=tuple(GapEntry(g["clause"], g["category"], g["reason"], g["points_lost"], g["credit"])
                   for g in data["gaps"]),
        review_json=json.dumps(data["review"], ensure_ascii=False) if data.get("review") else None,
    )


class DistrictRecorder:
    """Records a batch's communities as they finish and collects their changes."""

    def __init__(self, archive: str | None, out: Path) -> None:
        self.out = out
        self.archive: Archive | None = open_archive(archive) if archive is not None else None
        if self.archive is not None:
            self.archive.dispose()  # no connection open when the batch forks its workers
        self.changes: list[CommunityChange] = []
        self.persisting: Counter[str] = Counter()
        self.warnings: list[str] = []
        # Up-to-date communities are reported before the workers start (fork): they are recorded
        # once the first graded community arrives (after the fork), or at the end.
        self.pending: list[tuple[Path, str, dict[str, str]]] = []

    def add(self, evidence: Path, rel: str, name: str, outputs: dict[str, str],
            graded: tuple[Entry, str | None] | None) -> None:
        """Record one community: ``graded`` is what its worker returned (the entry and, when recording,
        the result JSON), or None for an up-to-date one (read from its JSON file); check its ledger."""
        if graded is None:
            if self.archive is None and not ledger_beside(evidence).is_file():
                self.changes.append(CommunityChange(path=rel, name=name))  # nothing to read
            else:
                self.pending.append((evidence, rel, outputs))
            return
        self.flush()
        self._add(evidence, rel, outputs, *graded)

    def flush(self) -> None:
        """Record the up-to-date communities reported so far."""
        pending, self.pending = self.pending, []
        for evidence, rel, outputs in pending:
            text = (self.out / outputs["json"]).read_text(encoding="utf-8")
            self._add(evidence, rel, outputs, entry_from_json(text), text)

    def _add(self, evidence: Path, rel: str, outputs: dict[str, str], entry: Entry, text: str | None) -> None:
        if text is None and self.archive is not None:
            text = (self.out / outputs["json"]).read_text(encoding="utf-8")
        change = CommunityChange(path=rel, name=entry.name)
        if self.archive is not None:
            for attempt in range(3):
                try:
                    with self.archive.writing() as conn:  # one transaction per community
                        recorded = record_in(conn, entry, text or "")
                        change = self._previous(conn, change, entry, recorded.previous)
                    break
                except IntegrityError:  # PostgreSQL: another run inserted the same community first
                    if attempt == 2:
                        raise
            self.warnings += [f"{rel}: {w}" for w in recorded.warnings]
        self.changes.append(_with_ledger(change, evidence, entry))

    def _previous(self, conn: Connection, change: CommunityChange, entry: Entry, previous: Previous | None
                  ) -> CommunityChange:
        if previous is None:
            return change
        before = set(conn.execute(_GAP_CLAUSES, {"aid": previous.id}).scalars())
        now = {g.clause for g in entry.gaps}
        self.persisting.update(before & now)
        return change.model_copy(update={
            "previous_on": previous.assessed_on, "previous_total_text": previous.total_text,
            "previous_rating": previous.rating_label, "change": change_of(entry.total, previous.total),
            "band_dropped": entry.rating_stars < previous.rating_stars,
            "fixed": len(before - now), "regressed": len(now - before), "persisting": len(before & now),
        })

    def district(self, paths: set[str]) -> DistrictChanges:
        """The district's changes, for the communities in the summary (``paths``)."""
        self.flush()
        kept = sorted((c for c in self.changes if c.path in paths), key=lambda c: c.path)
        regressed = [c.name for c in sorted(kept, key=lambda c: (c.change or 0, c.path))
                     if (c.change is not None and c.change < 0) or c.band_dropped]
        return DistrictChanges(
            archive=self.archive.name if self.archive else None, communities=kept, regressed=regressed,
            persisting=[PersistingClause(clause=k, communities=v) for k, v in self.persisting.most_common(TOP_PERSISTING)],
            warnings=self.warnings,
        )

    def close(self) -> None:
        """Release the archive connection."""
        if self.archive is not None:
            self.archive.dispose()


def _with_ledger(change: CommunityChange, evidence: Path, entry: Entry) -> CommunityChange:
    path = ledger_beside(evidence)
    if not path.is_file():
        return change
    from .ledger import read_ledger
    from .plan_check import check_against

    try:
        ledger = read_ledger(path)
    except LedgerError as exc:
        return change.model_copy(update={"ledger_error": exc.message})
    lost = {g.clause: g.points_lost for g in entry.gaps}
    # every clause of the pack is in the result; a ledger row's clause missing from it is rare
    checked = check_against(ledger, set(lost) | {r.clause for r in ledger.rows}, lost, entry.assessed_on,
                            entry.evidence_sha256)
    return change.model_copy(update={"overdue": checked.counts["overdue"],
                                     "contradicted": checked.counts["contradicted"]})
