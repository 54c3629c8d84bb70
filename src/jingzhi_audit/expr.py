"""Safe expressions for automatic checks, vetoes and measures.

Rule packs are data that anyone can send a community, so an expression must never reach Python.
We never call ``eval``. Expressions are evaluated by simpleeval (a well-kept sandboxed evaluator,
pinned >= 1.0.8 after its fixed escapes), and before that we parse them ourselves and accept only a
small grammar:

* names: ``facts.<fact>`` and ``thresholds.<threshold>`` declared by the pack, ``true``/``false``;
  in a rating gate also ``categories.c<id>``, the ratio (0–1) a category earned, e.g. ``categories.c10``;
* operators: ``+ - * /``, comparisons, ``and``/``or``/``not``, parentheses;
* functions: min, max, abs, ceil, floor, round, mean;
* numeric literals: only 0, 1 and the unit conversions 100 and 1000 — any other number is a
  threshold, declared once in the pack with its source.

Attribute access (other than the ``facts.``/``thresholds.`` namespaces), subscripts, strings,
lambdas, comprehensions and every other construct are rejected with a Chinese message. Dotted
names are rewritten to plain simpleeval names, and float literals to ``Fraction`` so that
arithmetic is exact (0.9 compares equal to 0.9, not to 0.9000000000000001).
"""

from __future__ import annotations

import ast
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from simpleeval import DEFAULT_OPERATORS, SimpleEval

from .diagnostics import nearest

Number = int | Fraction
Value = Number | bool

ALLOWED_LITERALS: frozenset[int] = frozenset({0, 1, 100, 1000})
MAX_LENGTH = 2000


def _mean(*values: Number) -> Fraction:
    if not values:
        raise ValueError("mean() 至少需要一个参数")
    return Fraction(sum(values, Fraction(0))) / len(values)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "ceil": math.ceil,
    "floor": math.floor,
    "round": round,
    "mean": _mean,
}

_BOOL_NAMES = {"true": True, "false": False, "True": True, "False": False}
_NAMESPACES = ("facts", "thresholds", "categories")
_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Compare, ast.Eq, ast.NotEq, ast.Lt,
    ast.LtE, ast.Gt, ast.GtE, ast.Call, ast.Name, ast.Attribute, ast.Constant, ast.Load,
)
_NODE_NAMES = {
    ast.Subscript: "下标访问 [ ]",
    ast.Lambda: "lambda",
    ast.IfExp: "条件表达式 if/else",
    ast.ListComp: "列表推导",
    ast.GeneratorExp: "生成器表达式",
    ast.DictComp: "字典推导",
    ast.SetComp: "集合推导",
    ast.List: "列表",
    ast.Tuple: "元组",
    ast.Dict: "字典",
    ast.Set: "集合",
    ast.NamedExpr: "赋值表达式 :=",
    ast.JoinedStr: "格式化字符串",
    ast.Starred: "星号展开",
    ast.Pow: "乘方 **",
    ast.Mod: "取余 %",
    ast.FloorDiv: "整除 //",
    ast.BitAnd: "位运算",
    ast.BitOr: "位运算",
    ast.BitXor: "位运算",
    ast.LShift: "位运算",
    ast.RShift: "位运算",
    ast.Invert: "位运算",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Await: "await",
}


