"""Turn pydantic validation errors into ``file:line: field: message`` problems in Chinese.

A community worker should never see a pydantic dump. Each error is placed at the line of the value
it is about, named by a readable path (``items[5.6].clauses[5.6.1].points``: list entries are named
by their ``id`` where they have one) and explained in Chinese; a misspelt key gets the nearest
allowed names.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .yamlio import Document, Loc

_SLUG_HINT = "只能用小写英文字母、数字、“-”和“_”，且以字母或数字开头"
_ID_HINT = "编号格式应为 5、5.1 或 5.1.1 这样的数字加点"


def nearest(name: str, options: Iterable[str], *, cutoff: float = 0.6) -> str:
    """A "（是否想写：…？）" hint naming the closest options, or ``""`` when none is close."""
    close = difflib.get_close_matches(name, list(options), n=3, cutoff=cutoff)
    return f"（是否想写：{'、'.join(close)}？）" if close else ""


def validation_problems(
    exc: ValidationError, doc: Document | Any, model: type[BaseModel], *, base: Loc = ()
) -> list[Problem]:
    """Problems for every error of ``exc``, raised validating ``doc.data`` (at ``base``) as ``model``.

    ``doc`` places each problem: a YAML ``Document`` by line, an Excel locator by sheet and cell.
    """
    grouped: dict[Loc, list[str]] = {}
    errors = [(e, _clean_loc(doc.data, base, tuple(e["loc"]))) for e in exc.errors(include_url=False)]
    missing: dict[Loc, list[str]] = {}
    for error, loc in errors:
        if error["type"] == "missing" and loc:
            missing.setdefault(loc[:-1], []).append(str(loc[-1]))
    for error, loc in errors:
        message = translate(error, model, loc[len(base):], missing.get(loc[:-1], []))
        if message is None:
            continue
        messages = grouped.setdefault(loc, [])
        if message not in messages:
            messages.append(message)
    problems = []
    for loc, messages in grouped.items():
        field = readable_field(doc.data, loc)
        message = messages[0] if len(messages) == 1 else "；或者".join(messages)
        problems.append(doc.problem(loc, field or None, message))
    problems.sort(key=lambda p: (p.line or 0, p.field or ""))
    return problems


def _clean_loc(data: Any, base: Loc, loc: Loc) -> Loc:
    """Drop the union-branch tags pydantic puts into ``loc`` (``'str'``, ``'Scale'`` …)."""
    out: list[str | int] = list(base)
    current = _walk(data, base)
    for part in loc:
        if isinstance(current, dict):
            if part in current:
                out.append(part)
                current = current[part]
            elif isinstance(part, str) and (part[:1].isupper() or "[" in part or part in _TAGS):
                continue  # a union branch, not a key
            else:
                out.append(part)
                current = None
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            out.append(part)
            current = current[part]
        elif isinstance(part, str) and (part[:1].isupper() or "[" in part or part in _TAGS):
            continue
        else:
            out.append(part)
            current = None
    return tuple(out)


_TAGS = {"str", "int", "float", "decimal", "bool", "date", "list", "dict", "none", "constrained-str"}


def _walk(data: Any, loc: Iterable[str | int]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def readable_field(data: Any, loc: Sequence[str | int]) -> str:
    """``items[5.6].clauses[5.6.1].points`` — list entries named by their ``id`` where present."""
    out = ""
    current = data
    for part in loc:
        if isinstance(part, int):
            element = current[part] if isinstance(current, list) and part < len(current) else None
            ident = element.get("id") if isinstance(element, dict) else None
            out += f"[{ident}]" if isinstance(ident, str) and ident else f"[{part + 1}]"
            current = element
        else:
            out += f".{part}" if out else str(part)
            current = current.get(part) if isinstance(current, dict) else None
    return out


def translate(error: Any, model: type[BaseModel], loc: Loc, missing: Sequence[str] = ()) -> str | None:
    """A Chinese message for one pydantic error; ``missing`` are required keys absent beside it."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    name = loc[-1] if loc else ""
    if kind == "missing":
        return f"缺少必填字段「{name}」"
    if kind in ("string_type", "model_type", "dict_type") and error.get("input", 0) is None:
        return "必填，不能留空"
    if kind == "extra_forbidden":
        allowed = allowed_keys(model, loc[:-1])
        close = difflib.get_close_matches(str(name), list(missing), n=1, cutoff=0.5) or \
            difflib.get_close_matches(str(name), sorted(allowed), n=3, cutoff=0.6)
        hint = f"，是否想写「{'」或「'.join(close)}」？" if close else ""
        listing = f"（此处可用的字段：{'、'.join(sorted(allowed))}）" if allowed and not close else ""
        return f"未知字段「{name}」{hint}{listing}"
    if kind == "value_error":
        err = ctx.get("error")
        return str(err) if err is not None else error["msg"].removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if "[1-9]" in pattern:
            return f"「{error.get('input')}」不是有效编号：{_ID_HINT}"
        if "a-z0-9_-" in pattern or "a-z][a-z0-9_]" in pattern:
            return f"「{error.get('input')}」不是有效名称：{_SLUG_HINT}"
        return f"「{error.get('input')}」格式不对"
    if kind == "literal_error":
        return f"「{error.get('input')}」不是可选值；可选值：{_expected(ctx)}"
    simple = _SIMPLE.get(kind)
    if simple is not None:
        return simple.format(**{k: _fmt(v) for k, v in ctx.items()}, input=_fmt(error.get("input")))
    return f"{error['msg']}（{kind}）"


