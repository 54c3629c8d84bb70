"""What the figures of a pack rest on: each threshold's ``basis``, rolled up to clauses and points.

A threshold is ``stated`` (the standard's own words), ``borrowed`` (another region's document),
``norm`` (a national or provincial norm) or ``estimated`` (the tool's working figure). A clause's
figure rests on the weakest basis among the thresholds its automatic check reads (for a stepped
measure: the bound of its full-credit step); every output prints 「工具推定」 next to a figure
that rests on an estimate. ``points_by_basis`` is the README's table of how many points rest on
each kind (a test keeps the README's figures equal to it).
"""

from __future__ import annotations

from fractions import Fraction

from .loader import Pack
from .model import BASIS_LABELS, Clause
from .rules import criterion_key

WEAKEST_FIRST: tuple[str, ...] = ("estimated", "borrowed", "norm", "stated")
NO_THRESHOLD = "none"
"""A check that reads no threshold: only 0 or 1 (``>= 1`` facility, ``== 0`` incidents) or a
comparison of two facts."""

KIND_LABELS: dict[str, str] = {**BASIS_LABELS, NO_THRESHOLD: "无阈值（仅 0、1 或数据项之间比较）"}


def weakest(pack: Pack, names: list[str] | tuple[str, ...]) -> str | None:
    """The weakest basis among thresholds ``names`` (None when there are none)."""
    kinds = {pack.meta.thresholds[n].basis for n in names if n in pack.meta.thresholds}
    return next((k for k in WEAKEST_FIRST if k in kinds), None)


def _scale_thresholds(pack: Pack, clause: Clause) -> list[str]:
    """The threshold that sets a measure's full-credit step, if it is named."""
    scale = pack.meta.scales.get(clause.scale) if isinstance(clause.scale, str) else clause.scale
    if scale is None:
        return []
    bound = scale.steps[0].bound
    return [bound] if isinstance(bound, str) else []


def clause_thresholds(pack: Pack, clause: Clause) -> list[str]:
    """Every threshold the automatic checks of ``clause`` read (clause check, measure, criteria)."""
    names: list[str] = []
    expr = pack.expressions.get(clause.id)
    if expr is not None:
        names.extend(expr.thresholds)
    if clause.measure is not None:
        names.extend(_scale_thresholds(pack, clause))
    for criterion in clause.criteria or ():
        cexpr = pack.expressions.get(criterion_key(clause.id, criterion.id))
        if cexpr is not None:
            names.extend(cexpr.thresholds)
    return names


def clause_basis(pack: Pack, clause: Clause) -> str | None:
    """The weakest basis of the thresholds the clause's checks read; None without thresholds."""
    return weakest(pack, clause_thresholds(pack, clause))


def points_by_basis(pack: Pack) -> dict[str, Fraction]:
    """Points decided by data, by what their figure rests on (``none``: no threshold read).

    A clause-level check or measure counts the clause's points; a criterion check counts its share
    of the clause (points / number of criteria).
    """
    out: dict[str, Fraction] = dict.fromkeys((*WEAKEST_FIRST, NO_THRESHOLD), Fraction(0))
    for _, _, clause in pack.clauses():
        points = Fraction(clause.points)
        expr = pack.expressions.get(clause.id)
        if expr is not None:
            out[clause_basis(pack, clause) or NO_THRESHOLD] += points
            continue
        criteria = clause.criteria or []
        for criterion in criteria:
            cexpr = pack.expressions.get(criterion_key(clause.id, criterion.id))
            if cexpr is not None:
                out[weakest(pack, cexpr.thresholds) or NO_THRESHOLD] += points / len(criteria)
    return out
