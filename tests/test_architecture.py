"""The house as docs/architecture.md describes it: its files and names exist, no import
cycles, no private names imported across modules, long modules say why."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "widget"
MAX_LINES = 400
# `path` or `path:Name` in backticks, for files of the repository.
_REFERENCE = re.compile(r"`((?:widget|templates|static|tests|docs)/[\w./-]*?)(?::(\w+))?`")


def references() -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in _REFERENCE.finditer(DOC.read_text())]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> Iterator[tuple[str, str]]:
    """(module, imported name) for every import in the module, nested ones included:
    an import hidden in a function still makes a cycle."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ""
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                stem = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*stem, base] if base else stem)
            for alias in node.names:
                yield base, alias.name


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for module, imported in imports(name):
            target = f"{module}.{imported}" if f"{module}.{imported}" in MODULES else module
            if target in MODULES and target != name:
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert cycles(graph()) == []


def test_no_private_name_is_imported_from_another_module() -> None:
    wrong = [f"{name} imports {module}.{imported}" for name in MODULES
             for module, imported in imports(name)
             if module.startswith("widget") and imported.startswith("_")
             and not imported.startswith("__")]
    assert wrong == []


def test_no_private_attribute_is_read_from_another_modules_objects() -> None:
    """`obj._name` only where this module defines `_name` (or on self, cls, super())."""
    wrong = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        own = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
               and isinstance(n.value, ast.Name) and n.value.id in ("self", "cls")}
        own |= {n.target.id for n in ast.walk(tree)
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                continue
            value = node.value
            if isinstance(value, ast.Name) and value.id in ("self", "cls"):
                continue
            if isinstance(value, ast.Call) and ast.unparse(value.func) == "super":
                continue  # a hook of a base class (tomlkit's parser: widget/strikes.py)
            if node.attr not in own:
                wrong.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    assert wrong == []


def test_no_resource_family_imports_the_app_or_another_family() -> None:
    from widget.http.app import FAMILIES

    families = {family.__name__ for family in FAMILIES}
    edges = graph()
    for family in FAMILIES:
        assert callable(getattr(family, "register", None)), family.__name__
        wrong = edges[family.__name__] & (families | {"widget.http.app"})
        assert not wrong, f"{family.__name__} imports {sorted(wrong)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_long_modules_say_why_at_their_top(name: str) -> None:
    source = MODULES[name].read_text()
    if source.count("\n") <= MAX_LINES:
        return
    docstring = ast.get_docstring(ast.parse(source)) or ""
    assert "Long on purpose:" in docstring, (
        f"{name} has {source.count(chr(10))} lines: split it by concern, or say why not "
        "in its docstring (\"Long on purpose: …\")")


def test_the_architecture_doc_names_only_what_exists() -> None:
    refs = references()
    assert len(refs) > 40  # the doc is read at all
    for path, name in refs:
        target = ROOT / path
        assert target.exists(), f"docs/architecture.md names {path}, which does not exist"
        if name is None:
            continue
        text = target.read_text()
        defined = re.search(rf"^\s*(?:class|def)\s+{name}\b|^{name}\b\s*[:=]", text, re.M)
        assert defined, f"docs/architecture.md names {path}:{name}, not defined there"


def test_the_architecture_doc_names_every_resource_family() -> None:
    from widget.http.app import FAMILIES

    text = DOC.read_text()
    for family in FAMILIES:
        path = Path(*family.__name__.split(".")).with_suffix(".py").as_posix()
        assert f"`{path}`" in text, f"docs/architecture.md does not name {path}"


def test_every_route_is_answered_by_a_resource(client) -> None:  # type: ignore[no-untyped-def]
    # falcon's own 404 (no resource for the path) has no description; every resource of
    # this service that answers 404 says what it did not find.
    from widget.routes import ROUTES

    for route in ROUTES:
        path = route.path(slug="zehra-kurtay", name="nothing.png")
        result = client.simulate_get(path)
        assert not (result.status_code == 404 and "description" not in result.text
                    and "detail" not in result.text), f"{route.name}: {path} has no resource"
