"""Safe expressions: what is allowed evaluates exactly; everything else is refused by name."""

from __future__ import annotations

from fractions import Fraction

import pytest

from jingzhi_audit.expr import ExpressionError, compile_expression

FACTS = {"households": None, "workers": None, "ratio.a": None, "ratio.b": None, "flag": None}
THRESHOLDS = {"per": None, "least": None}


def test_evaluates_the_documented_example_exactly() -> None:
    expr = compile_expression(
        "facts.workers >= max(thresholds.least, ceil(facts.households / thresholds.per))",
        facts=FACTS, thresholds=THRESHOLDS,
    )
    assert expr.facts == ("workers", "households")
    assert expr.thresholds == ("least", "per")
    assert expr.evaluate({"workers": 11, "households": 3600}, {"least": 6, "per": 350}) is True
    assert expr.evaluate({"workers": 10, "households": 3600}, {"least": 6, "per": 350}) is False


def test_decimal_literals_and_dotted_facts_compare_exactly() -> None:
    expr = compile_expression("mean(facts.ratio.a, facts.ratio.b) >= 1 and facts.flag == false",
                              facts=FACTS)
    value = expr.evaluate({"ratio.a": Fraction(1), "ratio.b": Fraction(1), "flag": False}, {})
    assert value is True
    measure = compile_expression("facts.ratio.a * 100", facts=FACTS)
    assert measure.evaluate({"ratio.a": Fraction(9, 10)}, {}) == 90


def test_division_is_exact_so_exact_thresholds_pass() -> None:
    """830 households at 30 m² per 100 need exactly 249 m²; float division made 249 fail."""
    expr = compile_expression("facts.area >= facts.households / 100 * thresholds.per", facts=FACTS | {"area": None},
                              thresholds={"per": None})
    for households in range(100, 5000, 10):
        if households * 30 % 100 == 0:
            assert expr.evaluate({"area": households * 30 // 100, "households": households}, {"per": Fraction(30)})
    assert compile_expression("facts.households / 100", facts=FACTS).evaluate({"households": 2860}, {}) == Fraction(143, 5)


def test_missing_facts_are_reported_and_division_by_zero_is_an_expression_error() -> None:
    expr = compile_expression("facts.workers / facts.households >= 1", facts=FACTS)
    assert expr.missing({"workers": 3}) == ["households"]
    with pytest.raises(ExpressionError, match="除数为零"):
        expr.evaluate({"workers": 3, "households": 0}, {})


REFUSED = [
    ('__import__("os") == 0', "不允许调用函数「__import__」"),
    ('open("/etc/passwd") == 0', "不允许调用函数「open」"),
    ("().__class__", "不允许访问属性「.__class__」"),
    ("facts.workers.__class__ == 1", "不允许访问以下划线开头的名称"),
    ("facts.workers.real == 1", "facts.workers.real 不是规则包中声明的数据项"),
    ("facts.workers.bit_length() == 1", "不允许调用方法或属性"),
    ("facts.workers >= 350", "数字 350 没有出处"),
    ("facts.workers >= 0.5", "数字 0.5 没有出处"),
    ("workers >= 1", "不认识的名称「workers」"),
    ("facts.worker >= 1", r"facts.worker 不是规则包中声明的数据项（是否想写：workers？）"),
    ("thresholds.nope >= 1", "thresholds.nope 不是规则包中声明的阈值"),
    ("facts.workers[0] >= 1", "下标访问"),
    ("(lambda: 1)() == 1", "不允许调用方法或属性"),
    ('facts.workers == "a"', "不允许使用常量"),
    ("facts.workers ** 1 >= 1", "乘方"),
    ("[x for x in facts.workers]", "列表推导"),
    ("max(facts.workers, key=1)", "不接受命名参数"),
    ("facts.workers >=", "语法错误"),
    ("", "表达式为空"),
]


@pytest.mark.parametrize(("source", "message"), REFUSED, ids=[s or "empty" for s, _ in REFUSED])
def test_refused_expressions(source: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        compile_expression(source, facts=FACTS, thresholds=THRESHOLDS)


def test_expressions_evaluate_correctly_from_many_threads_at_once() -> None:
    """The web app scores in worker threads: an evaluator's names must not leak between them."""
    import threading

    expression = compile_expression("facts.a == facts.b")
    failures: list[str] = []

    def run(value: int) -> None:
        for _ in range(2000):
            names, _missing = expression.bind({"a": value, "b": 1}, {})
            if expression.evaluate_bound(names) is not (value == 1):
                failures.append(f"a={value}")
                return

    import sys

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: a shared evaluator shows at once
    try:
        threads = [threading.Thread(target=run, args=(i % 2,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
