"""Reading a declared fact the way people write it: ``93%`` or ``0.93``, ``1,200``, ``是``/``否``.

Values become exact numbers (``int`` or ``Fraction``) or booleans; anything else is refused with a
Chinese message that says what was expected. The same rules serve YAML and Excel input.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from ..exact import decimal_text
from ..pack.model import FactDef

FactValue = int | Fraction | bool

_TRUE = {"true", "yes", "y", "是", "有", "对", "√", "✓"}
_FALSE = {"false", "no", "n", "否", "无", "没有", "×", "✗"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class FactError(ValueError):
    """A value that cannot be read as its fact's type; the message is Chinese."""


def flatten(facts: dict[str, Any], prefix: str = "") -> dict[str, tuple[tuple[str, ...], Any]]:
    """``{satisfaction: {facilities: 0.9}}`` → ``{"satisfaction.facilities": (loc, 0.9)}``."""
    out: dict[str, tuple[tuple[str, ...], Any]] = {}
    for key, value in facts.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            for inner, (loc, v) in flatten(value, f"{name}.").items():
                out[inner] = ((str(key), *loc), v)
        else:
            out[name] = ((str(key),), value)
    return out


class NestError(ValueError):
    """Two dotted names disagree: one uses as a group what the other names as a value."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """The inverse of ``flatten``: ``{"satisfaction.facilities": 0.9}`` → ``{satisfaction: {facilities: 0.9}}``.

    The one place dotted fact names become nested groups (evidence files, workbooks, templates,
    schemas); groups keep the order of their first name. ``NestError`` names a conflicting name.
    """
    out: dict[str, Any] = {}
    made: set[int] = set()  # the group dicts made here (a value is never one of them)
    for name, value in flat.items():
        node = out
        *groups, leaf = name.split(".")
        for group in groups:
            if group not in node:
                node[group] = {}
                made.add(id(node[group]))
            elif id(node[group]) not in made:  # a value where this name needs a group
                raise NestError(name)
            node = node[group]
        if leaf in node and id(node[leaf]) in made:  # a group where this name is a value
            raise NestError(name)
        node[leaf] = value
    return out


def coerce(value: Any, fact: FactDef) -> FactValue | None:
    """The typed value of ``value`` for ``fact``; ``None`` when blank (not provided)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if fact.type == "boolean":
        return _boolean(value)
    number = _number(value, fact)
    if fact.type == "integer":
        if number.denominator != 1:
            raise FactError(f"应为整数，「{value}」带有小数")
        result: FactValue = int(number)
    else:
        result = number
    if fact.type == "ratio" and not 0 <= number <= 1:
        raise FactError(f"比例应在 0 到 1 之间（或 0% 到 100%），「{value}」超出范围；如 93% 请写 0.93 或 93%")
    if fact.min is not None and number < Fraction(fact.min):
        raise FactError(f"不能小于 {decimal_text(fact.min)}")
    if fact.max is not None and number > Fraction(fact.max):
        raise FactError(f"不能大于 {decimal_text(fact.max)}")
    return result


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise FactError(f"应为是/否（true/false），「{value}」不是是/否值")


def _number(value: Any, fact: FactDef) -> Fraction:
    if isinstance(value, bool):
        raise FactError(f"应为数字，「{value}」是是/否值")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise FactError("应为有限的数字")
        return Fraction(Decimal(repr(value)))
    if isinstance(value, str):
        return _parse_text(value, fact)
    raise FactError(f"应为数字，「{value}」不是数字")


def _parse_text(value: str, fact: FactDef) -> Fraction:
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
    if fact.unit:
        unit = unicodedata.normalize("NFKC", fact.unit)
        text = text.removesuffix(unit).removesuffix(unit.replace("²", "2"))
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if not _NUMBER.match(text):
        kind = "比例" if fact.type == "ratio" else "整数" if fact.type == "integer" else "数字"
        raise FactError(f"应为{kind}，「{value}」不是数字")
    try:
        number = Fraction(Decimal(text))
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid numbers
        raise FactError(f"应为数字，「{value}」不是数字") from None
    if percent:
        if fact.type != "ratio":
            raise FactError(f"「{value}」是百分数，但该数据项不是比例")
        number /= 100
    return number
