"""The harness's modules import each other one way: no cycle among fixtures/ (a cycle makes a
module's meaning depend on which one was imported first)."""

import ast
from pathlib import Path

from tests.ours import REPO_ROOT

FIXTURES = REPO_ROOT / "fixtures"


def module_imports(root: Path) -> dict[str, set[str]]:
    """Module name -> the fixtures modules it imports (type-checking-only imports included)."""
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        name = ".".join(("fixtures", *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "fixtures":
                if node.module == "fixtures":
                    found.update(f"fixtures.{alias.name}" for alias in node.names)
                else:
                    found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "fixtures")
        graph[name] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt, [*path, nxt])
        done.add(node)

    for start in sorted(graph):
        visit(start, [start])
    return found


def test_no_module_of_the_harness_imports_itself_round_a_cycle() -> None:
    assert cycles(module_imports(FIXTURES)) == []


def test_a_cycle_would_be_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
