"""Exact numbers and their rounding: half up, as Chinese scoring tables round, never banker's."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

Exact = int | Fraction


def round_units(value: Exact, places: int) -> int:
    """``value`` × 10^places rounded half away from zero, as an integer (exact integer arithmetic)."""
    if isinstance(value, int):
        return value * 10**places
    return round_ratio(value.numerator, value.denominator, places)


def round_ratio(numerator: int, denominator: int, places: int) -> int:
    """``numerator / denominator`` × 10^places rounded half away from zero (``denominator`` > 0)."""
    scaled = abs(numerator) * 10**places
    units = (2 * scaled + denominator) // (2 * denominator)
    return -units if numerator < 0 else units


def r4_ratio(numerator: int, denominator: int) -> float:
    """The 4-decimal figure of ``numerator / denominator``, with integer arithmetic only."""
    return round_ratio(numerator, denominator, 4) / 10000


def round_decimal(value: Exact, places: int) -> Decimal:
    """Half-up rounding of an exact value to ``places`` decimals."""
    return _decimal(round_units(value, places), places)


def r4(value: Exact) -> float:
    """The 4-decimal figure a result JSON carries."""
    if isinstance(value, int):
        return float(value)
    if value.denominator == 1:
        return float(value.numerator)
    return round_units(value, 4) / 10000


def plain(value: Exact | float | bool | None) -> float | int | bool | None:
    """A value for JSON: whole numbers as integers, others to 4 decimals."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):  # simpleeval's true division of two integers
        return int(value) if value.is_integer() else round(value, 4)
    if value.denominator == 1:
        return value.numerator
    return r4(value)


def decimal_text(value: Decimal) -> str:
    """A decimal as a person writes it: ``5.0`` → ``5``, ``0.50`` → ``0.5``, ``1E+2`` → ``100``."""
    return f"{value.normalize():f}"


def apportion(values: Sequence[Exact], target: Decimal, places: int) -> list[Decimal]:
    """Round non-negative ``values`` to ``places`` decimals so that they add up to ``target`` exactly.

    Largest-remainder method: each value is rounded down, then the units still missing go to the
    values with the largest remainders (earlier ones first on ties). A value never moves by more
    than one unit in the last place, and a value exact at ``places`` is left as it is.
    """
    scale = 10**places
    scaled = [Fraction(v) * scale for v in values]
    floors = [s.numerator // s.denominator for s in scaled]
    missing = int(target.scaleb(places)) - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(scaled[i] - floors[i]), i))
    units = list(floors)
    for i in order[: max(missing, 0)]:
        units[i] += 1
    return [_decimal(u, places) for u in units]


def _decimal(units: int, places: int) -> Decimal:
    return Decimal(units).scaleb(-places).quantize(Decimal(1).scaleb(-places))
