"""The scoring engine: a pure function (pack, evidence) → result. No I/O, exact arithmetic.

The model is ``design/scoring.md``; the report prints it in plain words:

* credit: met 1; partial k/n of the clause's criteria when named, else the pack's partial credit;
  not_met 0; na leaves the clause out of its category's applicable points; absent = unassessed, 0.
* automatic checks: with every fact present the computed credit is used, and a disagreement with
  the declared status is flagged 自评与数据不符; with facts missing the declared status stands and
  the clause is flagged 无法核验.
* evidence: a clause that requires evidence and has none (no paper ledger, no link, no listed file
  that exists) earns 0 and is flagged 缺少佐证, its would-be points shown as potential.
* roll-up: category score = earned / applicable × category points; total = Σ scores + bonus
  (capped), never above total points. Rounding only at the very end (``numbers``).

Exact and fast (a city of 338 communities; ≥ 500 results per second per core): every credit the
pack can produce is a multiple of 1/L, where L is the least common multiple of its denominators
(partial credit, criteria counts, scale steps) — 60 for jingzhi-2022. Credits are counted in those
integer *units* and points in half-points, so every sum is an integer; exact fractions appear only
for the category ratios, and rounding works on integer numerator/denominator pairs.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .. import __version__
from ..evidence.loader import AttachmentInfo, Evidence
from ..evidence.model import ClauseEntry
from ..exact import Exact, apportion, r4, r4_ratio, round_decimal
from ..exact import plain as _plain
from ..expr import Expression, ExpressionError
from ..pack import Pack
from ..result import (
    Attachment,
    AutoCheck,
    CategoryResult,
    ClauseResult,
    CommunityInfo,
    Criterion,
    EvidenceInfo,
    FlagCounts,
    Gap,
    ItemResult,
    RatingResult,
    Result,
    ToolInfo,
    VetoResult,
)
from .plan import ClausePlan, Plan, build, new, plan_for

STATUSES = ("met", "partial", "not_met", "na", "unassessed")


# -- scoring ---------------------------------------------------------------------------------------
def score(pack: Pack, evidence: Evidence, *, generated_at: str, tool_version: str = __version__) -> Result:
    """Score ``evidence`` against ``pack``. Deterministic for equal inputs and ``generated_at``."""
    plan = plan_for(pack)
    units = plan.units
    facts = evidence.facts
    thresholds = pack.thresholds
    entries = evidence.data.clauses
    attachments = {label: _attachment(info) for label, info in evidence.attachments.items()}
    listed_keys = evidence.listed
    expired = evidence.expired
    n_categories = len(pack.categories)
    applicable = [0] * n_categories  # half-points
    na_points = [0] * n_categories
    earned = [0] * n_categories  # half-points × credit units
    item_applicable = [0] * len(plan.items)
    item_earned = [0] * len(plan.items)
    status_counts = [dict.fromkeys(STATUSES, 0) for _ in range(n_categories)]
    counts = dict.fromkeys(FlagCounts.model_fields, 0)
    clause_results: list[ClauseResult] = []
    credits: list[int] = []  # credit units per clause
    rounded: dict[tuple[int, int], float] = {}  # (numerator, denominator) → 4-decimal figure

    def fig(numerator: int, denominator: int) -> float:
        key = (numerator, denominator)
        value = rounded.get(key)
        if value is None:
            value = rounded[key] = r4_ratio(numerator, denominator)
        return value

    for cp in plan.clauses:
        cid = cp.clause.id
        entry = entries.get(cid)
        status = entry.status if entry is not None and entry.status is not None else "unassessed"
        lapse = expired.get(cid)  # what has expired (evidence.expiry): flags, N/A void, stale files
        if lapse is not None and lapse.unassessed:
            status = "unassessed"
        flags: list[str] = list(lapse.flags) if lapse is not None else []
        auto = _auto(cp, facts, thresholds, units) if cp.expression is not None else None
        credit = 0
        potential: float | None = None
        keys = listed_keys.get(cid)
        listed = [attachments[k] for k in keys] if keys else []
        if status == "unassessed":
            flags.append("unassessed")
        elif status != "na":
            assert entry is not None
            credit = _declared_credit(cp, entry, plan)
            if auto is not None:
                if auto.credit is None:
                    flags.append("unverified")
                else:
                    agrees = (auto.credit == units) if status == "met" else (auto.credit == 0) \
                        if status == "not_met" else (0 < auto.credit < units)
                    flags.append("verified" if agrees else "mismatch")
                    credit = auto.credit
            present = missing_file = False
            for attachment in listed:
                if attachment.kind != "file" or attachment.exists:
                    present = present or lapse is None or attachment.path not in lapse.stale
                else:
                    missing_file = True
            if missing_file:
                flags.append("missing_attachment")
            if credit and cp.clause.evidence_required and not present:
                potential = fig(cp.half_points * credit, 2 * units)
                credit = 0
                flags.append("unevidenced")
        c = cp.category
        status_counts[c][status] += 1
        if status == "na":
            na_points[c] += cp.half_points
            counts["na"] += 1
        else:
            applicable[c] += cp.half_points
            item_applicable[cp.item_index] += cp.half_points
            if credit:
                earned[c] += cp.half_points * credit
                item_earned[cp.item_index] += cp.half_points * credit
        for flag in flags:
            if flag in counts:
                counts[flag] += 1
        credits.append(credit)
        values = cp.static.copy()
        values["status"] = status
        values["credit"] = fig(credit, units)
        values["earned"] = fig(cp.half_points * credit, 2 * units)
        values["potential"] = potential
        values["flags"] = flags
        values["auto"] = auto.public(units) if auto is not None else None
        values["criteria"] = _criteria(cp, entry)
        values["evidence"] = listed
        values["note"] = entry.note if entry is not None else None
        values["reason"] = entry.reason if entry is not None else None
        clause_results.append(build(ClauseResult, values))

    # Category roll-up: score = earned / applicable × points (N/A rescales within its category).
    ratios = [Fraction(earned[c], applicable[c] * units) if applicable[c] else None for c in range(n_categories)]
    scores = [r * p if r is not None else Fraction(0) for r, p in zip(ratios, plan.category_points, strict=True)]
    subtotal = sum(scores, Fraction(0))
    bonus = _bonus(pack, evidence)
    total = min(subtotal + bonus, Fraction(pack.meta.total_points))
    vetoes = _vetoes(pack, facts)
    category_flags = [
        (["insufficient_basis"] if Fraction(na_points[c], 2) > plan.na_cap * plan.category_points[c] else [])
        + (["all_na"] if ratios[c] is None else [])
        for c in range(n_categories)
    ]
    rating = _rating(pack, total, ratios, vetoes, any("insufficient_basis" in f for f in category_flags))

    # Rounding, once. JSON figures are each rounded half up (so one category never moves another);
    # the one-decimal figures a person reads are apportioned so that they add up as printed.
    total_1 = round_decimal(total, 1)
    subtotal_1 = round_decimal(subtotal, 1)
    scores_1 = apportion(scores, subtotal_1, 1)
    category_results = [
        new(CategoryResult, id=cat.id, title=cat.title, theme=cat.theme, points=float(cat.points),
             applicable=applicable[c] / 2, na_points=na_points[c] / 2, earned=fig(earned[c], 2 * units),
             ratio=r4(ratios[c]) if ratios[c] is not None else None, score=r4(scores[c]),  # type: ignore[arg-type]
             score_text=f"{scores_1[c]:.1f}", flags=category_flags[c], counts=status_counts[c])
        for c, cat in enumerate(pack.categories)
    ]
    data = evidence.data
    return new(
        Result, format=1, tool=new(ToolInfo, name="jingzhi-audit", version=tool_version),
        pack=plan.pack_info,
        evidence=new(EvidenceInfo, path=evidence.name, sha256=evidence.sha256, encoding=evidence.encoding,
                      attachments=list(attachments.values())),
        community=new(CommunityInfo, name=data.community.name, district=data.community.district,
                       street=data.community.street, code=data.community.code),
        assessed_on=data.assessed_on.isoformat() if data.assessed_on else None,
        period={"from": data.period.start.isoformat(), "to": data.period.end.isoformat()} if data.period else None,
        assessor=data.assessor,
        total=r4(total), total_text=f"{total_1:.1f}", total_points=float(pack.meta.total_points),
        bonus=r4(total - subtotal), bonus_text=f"{total_1 - subtotal_1:.1f}",
        complete=counts["unassessed"] == 0 and all(v.triggered is not None for v in vetoes),
        rating=rating, vetoes=vetoes, categories=category_results,
        items=[new(ItemResult, id=item.id, category=cat.id, title=item.title, points=half / 2,
                    applicable=item_applicable[k] / 2, earned=fig(item_earned[k], 2 * units))
               for k, (cat, item, half) in enumerate(plan.items)],
        clauses=clause_results, gaps=_gaps(plan, clause_results, credits, applicable, fig),
        flag_counts=new(FlagCounts, **counts),
        facts={k: _plain(v) for k, v in sorted(facts.items())}, generated_at=generated_at, review=None,
    )


# -- one clause ------------------------------------------------------------------------------------
def _declared_credit(cp: ClausePlan, entry: ClauseEntry, plan: Plan) -> int:
    """The declared status as credit units."""
    if entry.status == "met":
        return plan.units
    if entry.status == "partial":
        if cp.criteria and entry.criteria_met:
            met = sum(1 for ident, _ in cp.criteria if ident in entry.criteria_met)
            return met * plan.units // len(cp.criteria)
        return plan.partial_units
    return 0


class _Auto:
    """The outcome of a clause's automatic check (credit in units), and its public form."""

    __slots__ = ("credit", "error", "expression", "facts", "kind", "missing", "value")

    def __init__(self, kind: str, expression: Expression, facts: dict[str, Any], missing: list[str]) -> None:
        self.kind = kind
        self.expression = expression
        self.facts = facts
        self.missing = missing
        self.value: Any = None
        self.credit: int | None = None  # the computed credit units, when every fact is present
        self.error: str | None = None

    def public(self, units: int) -> AutoCheck:
        value = self.value
        get = self.facts.get
        return build(AutoCheck, {
            "kind": self.kind, "expression": self.expression.source,
            "facts": {name: _plain(get(name)) for name in self.expression.facts},
            "missing_facts": self.missing,
            "value": value if value is None or isinstance(value, bool) else r4(value),
            "computed_credit": r4_ratio(self.credit, units) if self.credit is not None else None,
            "error": self.error,
        })


