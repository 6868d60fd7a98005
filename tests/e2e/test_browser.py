"""The main flow in a real browser: `streamlit run app.py`, headless Chromium, three PDFs through the real file
input, the ranked table. Saves a screenshot to ``artifacts/e2e-screen.png`` for CI to keep."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.paths import bundled_model_dir
from tests.pdf_factory import resume_pdf, scanned_pdf

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]

pytestmark = pytest.mark.slow

DEVOPS_TEXT = """Rosa Delgado
Senior DevOps Engineer, Lisbon
Built and ran GitLab CI and Argo CD pipelines for 40 microservices on Kubernetes (EKS), wrote Terraform modules
for AWS networking and IAM, introduced Prometheus and Grafana alerting with SLOs, cut deployment time from two
hours to twelve minutes, led on-call and incident reviews, hardened clusters with OPA policies and Trivy scans."""
OTHER_TEXT = """Tom Becker
Registered Nurse, Hamburg
Eight years on a cardiology ward: patient assessment, medication administration, wound care, discharge planning,
mentoring new nurses, charting in the electronic health record, family education and night-shift coordination."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(state: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free port with its own state folder (and ``extra_env``); yields its URL."""
    if not (bundled_model_dir() / "model.json").is_file():
        pytest.fail("The bundled model is missing")
    port = free_port()
    env = {**os.environ, "SHORTLIST_STATE_DIR": str(state), "HF_HUB_OFFLINE": "1", **(extra_env or {})}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("e2e-state")) as url:
        yield url


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[str]:
    """An app no browser has opened yet: the first request decides how Streamlit routes pages."""
    with running_app(tmp_path / "state") as url:
        yield url


def test_a_link_straight_to_a_page_opens_it_inside_the_app(fresh_server: str) -> None:
    """A bookmark or a reload on /train, as the first request after a restart, gets the app's navigation and
    sidebar, not Streamlit's listing of every file in the pages folder (which a folder named pages/ causes)."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.goto(f"{fresh_server}/train", wait_until="domcontentloaded")
            page.get_by_text("Train a model").first.wait_for(timeout=60_000)
            navigation = page.get_by_test_id("stSidebarNav")
            expect(navigation).to_contain_text("Screen", timeout=30_000)
            entries = navigation.inner_text()
            expect(page.get_by_text("Active model")).to_be_visible()
        finally:
            browser.close()
    assert {"Screen", "Generate", "Explore", "Train"} <= set(entries.split())
    assert "shared" not in entries and "app" not in entries.split()


def test_upload_three_pdfs_and_see_the_ranked_table(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    )
    files = {
        "rosa.pdf": resume_pdf(DEVOPS_TEXT),
        "tom.pdf": resume_pdf(OTHER_TEXT),
        "scan.pdf": scanned_pdf(),
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        try:
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_text("Screen resumes").first.wait_for(timeout=60_000)
            page.locator("input[type=file]").first.set_input_files(paths)
            page.get_by_text("rosa.pdf").first.wait_for(timeout=30_000)
            page.get_by_role("button", name="Screen uploaded files").click()
            expect(page.get_by_text("Files that could not be scored")).to_be_visible(timeout=120_000)
            expect(page.get_by_test_id("stDataFrame")).to_have_count(2, timeout=30_000)
            ranked_grid, rejected_grid = page.get_by_test_id("stDataFrame").all()
            expect(ranked_grid).to_be_visible()
            # The grid draws on a canvas; its cells also live in a visually hidden accessible table.
            cells = "td[role=gridcell]"
            expect(ranked_grid.locator(cells).filter(has_text="rosa.pdf")).to_have_count(1)
            ranked_cells = ranked_grid.locator(cells).all_text_contents()
            rejected_cells = rejected_grid.locator(cells).all_text_contents()
            page.screenshot(path=str(artifacts / "e2e-screen.png"), full_page=True)
        finally:
            browser.close()
    assert ranked_cells.index("rosa.pdf") < ranked_cells.index("tom.pdf")  # the DevOps resume ranks first
    assert "scan.pdf" not in ranked_cells and "scan.pdf" in rejected_cells  # the scan is listed, never ranked


def test_a_hostile_file_name_shows_as_plain_text(server: str) -> None:
    """Issue 14: Markdown in names rendered in alerts (an image was fetched, a link worked), and autolinks and
    emoji shortcodes survived the old escaping."""
    from playwright.sync_api import expect, sync_playwright

    # No "/" in it: a browser will not upload a file whose name has one.
    name = "cv www.evil.example jane@evil.example :smile: ![x](evil.png) [go](evil.html) <b>bold</b>.pdf"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        try:
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_text("Screen resumes").first.wait_for(timeout=60_000)
            upload = {"name": name, "mimeType": "application/pdf", "buffer": resume_pdf(DEVOPS_TEXT)}
            page.locator("input[type=file]").first.set_input_files([upload])
            # The uploader shortens long names in the middle ("cv www....ld</b>.pdf").
            uploader = page.get_by_test_id("stFileUploader").first
            uploader.get_by_text(re.compile(r"\.pdf$")).first.wait_for(timeout=60_000)
            page.get_by_role("button", name="Screen uploaded files").click()
            caption = page.get_by_test_id("stCaptionContainer").filter(has_text="File:")
            expect(caption).to_have_count(1, timeout=120_000)
            shown = caption.inner_text()
            links = page.locator("a[href*='evil'], a[href^='mailto:']").count()
            images = page.locator("img[src*='evil']").count()
            bold = caption.locator("b, strong").count()
        finally:
            browser.close()
    assert ":smile:" in shown and "![x](evil.png) [go](evil.html)" in shown and "<b>bold</b>" in shown
    assert (links, images, bold) == (0, 0, 0)
