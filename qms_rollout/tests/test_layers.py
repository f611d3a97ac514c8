"""The architecture, checked: the layers of HOUSE_STYLE.md hold in the source.

Every import is read, including those inside functions, so a circle cannot hide in a local import.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "core",
    "accounts",
    "communes",
    "procedures",
    "roadmap",
    "audits",
    "reports",
    "imports",
    "notifications",
    "demo",
    "api",
    "qms_rollout",
]


def _modules():
    """``{module name: path}`` for every Python file of the apps, migrations and tests aside."""
    found = {}
    for app in APPS:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in base.rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts or "tests" in parts:
                continue
            name = ".".join(p for p in parts if p != "__init__") or app
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules that module ``name`` imports, at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join([*parent, base]) if base else ".".join(parent)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in MODULES}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _app(module: str) -> str:
    return module.split(".")[0]


def _cycles():
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    return result


# The layers, bottom up (HOUSE_STYLE.md, Layout): an app imports only the apps before it.
LAYERS = [
    "communes",
    "accounts",
    "procedures",
    "roadmap",
    "audits",
    "reports",
    "notifications",
    "api",
    "imports",
    "demo",
]


def _app_graph() -> dict[str, set[str]]:
    """Which app imports which, from the modules' imports (an app to itself left out)."""
    graph: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        graph.setdefault(_app(module), set()).update(
            _app(t) for t in targets if _app(t) != _app(module)
        )
    return graph


def test_apps_import_only_earlier_layers():
    """Apart from ``core`` (below all, the application's today in ``core.clock`` included) and
    ``qms_rollout`` (the composition root, above all), an app imports only the apps before it in
    :data:`LAYERS`: never one after it, not even inside a function, and never the composition
    root."""
    offending = {}
    for module, targets in GRAPH.items():
        app = _app(module)
        if app not in LAYERS:
            continue
        allowed = {"core", *LAYERS[: LAYERS.index(app) + 1]}
        wrong = sorted(t for t in targets if _app(t) not in allowed)
        if wrong:
            offending[module] = wrong
    assert offending == {}


def test_no_loop_between_apps():
    """The graph of imports between apps, the composition root and ``core`` included, has no
    loop: a loop of modules would show as one here too."""
    graph = _app_graph()
    loops = []

    def reach(start, node, seen):
        for nxt in graph.get(node, ()):
            if nxt == start:
                loops.append(start)
            elif nxt not in seen:
                seen.add(nxt)
                reach(start, nxt, seen)

    for app in graph:
        reach(app, app, {app})
    assert sorted(set(loops)) == []


def test_no_import_circle_crosses_apps():
    crossing = [c for c in _cycles() if len({_app(m) for m in c}) > 1]
    assert crossing == []


def test_core_imports_no_app():
    offending = {
        m: sorted(t for t in targets if _app(t) != "core")
        for m, targets in GRAPH.items()
        if _app(m) == "core"
    }
    assert {m: t for m, t in offending.items() if t} == {}


def test_no_model_module_imports_accounts():
    offending = {
        m: sorted(t for t in targets if _app(t) == "accounts")
        for m, targets in GRAPH.items()
        if m.split(".")[-1] == "models" and _app(m) != "accounts"
    }
    assert {m: t for m, t in offending.items() if t} == {}


def test_no_app_imports_another_apps_views():
    offending = [
        (m, t)
        for m, targets in GRAPH.items()
        for t in targets
        if _is_views(t) and _app(t) != _app(m) and _app(m) != "qms_rollout"
    ]
    assert offending == []


def _is_views(module: str) -> bool:
    """A module of views: ``views`` or ``views_<topic>`` (``reports.views_units``)."""
    return module.split(".")[-1].partition("_")[0] == "views"


def _functions():
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield name, node


@pytest.mark.parametrize(("kind", "limit"), [("views", 40), ("any", 80)])
def test_functions_are_short(kind, limit):
    too_long = sorted(
        f"{module}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for module, node in _functions()
        if (kind == "any" or _is_views(module)) and node.end_lineno - node.lineno + 1 > limit
    )
    assert too_long == []
