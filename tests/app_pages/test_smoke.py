"""Smoke test: every page of the app renders without an exception (toy model, fake encoder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "app_pages").glob("*.py")
    if p.stem not in ("__init__", "shared")
)


def test_every_page_file_is_in_the_navigation() -> None:
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert PAGES and all(f'"{page}"' in app for page in PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_errors(page: str, page_model: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title or at.header or at.subheader  # the page drew its heading, not an empty screen
