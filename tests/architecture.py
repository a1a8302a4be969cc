"""Measures of the code's shape, read from its source as text (nothing is imported or run).

Used by ``tests/test_architecture.py`` and printed by ``python -m tests.architecture``:

- functions longer than 30 and 40 lines;
- lookups of a table row by an id outside ``tenderapp/access/`` (``session.get(Model, x)`` or a
  ``Model.id == x`` filter where ``x`` is not an attribute of an object already in hand);
- imports in ``tenderapp/exports/`` of anything that is not a pure writer's (services, models,
  access, the database, Flask);
- import cycles between the project's modules (module-level imports).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tenderapp"
EXPORTS_MAY_NOT_IMPORT = ("tenderapp.services", "tenderapp.models", "tenderapp.access", "tenderapp.db",
                          "tenderapp.web", "sqlmodel", "sqlalchemy", "flask")


@dataclass(frozen=True, order=True)
class Place:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.what}"


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def table_models() -> set[str]:
    """Class names of the SQLModel tables (``class X(SQLModel, table=True)``)."""
    names = set()
    for path in sorted((PACKAGE / "models").glob("*.py")):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ClassDef) and any(
                    k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True
                    for k in node.keywords):
                names.add(node.name)
    return names


# --- long functions ---------------------------------------------------------------------------


def long_functions(limit: int) -> list[Place]:
    places = []
    for path in modules().values():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    places.append(Place(_relative(path), node.lineno, f"{node.name} ({length} lines)"))
    return sorted(places)


# --- lookups by id outside access/ --------------------------------------------------------------


def _is_object_attribute(node: ast.expr) -> bool:
    """``tender.id``, ``actor.user_id``, ``line.tender_id``: an id read off an object in hand."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name | ast.Attribute)


def _model_of(node: ast.expr, models: set[str]) -> str | None:
    return node.id if isinstance(node, ast.Name) and node.id in models else None


def id_lookups_in(tree: ast.Module, models: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and len(node.args) >= 2 and (model := _model_of(node.args[0], models))
                and not _is_object_attribute(node.args[1])):
            found.append((node.lineno, f"get({model}, {ast.unparse(node.args[1])})"))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
            left, right = node.left, node.comparators[0]
            for column, value in ((left, right), (right, left)):
                if (isinstance(column, ast.Attribute) and column.attr == "id"
                        and (model := _model_of(column.value, models))
                        and not _is_object_attribute(value)
                        and not (isinstance(value, ast.Attribute) and _model_of(value.value, models))):
                    found.append((node.lineno, f"{model}.id == {ast.unparse(value)}"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_"
              and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "id"
              and (model := _model_of(node.func.value.value, models)) and node.args
              and not isinstance(node.args[0], ast.Call | ast.ListComp | ast.SetComp | ast.GeneratorExp)):
            found.append((node.lineno, f"{model}.id.in_({ast.unparse(node.args[0])})"))
    return found


def id_lookups_outside_access() -> list[Place]:
    models = table_models()
    places = []
    for name, path in modules().items():
        if name.startswith(("tenderapp.access", "tenderapp.models")):
            continue
        places.extend(Place(_relative(path), line, what) for line, what in id_lookups_in(_tree(path), models))
    return sorted(places)


def session_gets_outside_access() -> list[Place]:
    """Every ``<session>.get(Model, …)`` outside access/ and models/, whatever the id's source
    (the cruder count the issue was measured with)."""
    models = table_models()
    places = []
    for name, path in modules().items():
        if name.startswith(("tenderapp.access", "tenderapp.models")):
            continue
        for node in ast.walk(_tree(path)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and len(node.args) >= 2 and _model_of(node.args[0], models)):
                places.append(Place(_relative(path), node.lineno, ast.unparse(node)))
    return sorted(places)


# --- imports ------------------------------------------------------------------------------------


def _imports(tree: ast.Module, module: str, is_package: bool, known: dict[str, Path],
             top_level_only: bool) -> list[tuple[int, str]]:
    """(line, imported module) for each import; ``from p import m`` names ``p.m`` when it is a module."""
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append((node.lineno, candidate if candidate in known else base))
    return found


def impure_export_imports() -> list[Place]:
    known = modules()
    places = []
    for name, path in known.items():
        if not name.startswith("tenderapp.exports"):
            continue
        for line, imported in _imports(_tree(path), name, path.name == "__init__.py", known, top_level_only=False):
            if imported.startswith(EXPORTS_MAY_NOT_IMPORT) or imported.split(".")[0].startswith("flask_"):
                places.append(Place(_relative(path), line, imported))
    return sorted(places)


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {}
    for name, path in known.items():
        targets = {imported for _, imported in _imports(_tree(path), name, path.name == "__init__.py", known,
                                                         top_level_only=True)}
        graph[name] = {t for t in targets if t in known and t != name}
    return graph


def import_cycles() -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan's algorithm)."""
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def report() -> str:
    lines = []
    for limit in (40, 30):
        found = long_functions(limit)
        lines.append(f"functions over {limit} lines: {len(found)}")
        if limit == 40:
            lines.extend(f"  {place}" for place in found)
    for title, found in (("id lookups outside access/", id_lookups_outside_access()),
                         ("impure imports in exports/", impure_export_imports())):
        lines.append(f"{title}: {len(found)}")
        lines.extend(f"  {place}" for place in found)
    lines.append(f"session.get(Model, …) outside access/ (any id): {len(session_gets_outside_access())}")
    cycles = import_cycles()
    lines.append(f"import cycles: {len(cycles)}")
    lines.extend("  " + " -> ".join(group) for group in cycles)
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
