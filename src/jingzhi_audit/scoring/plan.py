"""The per-pack plan of the scoring engine, and how result objects are built.

Everything here depends only on the pack, so it is computed once per pack (``plan_for``), not once
per community: clause points in half-points, scales as exact steps in credit units, the static
fields of each clause's result. ``build`` makes result objects from values the engine computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

from pydantic import BaseModel

from ..expr import Expression
from ..pack import Pack
from ..pack.basis import clause_basis
from ..pack.model import Category, Clause, Gate, Scale, Source, id_order
from ..pack.rules import criterion_key, gate_key
from ..result import Criterion, GateInfo, PackInfo, RatingBand

M = TypeVar("M", bound=BaseModel)
Steps = tuple[tuple[bool, Fraction | None, int], ...]  # (at_least?, bound, credit units)

_set = object.__setattr__
_FIELDS: dict[type, set[str]] = {}


def build(cls: type[M], values: dict[str, Any]) -> M:
    """Build a result object from values our own code computed, every field given, unvalidated.

    What ``model_construct`` does, without its default handling (twice as fast; a result holds
    ~400 objects). The schema is still enforced where results come back in (``Result`` JSON is
    validated on reading) and by the tests, which round-trip results through validation.
    """
    obj = object.__new__(cls)
    _set(obj, "__dict__", values)
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = set(cls.model_fields)
    # Every field is given, so every instance has the same fields-set; frozen models never change it.
    _set(obj, "__pydantic_fields_set__", fields)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def new(cls: type[M], **values: Any) -> M:
    """``build`` with keyword arguments."""
    return build(cls, values)


# -- the per-pack plan -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ClausePlan:
    clause: Clause
    category: int  # index into pack.categories
    item_index: int  # index into the pack's items, in order
    order: tuple[int, ...]  # the clause ID as numbers, for sorting gaps
    half_points: int  # points × 2: clause points are multiples of 0.5
    expression: Expression | None
    steps: Steps | None
    decides: str  # "clause" (a check or a measure decides the clause) or "necessary"
    criteria: tuple[tuple[str, str], ...]
    criterion_checks: tuple[Expression | None, ...]  # per criterion, its check (data decides it)
    unticked: list[Criterion]  # the criteria with none met (shared: results are immutable)
    all_met: list[Criterion]  # the criteria all met
    pilot: bool  # N/A here does not count towards the N/A cap
    static: dict[str, Any]  # the ClauseResult fields that do not depend on evidence


@dataclass(frozen=True, slots=True)
class Plan:
    units: int  # L: credits are counted in 1/L
    partial_units: int
    clauses: tuple[ClausePlan, ...]
    na_cap: Fraction
    category_points: tuple[Fraction, ...]
    items: tuple[tuple[Category, Any, int], ...]  # (category, item, half-points)
    gates: tuple[tuple[tuple[Gate, Expression], ...], ...]  # per rating band, its gates
    thresholds: dict[str, Fraction]
    pack_info: PackInfo


_PLANS: dict[int, tuple[Pack, Plan]] = {}


def plan_for(pack: Pack) -> Plan:
    """The per-pack plan of the engine (computed once per pack)."""
    cached = _PLANS.get(id(pack))
    if cached is not None and cached[0] is pack:
        return cached[1]
    partial = Fraction(pack.meta.partial_credit)
    denominators = {partial.denominator}
    for _, _, clause in pack.clauses():
        if clause.criteria:
            denominators.add(len(clause.criteria))
        scale = pack.scales.get(clause.id)
        if scale is not None:
            denominators.update(Fraction(step.credit).denominator for step in scale.steps)
    units = math.lcm(*denominators)
    items = [(category, item) for category in pack.categories for item in category.items]
    item_index = {item.id: k for k, (_, item) in enumerate(items)}
    clauses = []
    for index, category in enumerate(pack.categories):
        for item in category.items:
            for clause in item.clauses:
                criteria = clause.criteria or []
                checks = tuple(pack.expressions.get(criterion_key(clause.id, c.id)) for c in criteria)
                clauses.append(ClausePlan(
                    clause=clause, category=index, item_index=item_index[item.id],
                    order=id_order(clause.id), half_points=int(clause.points * 2),
                    expression=pack.expressions.get(clause.id), steps=steps_of(pack.scales.get(clause.id), units),
                    decides=clause.decides or "clause",
                    criteria=tuple((c.id, c.text) for c in criteria),
                    criterion_checks=checks if any(checks) else (),
                    unticked=[new(Criterion, id=c.id, text=c.text, met=False, auto=None) for c in criteria],
                    all_met=[new(Criterion, id=c.id, text=c.text, met=True, auto=None) for c in criteria],
                    pilot=clause.pilot,
                    static={
                        "id": clause.id, "category": category.id, "item": item.id, "title": clause.title,
                        "text": clause.text, "points": float(clause.points), "method": list(clause.method),
                        "evidence_required": clause.evidence_required, "evidence_hint": clause.evidence_hint,
                        "figure_basis": clause_basis(pack, clause), "guidance": clause.guidance,
                    },
                ))
    plan = Plan(
        units=units, partial_units=int(partial * units), clauses=tuple(clauses),
        na_cap=Fraction(pack.meta.na_cap), category_points=tuple(Fraction(c.points) for c in pack.categories),
        items=tuple((cat, item, sum(int(c.points * 2) for c in item.clauses)) for cat, item in items),
        gates=tuple(tuple((g, pack.expressions[gate_key(r.id, g.id)]) for g in r.gates) for r in pack.meta.ratings),
        thresholds=pack.thresholds, pack_info=pack_info(pack),
    )
    _PLANS.clear()  # one pack at a time in practice; never grow without bound
    _PLANS[id(pack)] = (pack, plan)
    return plan


def steps_of(scale: Scale | None, units: int) -> Steps | None:
    """A resolved scale as exact (at_least?, bound, credit units) steps, converted once per pack."""
    if scale is None:
        return None
    return tuple(
        (step.at_most is None, Fraction(step.bound) if step.bound is not None else None,
         int(Fraction(step.credit) * units))
        for step in scale.steps
    )


def pack_info(pack: Pack) -> PackInfo:
    """The pack as a result records it (identity, settings, rating bands)."""
    meta = pack.meta
    return new(
        PackInfo, id=meta.id, title=meta.title, code=meta.code, issuer=meta.issuer, version=meta.version,
        provenance=meta.provenance, provenance_note=meta.provenance_note, sha256=pack.sha256,
        total_points=float(meta.total_points), partial_credit=float(meta.partial_credit),
        na_cap=float(meta.na_cap), na_cap_rating=meta.na_cap_rating, bonus_cap=float(meta.bonus_cap),
        ratings=[new(RatingBand, id=r.id, label=r.label, stars=r.stars,
                      min_total=float(r.min_total) if r.min_total is not None else None,
                      min_category_ratio=float(r.min_category_ratio) if r.min_category_ratio is not None else None,
                      gates=[new(GateInfo, id=g.id, label=g.label, message=g.message, check=" ".join(g.check.split()),
                                 source=source_text(g.source)) for g in r.gates])
                 for r in meta.ratings],
    )


def source_text(source: Source) -> str:
    """A source in one line: ``weihai-2022：「满意率均达到90%以上」`` or the reconstruction reason."""
    if source.reconstructed is not None:
        return f"重构：{source.reconstructed}"
    parts = [f"「{source.quote}」" if source.quote else "", source.note or ""]
    return f"{source.doc}：" + "；".join(p for p in parts if p)
