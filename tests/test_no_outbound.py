"""Nothing leaves the machine: a CLI screen and a page load of every page make no connection and no name lookup
beyond loopback, and write nothing to the user's home folder.

Python processes (the CLI, its parse workers, the Streamlit server) run with tests/network_audit on their path,
whose audit hook logs every lookup and connection; the browser's requests are logged (and any to another host
aborted) by Playwright. OpenVINO's telemetry used to look up a Google Analytics host about a dozen times per
run and write ~/intel; the favicon came from a Google fonts host on every page view.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, DEVOPS_TEXT, OTHER_TEXT, running_app
from tests.pdf_factory import resume_pdf

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
AUDIT = Path(__file__).resolve().parent / "network_audit"


def _loopback(target: object) -> bool:
    """Whether a logged lookup or connection stays on this machine (a loopback host, or a Unix socket path)."""
    if isinstance(target, list) and target:
        return _loopback(target[0])
    if target is None or target == "localhost":
        return True  # None: the lookup of "any address" that binding a server does
    if isinstance(target, str):
        if target.startswith("/"):
            return True
        try:
            return ipaddress.ip_address(target).is_loopback
        except ValueError:
            return False
    return False


def _audited_env(tmp_path: Path) -> tuple[dict[str, str], Path, Path]:
    """An environment whose Python processes log their network use; a fresh home folder to check."""
    home = tmp_path / "home"
    home.mkdir()
    log = tmp_path / "network.jsonl"
    env = {
        "PYTHONPATH": os.pathsep.join([str(AUDIT), str(ROOT)]),
        "SHORTLIST_NET_LOG": str(log),
        "HOME": str(home),
    }
    # The control: the hook is live in a process started like the ones under test.
    subprocess.run(
        [sys.executable, "-c", "import socket; socket.getaddrinfo('localhost', 9)"],
        env={**os.environ, **env},
        check=True,
        timeout=60,
    )
    assert log.read_text(encoding="utf-8").count("socket.getaddrinfo") == 1, "the audit hook is not running"
    return env, log, home


def _outbound(log: Path) -> list[dict[str, object]]:
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [event for event in events if not _loopback(event["target"])]


def _files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def test_a_cli_screen_makes_no_connection_beyond_loopback(tmp_path: Path) -> None:
    env, log, home = _audited_env(tmp_path)
    folder = tmp_path / "applicants"
    folder.mkdir()
    (folder / "rosa.pdf").write_bytes(resume_pdf(DEVOPS_TEXT))
    (folder / "tom.pdf").write_bytes(resume_pdf(OTHER_TEXT))
    environment = {**os.environ, **env, "SHORTLIST_STATE_DIR": str(tmp_path / "state")}
    for variable in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):  # the code must set what it needs itself
        environment.pop(variable, None)
    completed = subprocess.run(
        [sys.executable, "-m", "core.cli", "screen", str(folder), "--out", str(tmp_path / "ranked.csv")],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "2 files: 2 scored" in completed.stdout
    assert _outbound(log) == []
    assert _files_under(home) == []  # OpenVINO's telemetry wrote ~/intel/openvino_ga_cid and ~/intel/stats


def test_every_page_loads_with_no_connection_beyond_loopback(tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    env, log, home = _audited_env(tmp_path)
    requested: list[str] = []
    with running_app(tmp_path / "state", env) as url:
        origin = urlsplit(url).netloc

        def only_this_app(route: Route) -> None:
            requested.append(route.request.url)
            target = urlsplit(route.request.url)
            if target.scheme in ("data", "blob") or target.netloc == origin:
                route.continue_()
            else:
                route.abort()

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.route("**/*", only_this_app)
            page = context.new_page()
            page.on("request", lambda request: requested.append(request.url))
            favicons = []
            try:
                for path, heading in [
                    ("", "Screen resumes"),
                    ("generate", "Generate training data"),
                    ("explore", "Explore the training data"),
                    ("train", "Train a model"),
                ]:
                    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                    page.get_by_text(heading).first.wait_for(timeout=120_000)
                    page.wait_for_load_state("networkidle")
                    favicons.append(page.locator("link[rel='shortcut icon']").get_attribute("href") or "")
            finally:
                browser.close()
    elsewhere = sorted(
        {link for link in requested if urlsplit(link).scheme not in ("data", "blob")}
        - {link for link in requested if urlsplit(link).netloc == origin}
    )
    assert elsewhere == []
    # Headless Chromium may not fetch favicons at all, so check what the page asks it to fetch.
    assert all(
        icon.startswith("data:image/svg+xml") or urlsplit(icon).netloc in ("", origin) for icon in favicons
    )
    assert _outbound(log) == []  # the Streamlit server and the workers it started
    assert _files_under(home) == []
