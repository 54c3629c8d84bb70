"""Reading YAML the way a person's file deserves: every value's line is known, nothing is lost.

PyYAML's C parser composes the node tree (8x faster than the pure-Python one); we then build the
Python data ourselves so that we can

* remember the line of every key and list entry, to report ``file:line: field: message``;
* reject duplicate keys (PyYAML silently keeps the last one, so a clause entered twice would pass);
* read floats as ``Decimal`` exactly as written (``0.1`` stays 0.1, scores are computed exactly);
* bound alias expansion (a "billion laughs" file cannot exhaust memory).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import InputError, Problem, Severity
from .files import TEXT_LIMIT, decode, display_path, read_bytes

try:  # the C parser is ~8x faster; fall back quietly where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = TEXT_LIMIT
"""Largest YAML file we read (``files.TEXT_LIMIT``)."""

MAX_DIGITS = 30
"""Most significant digits of a number in a file: ~10^15 households do not exist; the bound keeps
exact arithmetic (Decimal → Fraction) instant."""

MAX_EXPONENT = 30
"""Numbers lie between 10^-30 and 10^30 (``1.0e+999999999`` would take hours to make exact)."""

MAX_TEXT = 20_000
"""Longest single text (a note, a reason, a clause's wording), in characters: a report of any
file renders in bounded time."""

MAX_TOTAL_TEXT = 300_000
"""Most characters of text in one file: a complete evidence file holds ~30,000; this keeps every
report a few hundred pages at most."""

MAX_NODES = 200_000
"""Most values a file may expand to (aliases included): stops 'billion laughs' documents."""

Loc = tuple[str | int, ...]
P = TypeVar("P")

_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    _FLOAT_TAG,
    "tag:yaml.org,2002:timestamp",
    _STR_TAG,
}
_CONSTRUCTOR = yaml.SafeLoader("")  # used only for its scalar constructors (int, bool, dates …)


@dataclass
class Document:
    """Parsed YAML data plus the line of every key and list entry."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    encoding: str = "utf-8"
    text: str = ""
    name: str = ""  # the path as shown to a person; computed once (resolving paths is not free)

    def __post_init__(self) -> None:
        if not self.name:
            self.name = display_path(self.path)

    def line_of(self, loc: Iterable[str | int]) -> int:
        """Line of the deepest part of ``loc`` that exists in the file (1 when nothing does)."""
        line = deepest(self.lines, loc)
        return 1 if line is None else line

    def problem(self, loc: Iterable[str | int], field: str | None, message: str,
                severity: Severity = "error") -> Problem:
        """A problem placed at the line of ``loc``."""
        return Problem(self.name, self.line_of(loc), field, message, severity)


def deepest(places: dict[Loc, P], loc: Iterable[str | int]) -> P | None:
    """The place recorded for ``loc``, or for its longest prefix that has one."""
    parts = tuple(loc)
    for end in range(len(parts), -1, -1):
        place = places.get(parts[:end])
        if place is not None:
            return place
    return None


def load(path: Path, *, limit: int = MAX_BYTES) -> Document:
    """Read and parse one YAML file; raise ``InputError`` with file and line on any problem."""
    return load_bytes(read_bytes(path, limit=limit), path)


def load_bytes(raw: bytes, path: Path) -> Document:
    """Parse the bytes of a YAML file read earlier (``path`` names it in messages)."""
    text, encoding = decode(raw, display_path(path))
    return parse(text, path, encoding=encoding)


def parse(text: str, path: Path, *, encoding: str = "utf-8") -> Document:
    """Parse YAML text (read before) into a Document with every line known."""
    name = display_path(path)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise InputError([Problem(name, 1, None, "文件为空，没有任何内容")])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise InputError([_syntax_problem(name, text, exc)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every parser error is marked
        raise InputError([Problem(name, None, None, f"YAML 格式错误：{exc}")]) from None
    doc = Document(path=path, data=None, encoding=encoding, text=text)
    if node is None:
        raise InputError([Problem(name, 1, None, "文件为空，没有任何内容")])
    builder = _Builder(doc)
    doc.data = builder.build(node, ())
    if builder.problems:
        raise InputError(builder.problems)
    return doc


def _syntax_problem(name: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = exc.problem or ""
    lines = text.splitlines()
    source_line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    at = source_line[mark.column:mark.column + 1] if mark is not None else ""
    colon = _full_width_colon(lines, exc)
    if "\t" in problem or "'\\t'" in problem or "tab character" in problem or at == "\t" \
            or (source_line[:1] == "\t" and "token" in problem):
        msg = "使用了制表符（Tab）：YAML 只允许用空格缩进，请把 Tab 换成空格"
    elif colon is not None:
        line = colon + 1
        msg = ("用了全角冒号“：”：YAML 的键后面要用半角冒号“:”再加一个空格（如 district: 环翠区），"
               "请把“：”换成“:”")
    elif mark is not None and (mark.index >= len(text.rstrip()) or "<stream end>" in problem
                               or "end of stream" in problem):
        msg = f"文件在此处意外结束（文件可能不完整或被截断）：{_explain(problem)}"
    elif "found duplicate anchor" in problem:
        msg = "锚点名称重复"
    elif "found undefined alias" in problem:
        msg = "引用了未定义的锚点（*别名）"
    else:
        msg = f"YAML 格式错误：{_explain(problem)}"
        if exc.context:
            msg += f"（{_explain(exc.context)}）"
    return Problem(name, line, None, msg)


_FULL_WIDTH_KEY = re.compile(r"^\s*(?:-\s+)?[^\s#'\"{\[][^:#'\"]*?：")


# a field name (English, as every field of our files) or a quoted ID, then a full-width colon
_FIELD_WITH_FULL_WIDTH_COLON = re.compile(r"^(?:[a-z][a-z0-9_.]*|\"[0-9.]+\")\s*：")


def _full_width_colon(lines: list[str], exc: yaml.MarkedYAMLError) -> int | None:
    """The 0-based line, at or a little before the error, where a key is followed by a full-width
    colon (``district： 环翠区``): YAML reads it as text, and fails on a later line."""
    marks = [m.line for m in (exc.problem_mark, exc.context_mark) if m is not None]
    if not marks:
        return None
    for row in range(min(max(marks), len(lines) - 1), max(min(marks) - 3, -1), -1):
        if _FULL_WIDTH_KEY.match(lines[row]) and ":" not in lines[row].split("：", 1)[0]:
            return row
    return None


_YAML_PHRASES = {
    "mapping values are not allowed": "此处不能出现“键: 值”（检查冒号后是否缺空格、缩进是否对齐，文本中的冒号请加引号）",
    "could not find expected ':'": "缺少冒号“:”",
    "did not find expected key": "没有找到预期的键（检查缩进是否对齐）",
    "did not find expected '-' indicator": "没有找到列表项“-”（检查缩进）",
    "found unexpected end of stream": "文件意外结束",
    "found character that cannot start any token": "出现了不能作为开头的字符",
    "while scanning a quoted scalar": "引号没有闭合",
    "while parsing a block mapping": "解析映射时出错",
    "while parsing a block collection": "解析列表时出错",
    "while parsing a flow mapping": "解析 {…} 时出错",
    "while parsing a flow sequence": "解析 […] 时出错",
    "while scanning a simple key": "解析键时出错",
    "expected <block end>, but found '<block mapping start>'": "缩进不一致",
    "expected <block end>, but found '-'": "列表项“-”的缩进不一致",
    "expected ',' or '}', but got '<stream end>'": "{…} 没有闭合",
    "did not find expected ',' or ']'": "[…] 没有闭合，或列表项之间缺少逗号",
    "did not find expected ',' or '}'": "{…} 没有闭合，或各项之间缺少逗号",
    "expected ',' or ']', but got '<stream end>'": "[…] 没有闭合",
    "found unexpected ':'": "出现了多余的冒号",
}


def _explain(phrase: str) -> str:
    for english, chinese in _YAML_PHRASES.items():
        if english in phrase:
            return chinese
    return phrase


class _Builder:
    """Turns a composed node tree into plain data, recording lines and catching what PyYAML lets by."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.name = doc.name
        self.problems: list[Problem] = []
        self.count = 0
        self.characters = 0

    def build(self, node: Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self.problems.append(Problem(
                    self.name, node.start_mark.line + 1, _field(loc),
                    f"内容展开后超过 {MAX_NODES} 个值（是否滥用了锚点/别名？）",
                ))
            return None
        line = node.start_mark.line + 1
        self.doc.lines.setdefault(loc, line)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            out = []
            for i, child in enumerate(node.value):
                self.doc.lines.setdefault((*loc, i), child.start_mark.line + 1)
                out.append(self.build(child, (*loc, i)))
            return out
        assert isinstance(node, ScalarNode)
        return self._scalar(node, loc)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                self.problems.append(Problem(self.name, key_line, _field(loc),
                                             "不支持“<<”合并键，请把内容直接写出"))
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.append(Problem(self.name, key_line, _field(loc),
                                             "键必须是简单的文字或数字"))
                continue
            key = self._scalar(key_node, loc)
            try:
                hash(key)
            except TypeError:  # pragma: no cover - scalars are always hashable
                continue
            if key in out:
                self.problems.append(Problem(
                    self.name, key_line, _field((*loc, key)),
                    f"键「{key}」重复出现（第 {first_line[key]} 行已有）；YAML 只会保留后一个，"
                    "请删除或合并其中一个",
                ))
                continue
            first_line[key] = key_line
            self.doc.lines[(*loc, key)] = key_line
            out[key] = self.build(value_node, (*loc, key))
        return out

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        tag = node.tag
        if tag == _STR_TAG:
            if len(node.value) > MAX_TEXT:
                self.problems.append(Problem(self.name, node.start_mark.line + 1, _field(loc),
                                             f"文字过长（{len(node.value)} 个字符），上限为 {MAX_TEXT} 个字符"))
                return ""
            before, self.characters = self.characters, self.characters + len(node.value)
            if before <= MAX_TOTAL_TEXT < self.characters:
                self.problems.append(Problem(self.name, node.start_mark.line + 1, _field(loc),
                                             f"文件中的文字合计超过 {MAX_TOTAL_TEXT} 个字符（到此处为止）"))
            if not node.style and _FIELD_WITH_FULL_WIDTH_COLON.match(node.value):  # plain, not quoted
                # "name： 海韵社区" is valid YAML, but a text, not the key name: say so
                self.problems.append(Problem(self.name, node.start_mark.line + 1, _field(loc),
                                             f"「{node.value}」用了全角冒号“：”：YAML 的键后面要用半角冒号“:”"
                                             "再加一个空格，请把“：”换成“:”"))
            return node.value
        if tag in (_FLOAT_TAG, _INT_TAG) and (bound := number_problem(node.value)) is not None:
            self.problems.append(Problem(self.name, node.start_mark.line + 1, _field(loc), bound))
            return None
        if tag == _FLOAT_TAG:
            return _decimal(node)
        if tag not in _SCALAR_TAGS:
            self.problems.append(Problem(self.name, node.start_mark.line + 1, _field(loc),
                                         f"不支持的 YAML 标签 {tag}"))
            return None
        try:
            value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            what = "日期超出范围" if isinstance(exc, OverflowError) else "无法识别的值"
            self.problems.append(Problem(self.name, node.start_mark.line + 1, _field(loc),
                                         f"{what}「{node.value[:40]}」"))
            return None
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:
                self.problems.append(Problem(self.name, node.start_mark.line + 1, _field(loc),
                                             f"日期超出范围「{node.value[:40]}」（换算为 UTC 后早于公元 1 年或晚于 9999 年）"))
                return None
        return value


def _decimal(node: ScalarNode) -> Decimal | float:
    text = node.value.replace("_", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return float(_CONSTRUCTOR.construct_yaml_float(node))  # .inf, .nan and friends
    return value if value.is_finite() else float(value)


_BOUND_MESSAGE = (f"数值超出范围：最多 {MAX_DIGITS} 位有效数字，"
                  f"大小在 10^-{MAX_EXPONENT} 到 10^{MAX_EXPONENT} 之间")


def number_problem(text: str) -> str | None:
    """Why the number written as ``text`` is outside the bounds (``MAX_DIGITS``, ``MAX_EXPONENT``), or None.

    Checked on the text, before any conversion: converting ``1e999999999`` is the hang."""
    cleaned = text.replace("_", "").strip().lstrip("+-")
    if len(cleaned) > 4 * MAX_DIGITS:
        return _BOUND_MESSAGE
    mantissa, _, exponent = cleaned.lower().partition("e")
    if mantissa.startswith(("0x", "0o", "0b")):
        return None if len(mantissa) <= MAX_DIGITS else _BOUND_MESSAGE
    if exponent:
        try:
            if abs(int(exponent)) > MAX_EXPONENT * 2:
                return _BOUND_MESSAGE
        except ValueError:
            return None  # not a number at all: the constructor says so
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value.is_zero():
        return None
    digits = value.normalize().as_tuple().digits
    if len(digits) > MAX_DIGITS or abs(value.adjusted()) > MAX_EXPONENT:
        return _BOUND_MESSAGE
    return None


def _field(loc: Loc) -> str | None:
    return format_loc(loc) or None


def format_loc(loc: Iterable[str | int]) -> str:
    """``('items', 2, 'clauses', 0, 'points')`` → ``items[2].clauses[0].points``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
