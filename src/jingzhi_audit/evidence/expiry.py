"""What has expired in an evidence file: N/A past its date or never approved, stale attachments.

Pure (pack and evidence data in, a per-clause note out), computed by the loader and consulted by
the scoring engine where it reads a clause's status (``Evidence.expired``). Dates are judged
against the assessment: ``assessed_on`` (or the end of the ``period`` when no date is given), and
the ``period`` itself for the date a document was produced.

* An N/A whose ``valid_until`` lies before the assessment date counts as unassessed (不适用已过期).
* An N/A of a clause the pack marks ``na_requires_approval`` without ``approved_by`` is flagged
  (不适用未审批); it still counts as N/A — the flag asks the reviewer to look.
* An attachment ``dated`` outside the period, or whose ``valid_until`` lies before the assessment
  date, is stale (佐证过期); unless the pack sets ``expired_evidence_credit: true`` it earns no
  credit, as if it were not listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..pack import Pack
from .model import Attachment, ClauseEntry, EvidenceFile


@dataclass(frozen=True, slots=True)
class Lapse:
    """What has expired for one clause."""

    flags: tuple[str, ...]  # result ClauseFlag values, in the order the report lists them
    unassessed: bool = False  # an expired N/A: the clause counts as not assessed
    stale: frozenset[str] = frozenset()  # attachment keys that earn no credit


def reference_date(data: EvidenceFile) -> dt.date | None:
    """The date expiry is judged against: ``assessed_on``, else the end of the period."""
    if data.assessed_on is not None:
        return data.assessed_on
    return data.period.end if data.period is not None else None


def stale_attachment(item: Attachment, data: EvidenceFile) -> bool:
    """Whether one attachment is out of date for this assessment."""
    on = reference_date(data)
    if item.valid_until is not None and on is not None and item.valid_until < on:
        return True
    period = data.period
    return item.dated is not None and period is not None and not period.start <= item.dated <= period.end


def expiry(pack: Pack, data: EvidenceFile) -> dict[str, Lapse]:
    """Per clause ID, what has expired (clauses with nothing expired are absent)."""
    out: dict[str, Lapse] = {}
    on = reference_date(data)
    credit_stale = pack.meta.expired_evidence_credit
    for cid, entry in data.clauses.items():
        found = pack.index.get(cid)
        if entry is None or found is None:
            continue
        lapse = _lapse(entry, found[2].na_requires_approval, data, on, credit_stale)
        if lapse is not None:
            out[cid] = lapse
    return out


def _lapse(entry: ClauseEntry, needs_approval: bool, data: EvidenceFile, on: dt.date | None,
           credit_stale: bool) -> Lapse | None:
    flags: list[str] = []
    unassessed = False
    if entry.status == "na":
        if entry.valid_until is not None and on is not None and entry.valid_until < on:
            flags.append("na_expired")
            unassessed = True
        if needs_approval and entry.approved_by is None:
            flags.append("na_unapproved")
    stale = frozenset(a.key for a in entry.evidence if stale_attachment(a, data))
    if stale and entry.status != "na":
        flags.append("stale_evidence")
    if not flags:
        return None
    return Lapse(tuple(flags), unassessed, frozenset() if credit_stale else stale)