def _auto(cp: ClausePlan, facts: dict[str, Any], thresholds: dict[str, Fraction], units: int) -> _Auto:
    assert cp.expression is not None
    names, missing = cp.expression.bind(facts, thresholds)
    auto = _Auto("check" if cp.steps is None else "measure", cp.expression, facts, missing)
    if missing:
        return auto
    try:
        value = cp.expression.evaluate_bound(names)
    except ExpressionError as exc:
        auto.error = str(exc)
        return auto
    auto.value = value
    if cp.steps is None:
        auto.credit = units if value is True else 0
    else:
        auto.credit = 0
        for at_least, bound, credit in cp.steps:  # the first step the value satisfies
            if bound is None or (value >= bound if at_least else value <= bound):
                auto.credit = credit
                break
    return auto


def _criteria(cp: ClausePlan, entry: ClauseEntry | None) -> list[Criterion]:
    if not cp.criteria or entry is None or not entry.criteria_met:
        return cp.unticked
    met = entry.criteria_met
    return [new(Criterion, id=ident, text=text, met=ident in met) for ident, text in cp.criteria]


def _attachment(info: AttachmentInfo) -> Attachment:
    return build(Attachment, {"kind": info.kind, "path": info.label, "exists": info.exists,
                               "sha256": info.sha256, "size": info.size})


