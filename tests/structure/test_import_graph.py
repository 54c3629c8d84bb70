"""The package has no import cycles: not between modules, not between sub-packages, not hidden
inside a function. Every ``import`` statement is read with ``ast``, wherever it stands."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = "jingzhi_audit"
SRC = ROOT / "src" / PACKAGE


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in SRC.rglob("*.py")}


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every module of the package that ``name`` imports, at any depth of its code."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            # `from pkg import name`: name may be a module of pkg
            targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # `import a.b.c` of a name inside a module
                target = target.rpartition(".")[0]
            if target.startswith(PACKAGE) and target != name:
                yield target


GRAPH = {name: set(_imports(name, path)) for name, path in MODULES.items()}


def _node(module: str) -> str:
    """A module's sub-package (``jingzhi_audit.render``), or the module itself at the top level."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (SRC / parts[1]).is_dir()):
        return ".".join(parts[:2])
    return module


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_sees_imports_inside_functions() -> None:
    """The check reads function bodies: the lazy import of WeasyPrint's renderer is an edge."""
    assert f"{PACKAGE}.render.pdf" in GRAPH[f"{PACKAGE}.render.registry"]


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    assert _cycle(GRAPH) is None, " → ".join(_cycle(GRAPH) or [])


def test_no_cycle_between_subpackages() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        edges = packages.setdefault(_node(module), set())
        edges.update(_node(t) for t in targets if _node(t) != _node(module))
    assert _cycle(packages) is None, " → ".join(_cycle(packages) or [])


@pytest.mark.parametrize("graph", [{"a": {"b"}, "b": {"c"}, "c": {"a"}}, {"a": {"a"}}])
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]]) -> None:
    assert _cycle(graph) is not None
