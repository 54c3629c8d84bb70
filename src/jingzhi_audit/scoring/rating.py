"""Bonus, vetoes and the rating of a community, with the gates a band may require (engine internals).

Bands are checked top-down and the first whose points conditions hold is the band *by points*.
A band may name gates (``ratings[].gates``): conditions over facts and category ratios that must
also hold. A gate that fails, or that cannot be evaluated because a fact is missing (数据不全),
does not hold: the community falls to the next band whose conditions and gates hold. Then a veto
gives the last band, and N/A over the cap limits the band to ``na_cap_rating``. The result says
which limit decided (``capped_by``) and, when a gate held the community back, which one and why.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..evidence.loader import Evidence
from ..exact import Exact
from ..expr import Expression, ExpressionError
from ..pack import Pack
from ..pack.model import Gate, Rating
from ..result import GateResult, RatingResult, VetoResult
from .plan import Plan, new


def holds(expr: Expression, facts: dict[str, Any], thresholds: dict[str, Fraction],
          categories: dict[str, Any] | None = None) -> tuple[bool | None, list[str]]:
    """Whether a check holds, and its missing facts; None when a fact is missing or it cannot be computed."""
    names, missing = expr.bind(facts, thresholds, categories)
    if missing:
        return None, missing
    try:
        return expr.evaluate_bound(names) is True, missing
    except ExpressionError:
        return None, missing


def bonus(pack: Pack, evidence: Evidence) -> Fraction:
    """Pack-defined bonus items (credit by check, or by declared status), capped."""
    total = Fraction(0)
    for item in pack.meta.bonus:
        entry = evidence.data.bonus.get(item.id)
        expr = pack.expressions.get(f"bonus:{item.id}")
        credit: Exact = 0
        checked = holds(expr, evidence.facts, pack.thresholds) if expr is not None else None
        if checked is not None and not checked[1]:  # a check with every fact given decides
            credit = 1 if checked[0] else 0  # (one that cannot be computed gives no credit)
        elif entry is not None and entry.status in ("met", "partial"):
            credit = 1 if entry.status == "met" else Fraction(pack.meta.partial_credit)
        if credit and item.evidence_required:
            infos = [evidence.attachments[a.key] for a in (entry.evidence if entry else [])]
            if not any(a.kind != "file" or a.exists for a in infos):
                credit = 0
        total += Fraction(item.points) * credit
    return min(total, Fraction(pack.meta.bonus_cap))


def vetoes(pack: Pack, facts: dict[str, Any]) -> list[VetoResult]:
    """Each veto: triggered, not triggered, or undecidable (a fact missing)."""
    out = []
    for veto in pack.meta.vetoes:
        triggered, missing = holds(pack.expressions[f"veto:{veto.id}"], facts, pack.thresholds)
        out.append(new(VetoResult, id=veto.id, title=veto.title, triggered=triggered, missing_facts=missing))
    return out


def _by_points(rating: Rating, total: Fraction, ratios: list[Fraction | None]) -> bool:
    if rating.min_total is not None and total < Fraction(rating.min_total):
        return False
    floor = rating.min_category_ratio
    return floor is None or not any(r is not None and r < Fraction(floor) for r in ratios)


def _failed_gate(gates: tuple[tuple[Gate, Expression], ...], facts: dict[str, Any],
                 thresholds: dict[str, Fraction], categories: dict[str, Any]) -> tuple[Gate, bool | None, list[str]] | None:
    for gate, expr in gates:
        held, missing = holds(expr, facts, thresholds, categories)
        if held is not True:
            return gate, held, missing
    return None


def rating(plan: Plan, pack: Pack, total: Fraction, ratios: list[Fraction | None], vetoed: bool,
           insufficient: bool, facts: dict[str, Any]) -> RatingResult:
    """The band: by points, then gates, then a veto, then the N/A cap (see the module docstring)."""
    bands = pack.meta.ratings
    last = len(bands) - 1
    top = next((k for k in range(last) if _by_points(bands[k], total, ratios)), last)
    chosen, held_back = top, None
    if plan.gates[top]:
        categories = {f"c{cat.id}": ratios[c] for c, cat in enumerate(pack.categories)}
        chosen = last
        for k in range(top, last):
            if not _by_points(bands[k], total, ratios):
                continue
            failed = _failed_gate(plan.gates[k], facts, pack.thresholds, categories)
            if failed is None:
                chosen = k
                break
            if held_back is None:
                held_back = (bands[k].id, *failed)
    gate = None
    if held_back is not None:
        band_id, failed_gate, held, missing = held_back
        limit = f"，等级最高为{bands[chosen].label}"
        message = (failed_gate.message if held is False
                   else f"数据不全，无法确认“{failed_gate.label}”") + limit
        gate = new(GateResult, id=failed_gate.id, band=band_id, label=failed_gate.label, held=held,
                   missing_facts=missing, message=message)

    def result(band: Rating, capped_by: str | None = None, uncapped: str | None = None) -> RatingResult:
        return new(RatingResult, id=band.id, label=band.label, stars=band.stars, capped_by=capped_by,
                   uncapped=uncapped, gate=gate)

    uncapped = bands[top].id if top != last else None
    if vetoed:
        return result(bands[last], "veto", uncapped)
    cap = pack.meta.na_cap_rating
    if insufficient and cap is not None:
        order = [r.id for r in bands]
        if order.index(cap) > chosen:
            return result(bands[order.index(cap)], "na_cap", bands[top].id)
    if chosen != top:
        return result(bands[chosen], "gate", bands[top].id)
    return result(bands[chosen])
