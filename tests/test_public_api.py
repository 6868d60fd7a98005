"""Each package's public names, in the style of httpx's exported-members test.

Every package of core re-exports its public names in ``__all__``, and the pages and the CLI import only those:
a page that reaches into ``core.screening.screener`` would tie it to a module that may move.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(
    f"core.{path.parent.name}"
    for path in (ROOT / "core").glob("*/__init__.py")
    if not path.parent.name.startswith("_")
)
CONSUMERS = [ROOT / "app.py", ROOT / "core" / "cli.py", *sorted((ROOT / "app_pages").rglob("*.py"))]


@pytest.mark.parametrize("package", PACKAGES)
def test_all_lists_exactly_the_public_names(package: str) -> None:
    module = importlib.import_module(package)
    submodules = {
        name
        for name, value in vars(module).items()
        if getattr(value, "__name__", "").startswith(package + ".")
    }
    public = {name for name in vars(module) if not name.startswith("_")} - submodules - {"annotations"}
    assert sorted(module.__all__) == sorted(public)


@pytest.mark.parametrize("path", CONSUMERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_and_the_cli_import_only_public_names(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core"):
            parts = node.module.split(".")
            assert len(parts) <= 2, f"{path.name} imports from the submodule {node.module}"
            if len(parts) == 2 and parts[1] not in ("errors", "paths"):
                exported = importlib.import_module(node.module).__all__
                for alias in node.names:
                    assert alias.name in exported, (
                        f"{path.name}: {alias.name} is not in {node.module}.__all__"
                    )
