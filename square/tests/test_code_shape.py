"""The shape of the code, checked like behaviour (issue 16): no import cycles between the
apps' modules, hidden or not; `square` never imports `campaigns`; no function-level
import of a project module outside `AppConfig.ready`; no module over 400 lines and no
function over 40 outside migrations and tests."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("square", "campaigns")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 40


def _modules() -> dict[str, Path]:
    """Every module of both apps but their tests and migrations, by dotted name."""
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _targets(node: ast.Import | ast.ImportFrom, here: str, is_package: bool) -> list[str]:
    """The project modules an import statement names (a `from x import y` names x.y
    when y is a module, else x)."""
    if isinstance(node, ast.Import):
        bases = [alias.name for alias in node.names]
        return [b for b in bases if b in MODULES]
    base = node.module or ""
    if node.level:  # relative: resolve against this module's package
        package = here if is_package else here.rsplit(".", 1)[0]
        for _ in range(node.level - 1):
            package = package.rsplit(".", 1)[0]
        base = f"{package}.{base}" if base else package
    named = [f"{base}.{alias.name}" for alias in node.names]
    return [n for n in named if n in MODULES] or ([base] if base in MODULES else [])


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    """Module → the project modules it imports, and the function-level imports found."""
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    hidden = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for node in ast.walk(func):
                is_import = isinstance(node, (ast.Import, ast.ImportFrom))
                if is_import and func.name != "ready" and _targets(node, name, is_package):
                    hidden.append(f"{name}:{node.lineno} in {func.name}()")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges[name].update(t for t in _targets(node, name, is_package) if t != name)
    return edges, hidden


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_both_apps_and_their_imports():
    assert "square.models" in MODULES and "campaigns.models" in MODULES
    assert len(MODULES) > 50
    edges, _hidden = _graph()
    assert "square.models" in edges["square.services.posts"]
    assert any(t.startswith("square.") for t in edges["campaigns.services.entries"])


def test_no_import_cycle_between_modules():
    edges, _hidden = _graph()
    assert _cycles(edges) == []


def test_no_import_hidden_in_a_function():
    _edges, hidden = _graph()
    assert hidden == []


def test_square_never_imports_campaigns():
    edges, _hidden = _graph()
    offenders = [
        f"{name} → {target}"
        for name, targets in edges.items()
        if name.startswith("square")
        for target in targets
        if target.startswith("campaigns")
    ]
    assert offenders == []


def test_no_module_over_400_lines():
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := path.read_text(encoding="utf-8").count("\n")) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_over_40_lines():
    long = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {lines}")
    assert long == []


def test_the_cycle_finder_finds_a_cycle():
    """The check above could not pass by finding nothing."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
