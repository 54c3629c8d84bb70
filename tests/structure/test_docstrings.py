"""Every module has a docstring, and so does every public function and public method of a public
class (a one-line docstring is enough: what it returns or does)."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

SRC = ROOT / "src" / "jingzhi_audit"


def _undocumented() -> list[str]:
    missing: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = str(path.relative_to(SRC))
        if ast.get_docstring(tree) is None:
            missing.append(f"{name}: module")
        for node in tree.body:
            targets = [("", node)]
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                targets = [(f"{node.name}.", sub) for sub in node.body]
            for prefix, sub in targets:
                if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef) and not sub.name.startswith("_") \
                        and ast.get_docstring(sub) is None:
                    missing.append(f"{name}:{sub.lineno} {prefix}{sub.name}")
    return missing


def test_public_functions_have_docstrings() -> None:
    assert _undocumented() == []


def test_the_check_sees_a_missing_docstring(tmp_path: object) -> None:
    tree = ast.parse("def public():\n    return 1\n")
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef) and ast.get_docstring(function) is None
