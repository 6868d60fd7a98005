"""The layering rules from DESIGN.md, checked on the source: core never imports streamlit, and the pages never
import the heavy or I/O libraries directly (they call core)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE_FORBIDDEN = {"sklearn", "torch", "sentence_transformers", "openai", "pypdf", "openvino", "transformers"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted((ROOT / "core").rglob("*.py")), ids=lambda p: p.name)
def test_core_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in imported_roots(path)


@pytest.mark.parametrize(
    "path", [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))], ids=lambda p: p.name
)
def test_pages_call_core_instead_of_heavy_libraries(path: Path) -> None:
    assert not imported_roots(path) & PAGE_FORBIDDEN


def test_there_is_no_legacy_pages_folder() -> None:
    """A pages/ folder next to app.py switches Streamlit to listing its files on a direct link."""
    assert not (ROOT / "pages").exists()
