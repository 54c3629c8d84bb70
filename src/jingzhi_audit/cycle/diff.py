"""Year-over-year change between two results of one community (pure: two Results in, a Diff out).

A clause is a *gap* when it is in the result's ``gaps`` (it lost points). Between two results:

* **fixed**      — a gap before, none now (整改完成: met now, or no longer applicable);
* **regressed**  — no gap before, a gap now (the credit fell);
* **persisting** — a gap both times (整改未完成; both credits are shown, so a gap that grew is visible);
* **new**        — a gap on a clause the previous result did not have (a newer pack version).

So ``diff(A, A)`` has no fixed, regressed or new clauses, and ``diff(B, A)`` swaps the fixed and
regressed of ``diff(A, B)``. Clauses of one side only are listed by ID. Results of different
packs compare through the packs' crosswalk (each current clause against its closest counterpart,
``sources.crosswalk_mapping``), or are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..errors import AuditError
from ..exact import r4
from ..pack.model import id_order
from ..result import ClauseResult, Result
from ..result.cycle import CategoryChange, ClauseChange, Diff, Side


def side(result: Result) -> Side:
    """The summary of one result shown on each side of a diff."""
    return Side(community=result.community.name, assessed_on=result.assessed_on, pack=result.pack.id,
                pack_version=result.pack.version, evidence_sha256=result.evidence.sha256, total=result.total,
                total_text=result.total_text, rating_id=result.rating.id, rating_label=result.rating.label,
                rating_stars=result.rating.stars)


def _sub(a: float, b: float) -> float:
    return r4(Fraction(str(a)) - Fraction(str(b)))


Mapping = Callable[[Result, Result], dict[str, str]]


def same_ids(previous: Result, current: Result) -> dict[str, str]:
    """Current clause ID → previous clause ID, for two results of one pack (any versions)."""
    known = {c.id for c in previous.clauses}
    return {c.id: c.id for c in current.clauses if c.id in known}


def diff(previous: Result, current: Result, mapping: Mapping | None = None) -> Diff:
    """What changed from ``previous`` to ``current``."""
    crosswalked = previous.pack.id != current.pack.id
    if crosswalked and mapping is None:
        raise AuditError(refusal(previous.pack.id, current.pack.id))
    pairs = (mapping or same_ids)(previous, current)
    before = {c.id: c for c in previous.clauses}
    lost_before = {g.clause: g.points_lost for g in previous.gaps}
    lost_now = {g.clause: g.points_lost for g in current.gaps}
    fixed, regressed, persisting, new = [], [], [], []
    for clause in current.clauses:
        old_id = pairs.get(clause.id)
        old = before.get(old_id) if old_id is not None else None
        gap_now = clause.id in lost_now
        if old is None:
            if gap_now:
                new.append(_change(clause, None, None, lost_now, lost_before))
            continue
        gap_before = old.id in lost_before
        change = _change(clause, old, old_id if crosswalked else None, lost_now, lost_before)
        if gap_before and not gap_now:
            fixed.append(change)
        elif gap_now and not gap_before:
            regressed.append(change)
        elif gap_now and gap_before:
            persisting.append(change)
    mapped = set(pairs.values())
    categories = [] if crosswalked else _categories(previous, current)
    return Diff(
        previous=side(previous), current=side(current), total_change=_sub(current.total, previous.total),
        rating_change=_band(current, previous.rating.id) - _band(current, current.rating.id),
        categories=categories, fixed=_ordered(fixed), regressed=_ordered(regressed),
        persisting=_ordered(persisting), new=_ordered(new),
        only_previous=sorted((c.id for c in previous.clauses if c.id not in mapped), key=id_order),
        only_current=sorted((c.id for c in current.clauses if c.id not in pairs), key=id_order),
        crosswalk=crosswalked,
    )


def _change(clause: ClauseResult, old: ClauseResult | None, old_id: str | None, lost_now: dict[str, float],
            lost_before: dict[str, float]) -> ClauseChange:
    return ClauseChange(
        id=clause.id, title=clause.title, previous_id=old_id,
        previous_credit=None if old is None else _credit(old), current_credit=_credit(clause),
        points_lost=lost_now.get(clause.id, 0.0), previous_points_lost=0.0 if old is None else lost_before.get(old.id, 0.0),
    )


def _credit(clause: ClauseResult) -> float | None:
    return None if clause.status == "na" else clause.credit


def _ordered(changes: list[ClauseChange]) -> list[ClauseChange]:
    return sorted(changes, key=lambda c: (-max(c.points_lost, c.previous_points_lost), id_order(c.id)))


def _categories(previous: Result, current: Result) -> list[CategoryChange]:
    before = {c.id: c for c in previous.categories}
    return [CategoryChange(id=c.id, title=c.title, previous=before[c.id].score, current=c.score,
                           change=_sub(c.score, before[c.id].score))
            for c in current.categories if c.id in before]


def _band(current: Result, rating_id: str) -> int:
    """A rating's rank among the current pack's bands, best first (unknown bands rank last)."""
    order = [band.id for band in current.pack.ratings]
    return order.index(rating_id) if rating_id in order else len(order)


def refusal(previous_pack: str, current_pack: str) -> str:
    """The message for two results of different packs with no crosswalk between them."""
    return (f"两次评估使用不同的规则包（上次 {previous_pack}，本次 {current_pack}），且两者之间没有对照表，"
            "无法逐条比较。请用同一规则包重新评分（audit score FILE -s 规则包），"
            f"或在 standards/crosswalk/ 中编写 {current_pack}__{previous_pack}.yaml")
