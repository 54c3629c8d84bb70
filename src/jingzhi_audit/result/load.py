"""Reading a saved result JSON back (``audit report``), as untrusted input: checked, never trusted."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from ..diagnostics import translate
from ..errors import InputError, Problem, ResultError
from ..files import display_path, read_text
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
    if not isinstance(data, dict) or "tool" not in data or "clauses" not in data:
        raise ResultError([Problem(name, 1, None, "这不是 audit score --format json 生成的结果文件")])
    if data.get("format") != RESULT_FORMAT:
        raise ResultError([Problem(name, 1, "format",
                                   f"结果文件格式版本 {data.get('format')} 与本工具（{RESULT_FORMAT}）不符，请用本工具重新评分")])
    try:
        return Result.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False)[:20]:
            loc = tuple(error["loc"])
            field = ".".join(str(p) for p in loc)
            problems.append(Problem(name, None, field or None, translate(error, Result, loc) or error["msg"]))
        raise ResultError(problems, summary=f"{name}: 结果文件内容无效（可能被手工改动过）：\n"
                                            + "\n".join(str(p) for p in problems)) from None
