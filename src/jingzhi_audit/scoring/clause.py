"""Scoring one clause: declared credit, automatic checks, criteria, evidence (engine internals).

* declared credit: met 1; partial k/n of the clause's criteria named as met (a clause with criteria
  needs them named: ``audit validate`` says so), the pack's partial credit only for a clause
  without criteria (or a status inferred by ``audit compare``, which cannot name criteria); not_met 0.
* a clause-level check ``decides: clause`` (or a measure) gives the computed credit; a check
  ``decides: necessary`` gives 0 when it fails and leaves the declared credit when it holds;
* a criterion's check decides that criterion only; the credit is then (criteria met) / n.
* with a fact missing the declared status stands and the clause is flagged 无法核验; a computed
  result that disagrees with the declaration is flagged 自评与数据不符.

Credits are integers in units of 1/L (``plan.units``), so that every sum stays an integer.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from ..evidence.expiry import Lapse
from ..evidence.model import ClauseEntry
from ..exact import plain, r4, r4_ratio
from ..expr import Expression, ExpressionError
from ..result import Attachment, AutoCheck, ClauseResult, Criterion
from .plan import ClausePlan, Plan, Steps, build, new

Fig = Callable[[int, int], float]


class Auto:
    """The outcome of one automatic check (credit in units), and its public form."""

    __slots__ = ("credit", "decides", "error", "expression", "facts", "kind", "missing", "value")

    def __init__(self, kind: str, decides: str, expression: Expression, facts: dict[str, Any],
                 missing: list[str]) -> None:
        self.kind = kind
        self.decides = decides
        self.expression = expression
        self.facts = facts
        self.missing = missing
        self.value: Any = None
        self.credit: int | None = None  # the computed credit units, when every fact is present
        self.error: str | None = None

    def public(self, units: int) -> AutoCheck:
        """The check as a result records it."""
        value = self.value
        get = self.facts.get
        return build(AutoCheck, {
            "kind": self.kind, "decides": self.decides, "expression": self.expression.source,
            "facts": {name: plain(get(name)) for name in self.expression.facts},
            "missing_facts": self.missing,
            "value": value if value is None or isinstance(value, bool) else r4(value),
            "computed_credit": r4_ratio(self.credit, units) if self.credit is not None else None,
            "error": self.error,
        })


def run_check(expression: Expression, steps: Steps | None, decides: str, facts: dict[str, Any],
              thresholds: dict[str, Fraction], units: int) -> Auto:
    """Evaluate a check (credit units or 0) or a measure (the first scale step it satisfies)."""
    names, missing = expression.bind(facts, thresholds)
    auto = Auto("check" if steps is None else "measure", decides, expression, facts, missing)
    if missing:
        return auto
    try:
        value = expression.evaluate_bound(names)
    except ExpressionError as exc:
        auto.error = str(exc)
        return auto
    auto.value = value
    if steps is None:
        auto.credit = units if value is True else 0
    else:
        auto.credit = 0
        for at_least, bound, credit in steps:  # the first step the value satisfies
            if bound is None or (value >= bound if at_least else value <= bound):
                auto.credit = credit
                break
    return auto


def declared_credit(cp: ClausePlan, entry: ClauseEntry, plan: Plan) -> int:
    """The declared status as credit units (k/n for a partial clause with criteria)."""
    if entry.status == "met":
        return plan.units
    if entry.status == "partial":
        # A person's file must name the criteria met (``audit validate``); only a status inferred
        # through a crosswalk (``audit compare``) can be partial with none named: then the pack's
        # partial credit, as for a clause without criteria.
        if cp.criteria and entry.criteria_met:
            named = entry.criteria_met
            met = sum(1 for ident, _ in cp.criteria if ident in named)
            return met * plan.units // len(cp.criteria)
        return plan.partial_units
    return 0


def declared_criteria(cp: ClausePlan, status: str, entry: ClauseEntry | None) -> list[Criterion]:
    """The criteria as declared: all met for 达标, those named for 部分达标, none otherwise."""
    if status == "met":
        return cp.all_met
    if status != "partial" or entry is None or not entry.criteria_met:
        return cp.unticked
    named = entry.criteria_met
    return [new(Criterion, id=ident, text=text, met=ident in named, auto=None) for ident, text in cp.criteria]


def checked_criteria(cp: ClausePlan, declared: list[Criterion], facts: dict[str, Any],
                     thresholds: dict[str, Fraction], units: int) -> tuple[int, list[Criterion], str]:
    """Criteria where data decides the checked ones: (count met, criteria, flag)."""
    met_count = 0
    mismatch = unverified = False
    out: list[Criterion] = []
    for criterion, expr in zip(declared, cp.criterion_checks, strict=True):
        met = criterion.met
        auto = None
        if expr is not None:
            auto = run_check(expr, None, "criterion", facts, thresholds, units)
            if auto.credit is None:
                unverified = True
            else:
                met = auto.credit > 0
                mismatch = mismatch or met != criterion.met
        met_count += met
        out.append(new(Criterion, id=criterion.id, text=criterion.text, met=met,
                       auto=auto.public(units) if auto is not None else None))
    flag = "mismatch" if mismatch else "unverified" if unverified else "verified"
    return met_count, out, flag


def decide(cp: ClausePlan, declared: int, auto: Auto, units: int, status: str) -> tuple[int, str]:
    """A clause-level check's effect on the declared credit, and the flag it earns."""
    if auto.credit is None:
        return declared, "unverified"
    if cp.decides == "necessary":  # failing → 0; holding → the declaration stands
        if auto.credit == 0:
            return 0, "mismatch" if declared else "verified"
        return declared, "verified"
    computed = auto.credit
    if status == "met":
        agrees = computed == units
    elif status == "not_met":
        agrees = computed == 0
    else:
        agrees = 0 < computed < units
    return computed, "verified" if agrees else "mismatch"


