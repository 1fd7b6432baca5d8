"""
The import graph, read from the source with ``ast`` (so lazy imports inside functions count):
shared code under kexie/ never imports an app, and no two apps import each other, directly
or through a longer cycle. Settings and URLs are the exception: they wire the apps together.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = [name for name in settings.LOCAL_APPS if name != "kexie"]
WIRING = {"kexie.settings", "kexie.urls"}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path):
    """Every module ``path`` imports, absolute, wherever in the file the import is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            found.add(module)
            # ``from news import models`` imports news.models as well.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def source_files(package):
    return sorted((ROOT / package).rglob("*.py"))


def top_level(module):
    return module.split(".", 1)[0]


def app_imports():
    """{app: {apps it imports}}, from every module of every app."""
    graph = {app: set() for app in APPS}
    for app in APPS:
        for path in source_files(app):
            for module in imported_modules(path):
                other = top_level(module)
                if other in APPS and other != app:
                    graph[app].add(other)
    return graph


def find_cycle(graph):
    """One cycle as a list of nodes, or None (depth-first search with colours)."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_reader_sees_relative_and_lazy_imports(tmp_path, monkeypatch):
    # The checks below are only as good as this reader: it must see every form of import.
    package = ROOT / "kexie" / "search"
    names = imported_modules(package / "__init__.py")
    assert "kexie.search.backends" in names
    source = package / "views.py"
    assert "kexie.search" in imported_modules(source)
    fake = tmp_path / "probe.py"
    fake.write_text(
        "def f():\n    from news.models import Article\n    import awards.models\n"
        "from .sibling import thing\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(
        "tests.kexie.test_architecture.module_name", lambda path: "kexie.guard.probe"
    )
    found = imported_modules(fake)
    assert {"news.models", "awards.models", "kexie.guard.sibling"} <= found


def test_shared_code_imports_no_app():
    offenders = []
    for path in source_files("kexie"):
        if module_name(path) in WIRING:
            continue
        offenders += [
            f"{module_name(path)} imports {module}"
            for module in sorted(imported_modules(path))
            if top_level(module) in APPS
        ]
    assert offenders == []


def test_no_app_imports_an_app_that_imports_it():
    graph = app_imports()
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph))


@pytest.mark.parametrize(
    ("graph", "cyclic"),
    [
        ({"a": {"b"}, "b": {"a"}}, True),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, False),
    ],
)
def test_cycle_finder(graph, cyclic):
    assert (find_cycle(graph) is not None) == cyclic


def test_apps_build_in_one_direction():
    # The layering a newcomer can rely on: the directory is the base, news builds on it,
    # awards on both. A new edge against this order is a cycle waiting to happen.
    graph = app_imports()
    assert "news" not in graph["organizations"]
    assert "awards" not in graph["organizations"]
    assert "awards" not in graph["news"]
