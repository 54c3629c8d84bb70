"""Checking a filled 整改台账 against the next assessment (pure: a ledger and a result in, a check out).

For each ledger row (a gap of the earlier assessment):

* **confirmed**    — the clause is no longer a gap: the next assessment confirms the rectification;
* **contradicted** — marked 已完成, but the clause is still a gap;
* **overdue**      — not marked 已完成, still a gap, and its deadline is before the assessment date;
* **open**         — still a gap, not yet due (or no deadline given);
* **missing**      — the clause is not in the next result (another pack version).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection

from ..result import Result
from ..result.cycle import OUTCOME_LABELS, Outcome, PlanCheck, RowCheck
from .ledger import Ledger


def check_plan(ledger: Ledger, current: Result) -> PlanCheck:
    """Each ledger row against ``current``, the assessment after the one the ledger came from."""
    lost = {g.clause: g.points_lost for g in current.gaps}
    return _check(ledger, {c.id for c in current.clauses}, lost, current.assessed_on,
                  same=ledger.source.get("evidence_sha256") == current.evidence.sha256)


def check_against(ledger: Ledger, clauses: Collection[str], lost: dict[str, float], assessed_on: str | None,
                  evidence_sha256: str | None) -> PlanCheck:
    """The same check from a batch row's figures (all clause IDs, gap clause → points lost)."""
    return _check(ledger, clauses, lost, assessed_on,
                  same=evidence_sha256 is not None and ledger.source.get("evidence_sha256") == evidence_sha256)


def _check(ledger: Ledger, clauses: Collection[str], lost: dict[str, float], assessed_on: str | None,
           *, same: bool) -> PlanCheck:
    on = dt.date.fromisoformat(assessed_on) if assessed_on else None
    rows = []
    for row in ledger.rows:
        outcome: Outcome
        if row.clause not in clauses and row.clause not in lost:
            outcome = "missing"
        elif row.clause not in lost:
            outcome = "confirmed"
        elif row.progress == "已完成":
            outcome = "contradicted"
        elif row.deadline is not None and on is not None and row.deadline < on:
            outcome = "overdue"
        else:
            outcome = "open"
        if same and outcome == "contradicted":
            outcome = "open"  # the ledger's own assessment cannot contradict what was done after it
        rows.append(RowCheck(row=row.row, clause=row.clause, owner=row.owner,
                             deadline=row.deadline.isoformat() if row.deadline else None, progress=row.progress,
                             outcome=outcome, points_lost=lost.get(row.clause, 0.0 if outcome != "missing" else None)))
    counts: Counter[str] = Counter(r.outcome for r in rows)
    return PlanCheck(ledger=ledger.path, assessed_on=assessed_on, same_assessment=same, rows=rows,
                     counts={k: counts.get(k, 0) for k in OUTCOME_LABELS})