def score_clause(cp: ClausePlan, entry: ClauseEntry | None, listed: list[Attachment], plan: Plan,
                 facts: dict[str, Any], thresholds: dict[str, Fraction], fig: Fig,
                 lapse: Lapse | None = None) -> tuple[ClauseResult, int]:
    """One clause's result and its credit units (0 for N/A and unassessed clauses).

    ``lapse`` is what has expired for this clause (``evidence.expiry``): its flags, an N/A past its
    date (the clause then counts as unassessed), attachments too old to earn credit.
    """
    units = plan.units
    status = entry.status if entry is not None and entry.status is not None else "unassessed"
    if lapse is not None and lapse.unassessed:
        status = "unassessed"
    flags: list[str] = list(lapse.flags) if lapse is not None else []
    auto = (run_check(cp.expression, cp.steps, cp.decides, facts, thresholds, units)
            if cp.expression is not None else None)
    credit = 0
    potential: float | None = None
    criteria = declared_criteria(cp, status, entry)
    met_count, flag = 0, ""
    if cp.criterion_checks:
        met_count, criteria, flag = checked_criteria(cp, criteria, facts, thresholds, units)
    if status in ("unassessed", "na") and cp.criterion_checks:  # nothing is met where nothing is scored
        criteria = [new(Criterion, id=k.id, text=k.text, met=False, auto=k.auto) for k in criteria]
    if status == "unassessed":
        flags.append("unassessed")
    elif status != "na":
        assert entry is not None
        if cp.criterion_checks:
            credit = met_count * units // len(cp.criteria)
            flags.append(flag)
        else:
            credit = declared_credit(cp, entry, plan)
            if auto is not None:
                credit, flag = decide(cp, credit, auto, units, status)
                flags.append(flag)
        credit, potential = _evidenced(cp, credit, listed, flags, fig, units, lapse)
    values = cp.static.copy()
    values["status"] = status
    values["credit"] = fig(credit, units)
    values["earned"] = fig(cp.half_points * credit, 2 * units)
    values["potential"] = potential
    values["flags"] = flags
    values["auto"] = auto.public(units) if auto is not None else None
    values["criteria"] = criteria
    values["evidence"] = listed
    values["note"] = entry.note if entry is not None else None
    values["reason"] = entry.reason if entry is not None else None
    return build(ClauseResult, values), credit


def _evidenced(cp: ClausePlan, credit: int, listed: list[Attachment], flags: list[str], fig: Fig,
               units: int, lapse: Lapse | None) -> tuple[int, float | None]:
    """No credit without evidence where the clause requires it (stale files do not count):
    (credit, would-be points)."""
    present = missing_file = False
    for attachment in listed:
        if attachment.kind != "file" or attachment.exists:
            present = present or lapse is None or attachment.path not in lapse.stale
        else:
            missing_file = True
    if missing_file:
        flags.append("missing_attachment")
    if credit and cp.clause.evidence_required and not present:
        flags.append("unevidenced")
        return 0, fig(cp.half_points * credit, 2 * units)
    return credit, None
