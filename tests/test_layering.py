"""Tidy checks over the armorsmith sources: layering, LSP isolation and module docstrings.

The layers are, bottom to top: diagnostics, syntax, model, resolve, engine and logs, ide,
then lsp and cli. A module may import its own layer and the layers below, never above.
Only armorsmith.lsp may import pygls or lsprotocol, and only armorsmith.syntax may load the
grammar extension. A new package must be placed in LAYERS before it can be imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO_ROOT

PACKAGE_ROOT = REPO_ROOT / "server" / "armorsmith"

LAYERS: list[tuple[str, ...]] = [
    ("armorsmith",),
    ("armorsmith.diagnostics",),
    ("armorsmith.aare",),
    ("armorsmith.syntax",),
    ("armorsmith.model",),
    ("armorsmith.resolve",),
    ("armorsmith.engine", "armorsmith.logs", "armorsmith.checks"),
    ("armorsmith.ide",),
    ("armorsmith.lsp", "armorsmith.cli"),
    ("armorsmith.__main__",),
]

LSP_ONLY = ("pygls", "lsprotocol")
SYNTAX_ONLY = ("tree_sitter_apparmor",)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = sorted(PACKAGE_ROOT.rglob("*.py"))


def _layer(module: str) -> int:
    """Return the rank of the longest LAYERS prefix of `module`."""
    best, best_length = None, -1
    for rank, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best_length:
                best, best_length = rank, len(name)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add its package to LAYERS in {__file__}")
    return best


def _imports(path: Path) -> list[str]:
    """Return the absolute names of every module `path` imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.append(".".join([*base, node.module] if node.module else base))
            else:
                found.append(node.module or "")
    return found


def _ids(paths: list[Path]) -> list[str]:
    return [_module_name(path) or "armorsmith" for path in paths]


def test_sources_were_found() -> None:
    """Ensure that the tidy checks see the package at all."""
    assert len(MODULES) > 5


@pytest.mark.parametrize("path", MODULES, ids=_ids(MODULES))
def test_module_has_docstring(path: Path) -> None:
    """Ensure that every module opens with a docstring saying what it owns."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and docstring.strip(), f"{path} has no module docstring"


@pytest.mark.parametrize("path", MODULES, ids=_ids(MODULES))
def test_imports_respect_layers(path: Path) -> None:
    """Ensure that no module imports a higher layer, LSP libraries outside lsp/, or the grammar outside syntax/."""
    module = _module_name(path)
    rank = _layer(module)
    for imported in _imports(path):
        top = imported.split(".")[0]
        if top in LSP_ONLY:
            assert module.startswith("armorsmith.lsp"), f"{module} imports {imported}: LSP types belong in lsp/"
        if top in SYNTAX_ONLY:
            assert module.startswith("armorsmith.syntax"), f"{module} loads the grammar: only syntax/ may"
        if top == "armorsmith":
            assert _layer(imported) <= rank, f"{module} (layer {rank}) imports higher layer {imported}"