def _fmt(value: Any) -> str:
    return str(value)


def _expected(ctx: dict[str, Any]) -> str:
    expected = str(ctx.get("expected", ""))
    return expected.replace("'", "").replace(" or ", "、").replace(", ", "、")


_SIMPLE = {
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "string_too_long": "太长，最多 {max_length} 个字",
    "int_type": "应为整数",
    "int_parsing": "应为整数，「{input}」不是整数",
    "int_from_float": "应为整数，「{input}」带有小数",
    "float_type": "应为数字",
    "float_parsing": "应为数字，「{input}」不是数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字，「{input}」不是数字",
    "finite_number": "应为有限的数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false，「{input}」不是是/否值",
    "date_type": "应为日期，格式如 2026-11-01",
    "date_parsing": "应为日期，格式如 2026-11-01",
    "date_from_datetime_parsing": "应为日期，格式如 2026-11-01",
    "date_from_datetime_inexact": "应为日期（不含时间），格式如 2026-11-01",
    "list_type": "应为列表（每项以“- ”开头，或写成 [a, b]）",
    "dict_type": "应为映射（“键: 值”的形式）",
    "model_type": "应为映射（“键: 值”的形式）",
    "model_attributes_type": "应为映射（“键: 值”的形式）",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "必须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "必须小于 {lt}",
    "none_required": "此处不应有值",
    "url_parsing": "不是有效的网址",
}


def allowed_keys(model: type[BaseModel], loc: Loc) -> set[str]:
    """Field names accepted at ``loc`` (for "did you mean" hints)."""
    candidates: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for tp in candidates:
            for arm in _arms(tp):
                if isinstance(arm, type) and issubclass(arm, BaseModel) and isinstance(part, str):
                    field = arm.model_fields.get(part)
                    if field is not None:
                        nxt.append(field.annotation)
                else:
                    origin = typing.get_origin(arm)
                    args = typing.get_args(arm)
                    if origin is list and isinstance(part, int) and args:
                        nxt.append(args[0])
                    elif origin is dict and args and len(args) == 2:
                        nxt.append(args[1])
        candidates = nxt
    keys: set[str] = set()
    for tp in candidates:
        for arm in _arms(tp):
            if isinstance(arm, type) and issubclass(arm, BaseModel):
                keys.update(arm.model_fields)
    return keys


def _arms(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _arms(typing.get_args(tp)[0])
    if origin is typing.Union or origin is types.UnionType:
        out: list[Any] = []
        for arg in typing.get_args(tp):
            out.extend(_arms(arg))
        return out
    return [tp]