# -- roll-up ---------------------------------------------------------------------------------------
def _gaps(plan: Plan, clauses: list[ClauseResult], credits: list[int], applicable: list[int],
          fig: Any) -> list[Gap]:
    """Every applicable clause with credit < 1; points lost = points × (1 − credit) × P / applicable.

    In half-points and units: (h/2)(1 − c/L)·P / (A/2) = h·(L − c)·P / (A·L), with P = p/q exactly.
    """
    units = plan.units
    found: list[tuple[float, tuple[int, ...], Gap]] = []
    for cp, result, credit in zip(plan.clauses, clauses, credits, strict=True):
        if result.status == "na" or credit >= units:
            continue
        points = plan.category_points[cp.category]
        numerator = cp.half_points * (units - credit) * points.numerator
        denominator = applicable[cp.category] * units * points.denominator
        # Sorting by the float is exact in order: distinct losses (small denominators) never
        # share a float, and equal losses give equal floats, then the clause ID decides.
        found.append((numerator / denominator, cp.order, new(
            Gap, clause=result.id, category=result.category, item=result.item, title=result.title,
            text=result.text, status=result.status, reason=_reason(result), credit=result.credit,
            points=result.points, points_lost=fig(numerator, denominator), guidance=result.guidance,
        )))
    found.sort(key=lambda g: (-g[0], g[1]))
    return [g for _, _, g in found]


