"""The import structure holds: every module of server/ imports only from its own layer or the
layers below (docs/architecture.md draws them), so that no service, report or notification
reaches up into the web machinery or the routes, and no file-level import cycle can form between
layers."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

SERVER = Path(__file__).resolve().parents[1] / "server"

# From the bottom up; a module belongs to the layer of its longest matching prefix.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("server.config", "server.errors", "server.i18n", "server.models.enums"),
    ("server.values", "server.codes"),
    ("server.models", "server.db"),
    ("server.documents", "server.reports"),
    ("server.notifications",),
    ("server.services",),
    ("server.web",),
    ("server.routes",),
    ("server.app", "server.cli", "server.demo", "server.demo_interviews", "server.__main__"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(SERVER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    best, layer = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, layer = len(prefix), index
    assert layer >= 0, f"{module} belongs to no layer: add it to LAYERS"
    return layer


def imported_modules(path: Path) -> set[str]:
    """Every server module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from server.services import accounts` imports the module server.services.accounts
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in server_modules()}


@cache
def server_modules() -> frozenset[str]:
    """The modules of server/, without the empty top package itself."""
    return frozenset(module_name(path) for path in SERVER.rglob("*.py")) - {"server"}


def test_every_module_imports_only_from_its_layer_or_below():
    upward = []
    for path in sorted(SERVER.rglob("*.py")):
        importer = module_name(path)
        if importer == "server":
            continue
        for imported in sorted(imported_modules(path)):
            if layer_of(imported) > layer_of(importer):
                upward.append(f"{importer} → {imported}")
    assert upward == []


def test_the_layers_name_every_package_of_server():
    for module in server_modules():
        layer_of(module)
