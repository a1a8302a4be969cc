"""The domain is plain Python: no Flask, no database, nothing of the project outside itself, no float."""

import ast
from pathlib import Path

import pytest

DOMAIN_DIR = Path(__file__).resolve().parents[2] / "tenderapp" / "domain"
FORBIDDEN_PACKAGES = {"flask", "sqlmodel", "sqlalchemy", "werkzeug"}


def domain_modules() -> list[Path]:
    return sorted(DOMAIN_DIR.rglob("*.py"))


def package_of(path: Path) -> str:
    """The dotted package a module's relative imports start from (tenderapp.domain[.sub])."""
    return ".".join(path.relative_to(DOMAIN_DIR.parent.parent).parts[:-1])


def imported_modules(source: str, package: str) -> list[str]:
    """Every module named by an import anywhere in ``source`` (inside functions too), made absolute."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            if module != "tenderapp":
                names.append(module)
            # `from tenderapp import models` names a module through its alias.
            names.extend(f"{module}.{alias.name}" for alias in node.names)
    return names


def is_forbidden(module: str) -> bool:
    top = module.split(".")[0]
    if top in FORBIDDEN_PACKAGES or top.startswith("flask_"):
        return True
    if top == "tenderapp":
        return not (module == "tenderapp.domain" or module.startswith("tenderapp.domain."))
    return False


def forbidden_imports(source: str, package: str = "tenderapp.domain") -> list[str]:
    return [module for module in imported_modules(source, package) if is_forbidden(module)]


# --- the domain as it is --------------------------------------------------------------------


def test_the_walker_finds_the_known_domain_modules():
    names = {path.stem for path in domain_modules()}

    assert {"__init__", "audit_chain", "errors", "invitations", "passwords", "roles"} <= names


@pytest.mark.parametrize("path", domain_modules(), ids=lambda path: path.name)
def test_domain_module_imports_nothing_of_flask_the_database_or_the_rest_of_the_project(path):
    assert forbidden_imports(path.read_text(encoding="utf-8"), package_of(path)) == []


@pytest.mark.parametrize("path", domain_modules(), ids=lambda path: path.name)
def test_domain_module_never_uses_float(path):
    assert "float(" not in path.read_text(encoding="utf-8")


def test_domain_modules_really_import_their_own_errors():
    # Proves the walker sees imports in real files: roles.py imports tenderapp.domain.errors.
    source = (DOMAIN_DIR / "roles.py").read_text(encoding="utf-8")

    assert "tenderapp.domain.errors" in imported_modules(source, "tenderapp.domain")


# --- the check itself catches what it should ------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import flask",
        "from flask import request",
        "import flask.globals",
        "from flask_login import current_user",
        "import sqlmodel",
        "from sqlmodel import Session, select",
        "import sqlalchemy as sa",
        "from sqlalchemy.orm import Session",
        "from werkzeug.exceptions import NotFound",
        "import tenderapp.models",
        "from tenderapp.models import Tender",
        "from tenderapp import access",
        "from tenderapp import db, domain",
        "from tenderapp.services.audit import record",
        "from tenderapp.formatting import money",
        "from .. import clock",
        "from ..clock import now",
        "import tenderapp",
        "def rule():\n    from sqlmodel import select\n    return select",
        "import typing\nif typing.TYPE_CHECKING:\n    from flask import Flask",
    ],
)
def test_the_check_refuses_a_forbidden_import(source):
    assert forbidden_imports(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "import decimal",
        "from datetime import UTC, datetime",
        "from tenderapp.domain.errors import RuleViolation",
        "import tenderapp.domain.errors",
        "from tenderapp.domain import errors",
        "from tenderapp import domain",
        "from . import errors",
        "from .errors import RuleViolation",
        "import flasky",
        "x = 'import flask'",
    ],
)
def test_the_check_allows_the_standard_library_and_the_domain_itself(source):
    assert forbidden_imports(source) == []


def test_relative_imports_resolve_from_the_module_package():
    assert package_of(DOMAIN_DIR / "roles.py") == "tenderapp.domain"
    assert package_of(DOMAIN_DIR / "__init__.py") == "tenderapp.domain"
    assert imported_modules("from ..models import Tender", "tenderapp.domain")[0] == "tenderapp.models"