def _reason(clause: ClauseResult) -> str:
    flags = clause.flags
    if "unassessed" in flags:
        return "unassessed"
    if "unevidenced" in flags:
        return "unevidenced"
    if "mismatch" in flags:
        return "mismatch"
    return "not_met" if clause.credit == 0 else "partial"


def _bonus(pack: Pack, evidence: Evidence) -> Fraction:
    """Pack-defined bonus items (credit by check, or by declared status), capped."""
    total = Fraction(0)
    for bonus in pack.meta.bonus:
        entry = evidence.data.bonus.get(bonus.id)
        expr = pack.expressions.get(f"bonus:{bonus.id}")
        credit: Exact = 0
        checked = _holds(expr, evidence.facts, pack.thresholds) if expr is not None else None
        if checked is not None and not checked[1]:  # a check with every fact given decides
            credit = 1 if checked[0] else 0  # (one that cannot be computed gives no credit)
        elif entry is not None and entry.status in ("met", "partial"):
            credit = 1 if entry.status == "met" else Fraction(pack.meta.partial_credit)
        if credit and bonus.evidence_required:
            infos = [evidence.attachments[a.key] for a in (entry.evidence if entry else [])]
            if not any(a.kind != "file" or a.exists for a in infos):
                credit = 0
        total += Fraction(bonus.points) * credit
    return min(total, Fraction(pack.meta.bonus_cap))


def _vetoes(pack: Pack, facts: dict[str, Any]) -> list[VetoResult]:
    out = []
    for veto in pack.meta.vetoes:
        triggered, missing = _holds(pack.expressions[f"veto:{veto.id}"], facts, pack.thresholds)
        out.append(new(VetoResult, id=veto.id, title=veto.title, triggered=triggered, missing_facts=missing))
    return out


def _holds(expr: Expression, facts: dict[str, Any], thresholds: dict[str, Fraction]) -> tuple[bool | None, list[str]]:
    """Whether a check holds, and its missing facts; None when a fact is missing or it cannot be computed."""
    names, missing = expr.bind(facts, thresholds)
    if missing:
        return None, missing
    try:
        return expr.evaluate_bound(names) is True, missing
    except ExpressionError:
        return None, missing


def _rating(pack: Pack, total: Fraction, ratios: list[Fraction | None], vetoes: list[VetoResult],
            insufficient: bool) -> RatingResult:
    """Bands top-down, the first that holds wins; a veto gives the last band; N/A over the cap caps it."""
    ratings = pack.meta.ratings
    fallback = chosen = ratings[-1]
    for rating in ratings[:-1]:
        if rating.min_total is not None and total < Fraction(rating.min_total):
            continue
        if rating.min_category_ratio is not None and any(
            r is not None and r < Fraction(rating.min_category_ratio) for r in ratios
        ):
            continue
        chosen = rating
        break

    def result(band: Any, capped_by: str | None = None, uncapped: str | None = None) -> RatingResult:
        return new(RatingResult, id=band.id, label=band.label, stars=band.stars, capped_by=capped_by,
                    uncapped=uncapped)

    if any(v.triggered for v in vetoes):
        return result(fallback, "veto", chosen.id if chosen.id != fallback.id else None)
    cap = pack.meta.na_cap_rating
    if insufficient and cap is not None:
        order = [r.id for r in ratings]
        if order.index(chosen.id) < order.index(cap):
            return result(ratings[order.index(cap)], "na_cap", chosen.id)
    return result(chosen)
