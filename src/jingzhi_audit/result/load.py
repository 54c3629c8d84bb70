"""Reading a saved result JSON back (``audit report``), as untrusted input: checked, never trusted."""

from __future__ import annotations

import json
import math
from pathlib import Path

from pydantic import ValidationError

from ..diagnostics import translate
from ..errors import InputError, Problem, ResultError
from ..files import display_path, read_text
from ..yamlio import MAX_TEXT
from .model import RESULT_FORMAT, Result

RESULT_FILE_LIMIT = 20 * 1024 * 1024


def load_result(path: Path) -> Result:
    """A ``Result`` from a JSON file written by ``audit score --format json``."""
    name = display_path(path)
    try:
        text, _ = read_text(path, limit=RESULT_FILE_LIMIT)
    except InputError as exc:
        raise ResultError(exc.problems) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultError([Problem(name, exc.lineno, None, f"不是有效的 JSON：第 {exc.colno} 列附近格式错误")]) from None
    except RecursionError:
        raise ResultError([Problem(name, 1, None, "JSON 嵌套过深，不是本工具生成的结果文件")]) from None
    bad = _bad_values(data)
    if bad:
        raise ResultError([Problem(name, None, bad[0], bad[1])],
                          summary=f"{name}: 结果文件内容无效（可能被手工改动过）：{bad[0]}: {bad[1]}")
    if not isinstance(data, dict) or "tool" not in data or "clauses" not in data:
        raise ResultError([Problem(name, 1, None, "这不是 audit score --format json 生成的结果文件")])
    if data.get("format") != RESULT_FORMAT:
        raise ResultError([Problem(name, 1, "format",
                                   f"结果文件格式版本 {data.get('format')} 与本工具（{RESULT_FORMAT}）不符，请用本工具重新评分")])
    try:
        result = Result.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False)[:20]:
            loc = tuple(error["loc"])
            field = ".".join(str(p) for p in loc)
            problems.append(Problem(name, None, field or None, translate(error, Result, loc) or error["msg"]))
        raise ResultError(problems, summary=f"{name}: 结果文件内容无效（可能被手工改动过）：\n"
                                            + "\n".join(str(p) for p in problems)) from None
    wrong = arithmetic_problems(result)
    if wrong:
        raise ResultError([Problem(name, None, field, message) for field, message in wrong],
                          summary=f"{name}: 结果文件的得分不能自洽（可能被手工改动过），拒绝渲染：\n"
                                  + "\n".join(f"{field}: {message}" for field, message in wrong))
    return result


def _bad_values(data: object, where: str = "") -> tuple[str, str] | None:
    """The first value no result of this tool holds: NaN or infinity, text over ``MAX_TEXT``."""
    stack: list[tuple[object, str]] = [(data, where)]
    characters = 0
    while stack:
        value, at = stack.pop()
        if isinstance(value, str):
            characters += len(value)
            if characters > RESULT_TEXT_LIMIT:
                return at, f"结果中的文字合计超过 {RESULT_TEXT_LIMIT} 个字符"
        if isinstance(value, float) and not math.isfinite(value):
            return at or "（顶层）", "数值无效（NaN 或无穷大）"
        if isinstance(value, str) and len(value) > MAX_TEXT:
            return at or "（顶层）", f"文字过长（{len(value)} 个字符），上限为 {MAX_TEXT} 个字符"
        if isinstance(value, dict):
            stack.extend((v, f"{at}.{k}" if at else str(k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{at}.{i}") for i, v in enumerate(value))
    return None


RESULT_TEXT_LIMIT = 1_000_000
"""Most characters of text in a result (pack wording and evidence notes together; a real one ~100,000)."""
TOLERANCE = 0.01
"""Rounding slack when re-adding a result's figures (each is rounded to 4 decimals)."""


def arithmetic_problems(result: Result) -> list[tuple[str, str]]:
    """Where the figures of ``result`` do not add up: a result must be the one scoring produced."""
    out: list[tuple[str, str]] = []
    if not 0 <= result.total <= result.total_points + result.bonus + TOLERANCE:
        out.append(("total", f"总分 {result.total:g} 不在 0 到 {result.total_points:g} 之间"))
    for i, cat in enumerate(result.categories):
        field = f"categories.{i}"
        if not 0 <= cat.score <= cat.points + TOLERANCE:
            out.append((f"{field}.score", f"第 {cat.id} 类得分 {cat.score:g} 不在 0 到分值 {cat.points:g} 之间"))
        if not 0 <= cat.earned <= cat.applicable + TOLERANCE or cat.applicable > cat.points + TOLERANCE:
            out.append((field, f"第 {cat.id} 类的条款得分、适用分值与分值不符"))
        if cat.ratio is not None and not 0 <= cat.ratio <= 1 + TOLERANCE:
            out.append((f"{field}.ratio", f"第 {cat.id} 类得分率 {cat.ratio:g} 不在 0 到 1 之间"))
    added = sum(c.score for c in result.categories) + result.bonus
    if result.categories and abs(added - result.total) > TOLERANCE:
        out.append(("total", f"总分 {result.total:g} 与各类得分之和 {added:g} 不符"))
    for i, clause in enumerate(result.clauses):
        if not (0 <= clause.credit <= 1 and 0 <= clause.earned <= clause.points + TOLERANCE):
            out.append((f"clauses.{i}", f"条款 {clause.id} 的得分比例或得分超出范围"))
            break
    return out