class ExpressionError(ValueError):
    """An expression is not allowed or cannot be evaluated; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class Expression:
    """A checked, rewritten expression ready for repeated evaluation."""

    source: str
    tree: ast.Expression
    facts: tuple[str, ...]  # fact names read, in order of first use
    thresholds: tuple[str, ...]
    _fact_vars: tuple[tuple[str, str], ...]  # (simpleeval name, fact name)
    _threshold_vars: tuple[tuple[str, str], ...]
    categories: tuple[str, ...] = ()  # category ratios read (``c10``), only in rating gates
    _category_vars: tuple[tuple[str, str], ...] = ()

    def missing(self, facts: Mapping[str, Any]) -> list[str]:
        """The facts this expression reads that are absent (None) in ``facts``."""
        return [name for name in self.facts if facts.get(name) is None]

    def bind(self, facts: Mapping[str, Any], thresholds: Mapping[str, Number],
             categories: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[str]]:
        """The evaluator's names for ``facts``, and the facts that are missing (one pass).

        ``categories`` maps ``c<id>`` to a category's ratio (None when all its clauses are N/A);
        a ratio that is absent is reported missing as ``categories.c<id>``.
        """
        names: dict[str, Any] = {}
        missing: list[str] = []
        for var, name in self._fact_vars:
            value = facts.get(name)
            if value is None:
                missing.append(name)
            names[var] = value
        for var, name in self._threshold_vars:
            names[var] = thresholds[name]
        for var, name in self._category_vars:
            value = categories.get(name) if categories is not None else None
            if value is None:
                missing.append(f"categories.{name}")
            names[var] = value
        return names, missing

    def evaluate(self, facts: Mapping[str, Value], thresholds: Mapping[str, Number]) -> Value:
        """Evaluate with every fact present; raises ``ExpressionError`` on a runtime problem."""
        names, _ = self.bind(facts, thresholds)
        return self.evaluate_bound(names)

    def evaluate_bound(self, names: dict[str, Any]) -> Value:
        """Evaluate with names from ``bind`` (every fact present)."""
        evaluator = _evaluator()
        evaluator.names = names
        try:
            value: Value = evaluator.eval(self.source, previously_parsed=self.tree.body)
            return value
        except ZeroDivisionError:
            raise ExpressionError("计算时除数为零（相关数据为 0）") from None
        except (TypeError, ValueError) as exc:
            raise ExpressionError(f"计算出错：{exc}") from None
        except (OverflowError, RecursionError, MemoryError):
            raise ExpressionError("计算出错：数值过大") from None


_FLIP = {"Lt": "Gt", "LtE": "GtE", "Gt": "Lt", "GtE": "LtE", "Eq": "Eq", "NotEq": "NotEq"}
OPERATORS = {"Lt": "<", "LtE": "≤", "Gt": ">", "GtE": "≥", "Eq": "=", "NotEq": "≠"}


@dataclass(frozen=True, slots=True)
class Requirement:
    """One comparison of an expression, read as a requirement on one fact: ``fact op value``."""

    fact: str
    op: str  # a key of OPERATORS
    value: Value


def requirements(expr: Expression, facts: Mapping[str, Any], thresholds: Mapping[str, Number]) -> list[Requirement]:
    """Each comparison between a fact and something computable from ``facts``, evaluated.

    ``facts.workers >= ceil(facts.households / thresholds.per)`` with 3,600 households gives
    ``workers ≥ 11``; comparisons whose other side needs a missing fact are left out.
    """
    names, _ = expr.bind(facts, thresholds)
    fact_of = dict(expr._fact_vars)
    out: list[Requirement] = []
    for node in ast.walk(expr.tree):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        left, right, op = node.left, node.comparators[0], type(node.ops[0]).__name__
        if isinstance(right, ast.Name) and right.id in fact_of and not (isinstance(left, ast.Name) and left.id in fact_of):
            left, right, op = right, left, _FLIP[op]
        if not (isinstance(left, ast.Name) and left.id in fact_of):
            continue
        needed = [n.id for n in ast.walk(right) if isinstance(n, ast.Name) and n.id in fact_of]
        if any(names.get(var) is None for var in needed):
            continue
        evaluator = _evaluator()
        evaluator.names = names
        try:
            value = evaluator.eval(expr.source, previously_parsed=right)
        except (ZeroDivisionError, TypeError, ValueError):
            continue
        out.append(Requirement(fact_of[left.id], op, value))
    return out


def compile_expression(
    source: str,
    *,
    facts: Mapping[str, Any] | None = None,
    thresholds: Mapping[str, Any] | None = None,
    categories: Mapping[str, Any] | None = None,
) -> Expression:
    """Parse and check ``source``; with ``facts``/``thresholds`` given, names must be declared there.

    ``categories.c<id>`` is allowed only when ``categories`` (the pack's ``c<id>`` names) is given.
    """
    text = " ".join(str(source).split())
    if not text:
        raise ExpressionError("表达式为空")
    if len(text) > MAX_LENGTH:  # a check is one line; a longer one could only be an attack on the stack
        raise ExpressionError(f"表达式过长（超过 {MAX_LENGTH} 个字符）")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = f"第 {exc.offset} 个字符附近" if exc.offset else ""
        raise ExpressionError(f"表达式语法错误{('：' + col) if col else ''}：{text}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("表达式嵌套过深") from None
    checker = _Checker(facts, thresholds, categories)
    try:
        tree = checker.visit(tree)
    except RecursionError:
        raise ExpressionError("表达式嵌套过深，请拆分") from None
    ast.fix_missing_locations(tree)
    if checker.errors:
        raise ExpressionError("；".join(dict.fromkeys(checker.errors)))
    return Expression(
        source=text,
        tree=tree,
        facts=tuple(checker.fact_vars.values()),
        thresholds=tuple(checker.threshold_vars.values()),
        _fact_vars=tuple(checker.fact_vars.items()),
        _threshold_vars=tuple(checker.threshold_vars.items()),
        categories=tuple(checker.category_vars.values()),
        _category_vars=tuple(checker.category_vars.items()),
    )


def sample_value(kind: str) -> Value:
    """A representative, non-zero value of a fact type, for dry-running expressions in validation."""
    samples: dict[str, Value] = {
        "integer": 7, "number": Fraction(15, 2), "ratio": Fraction(9, 10), "boolean": True}
    return samples[kind]


class _Checker(ast.NodeTransformer):
    def __init__(self, facts: Mapping[str, Any] | None, thresholds: Mapping[str, Any] | None,
                 categories: Mapping[str, Any] | None = None):
        self.declared = {"facts": facts, "thresholds": thresholds, "categories": categories}
        self.errors: list[str] = []
        self.fact_vars: dict[str, str] = {}
        self.threshold_vars: dict[str, str] = {}
        self.category_vars: dict[str, str] = {}

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if not isinstance(node, _ALLOWED_NODES):
            kind = _NODE_NAMES.get(type(node), type(node).__name__)
            self.errors.append(f"不允许使用「{kind}」")
            return node
        return super().generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.errors.append(f"不允许使用常量「{value!r}」（真假值请写 true/false）")
            return node
        number = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
        if number not in ALLOWED_LITERALS:
            self.errors.append(
                f"数字 {value} 没有出处：请在 pack.yaml 的 thresholds 中定义它并注明 source，"
                f"再用 thresholds.<名称> 引用（表达式中只允许 0、1、100、1000）"
            )
        return ast.copy_location(ast.Constant(value=int(number)), node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in _BOOL_NAMES:
            return ast.copy_location(ast.Constant(value=_BOOL_NAMES[node.id]), node)
        if node.id in _NAMESPACES:
            self.errors.append(f"「{node.id}」后面应接名称，如 {node.id}.households")
        elif node.id in FUNCTIONS:
            self.errors.append(f"函数「{node.id}」后面应接括号和参数")
        else:
            self.errors.append(
                f"不认识的名称「{node.id}」：数据请写 facts.<名称>，阈值请写 thresholds.<名称>"
            )
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        parts: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not (isinstance(current, ast.Name) and current.id in _NAMESPACES):
            self.errors.append(f"不允许访问属性「.{node.attr}」（只能引用 facts.<名称> 或 thresholds.<名称>）")
            return node
        namespace = current.id
        name = ".".join(reversed(parts))
        if any(part.startswith("_") for part in parts):
            self.errors.append(f"不允许访问以下划线开头的名称「{name}」")
            return node
        declared = self.declared[namespace]
        if namespace == "categories" and declared is None:
            self.errors.append(f"categories.{name}（类得分率）只能用于等级条件 gates")
            return node
        if declared is not None and name not in declared:
            label = {"facts": "数据项", "thresholds": "阈值", "categories": "类（写作 categories.c<类编号>）"}[namespace]
            hint = nearest(name, declared)
            self.errors.append(f"{namespace}.{name} 不是规则包中声明的{label}{hint}")
        table = {"facts": self.fact_vars, "thresholds": self.threshold_vars,
                 "categories": self.category_vars}[namespace]
        var = next((v for v, n in table.items() if n == name), None)
        if var is None:
            var = f"{namespace[0].upper()}{len(table)}"
            table[var] = name
        return ast.copy_location(ast.Name(id=var, ctx=ast.Load()), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        func = node.func
        if not isinstance(func, ast.Name):
            self.errors.append("不允许调用方法或属性（只能调用 " + "、".join(FUNCTIONS) + "）")
            return node
        if func.id not in FUNCTIONS:
            self.errors.append(f"不允许调用函数「{func.id}」（可用函数：{'、'.join(FUNCTIONS)}）")
            return node
        if node.keywords:
            self.errors.append(f"函数「{func.id}」不接受命名参数")
            return node
        if not node.args:
            self.errors.append(f"函数「{func.id}」缺少参数")
            return node
        if func.id == "round" and not _round_places_ok(node.args):
            self.errors.append(f"round() 的第二个参数（保留的小数位数）只能写数字 0 到 {MAX_ROUND_PLACES}，"
                               "不能是数据项或阈值（否则计算量没有上限）")
            return node
        node.args = [self.visit(arg) for arg in node.args]
        return node


MAX_ROUND_PLACES = 6

def _round_places_ok(args: list[ast.expr]) -> bool:
    if len(args) == 1:
        return True
    places = args[1]
    return (len(args) == 2 and isinstance(places, ast.Constant) and type(places.value) is int
            and 0 <= places.value <= MAX_ROUND_PLACES)


def _exact_div(left: Any, right: Any) -> Fraction:
    """True division without floats: 2860 / 100 is 143/5, not 28.599999999999998.

    simpleeval uses Python's ``/``, which turns two integers into a float; a community with exactly
    the required area could then fail its check by 1e-13.
    """
    if isinstance(left, bool) or isinstance(right, bool):
        raise TypeError("不能对真假值做除法")
    return Fraction(left) / Fraction(right)


_OPERATORS = {**DEFAULT_OPERATORS, ast.Div: _exact_div}
_THREAD = threading.local()


def _evaluator() -> SimpleEval:
    """This thread's evaluator: its ``names`` are set per call, so threads (the web app scores in
    worker threads) must never share one."""
    evaluator: SimpleEval | None = getattr(_THREAD, "evaluator", None)
    if evaluator is None:
        evaluator = _THREAD.evaluator = SimpleEval(operators=_OPERATORS, functions=FUNCTIONS, names={})
    return evaluator
