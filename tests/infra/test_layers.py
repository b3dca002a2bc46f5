"""The layers of DESIGN.md, read from the code: which folder may import which, and no circle
of imports between files (issue 13).

Every .py file under api/, forms/, flows/ and models/ is parsed with `ast`; every import
counts, at module level or inside a function (a late import is still an arrow).

    api/    -> forms/, models/, and flows/ only through the entry points in API_MAY_START
    forms/  -> models/
    flows/  -> models/
    models/ -> nothing above it
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("api", "forms", "flows", "models")
ALLOWED: dict[str, set[str]] = {
    "api": {"forms", "models"},   # and flows, through API_MAY_START only
    "forms": {"models"},
    "flows": {"models"},
    "models": set(),
}
# The only modules of flows/ the web layer may import: starting work, never doing it.
#   flows.dispatch - wake_dispatcher / use_waker: wake the runner after a commit
#   flows.runner   - the flow runner the app (embedded mode) and `amparo runner` start
API_MAY_START = {"flows.dispatch", "flows.runner"}

# Libraries a folder must not use: forms/ has no routes and no Request (a route reads the
# request and hands forms plain values); models/ knows neither the web nor Prefect.
FORBIDDEN_LIBRARIES: dict[str, set[str]] = {
    "forms": {"fastapi", "starlette"},
    "models": {"fastapi", "starlette", "prefect"},
}

# Circles still inside flows/ (another engineer is reworking flows/ for issue 13).
# This list may only shrink: a new circle anywhere fails the test, and so does an entry
# here that no longer is a circle (remove it).
KNOWN_FLOWS_CIRCLES: list[frozenset[str]] = []  # issue 13: none left; the list only shrinks


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            found[_module_name(path)] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The most specific known module `name` is or lives in (a.b.func -> a.b)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _imported(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of the four layers that this file imports, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the file's package
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            names = [f"{base}.{alias.name}" for alias in node.names]  # a submodule, or a name
        else:
            continue
        for name in names:
            if name.split(".")[0] not in LAYERS:
                continue
            target = _resolve(name, known)
            if target is not None and target != module:
                out.add(target)
    return out


def libraries(path: Path) -> set[str]:
    """The top-level names of everything this file imports (absolute imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: _imported(name, path, known) for name, path in known.items()}


def wrong_arrows(edges: dict[str, set[str]]) -> list[str]:
    wrong = []
    for source, targets in sorted(edges.items()):
        src_layer = source.split(".")[0]
        for target in sorted(targets):
            dst_layer = target.split(".")[0]
            if dst_layer == src_layer or dst_layer in ALLOWED[src_layer]:
                continue
            if src_layer == "api" and target in API_MAY_START:
                continue
            wrong.append(f"{source} -> {target}")
    return wrong


def circles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one file (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[frozenset[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


class TestLayers:
    def test_only_the_allowed_arrows_between_the_four_folders(self) -> None:
        assert wrong_arrows(graph()) == []

    def test_forms_and_models_use_no_web_or_prefect_library(self) -> None:
        wrong = [f"{name} imports {lib}" for name, path in modules().items()
                 for lib in sorted(libraries(path) & FORBIDDEN_LIBRARIES.get(
                     name.split(".")[0], set()))]
        assert wrong == []

    def test_no_circle_of_imports_between_files(self) -> None:
        found = circles(graph())
        new = [sorted(c) for c in found if c not in KNOWN_FLOWS_CIRCLES]
        assert new == []

    def test_known_circles_only_shrink(self) -> None:
        found = circles(graph())
        gone = [sorted(c) for c in KNOWN_FLOWS_CIRCLES if c not in found]
        assert gone == [], "no longer a circle: remove it from KNOWN_FLOWS_CIRCLES"
        assert all(m.startswith("flows.") for c in KNOWN_FLOWS_CIRCLES for m in c)


class TestTheCheckItself:
    """The checker finds what it should (so a green run means something)."""

    def test_finds_a_circle(self) -> None:
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
        assert circles(edges) == [frozenset({"a", "b", "c"})]

    def test_finds_a_wrong_arrow(self) -> None:
        edges = {"forms.x": {"api.y"}, "api.y": {"flows.dispatch", "flows.intake"}}
        assert wrong_arrows(edges) == ["api.y -> flows.intake", "forms.x -> api.y"]


def test_flows_hold_no_queries() -> None:
    """Flows are orchestration only: every query lives in an area's repository (issue 13)."""
    import ast
    builders = {"select", "update", "delete", "insert", "exists", "func", "text"}
    offenders = []
    for path in sorted((ROOT / "flows").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.split(".")[0] in ("sqlalchemy", "sqlmodel"):
                offenders += [f"{path.name}: {a.name}" for a in node.names if a.name in builders]
    assert offenders == []
