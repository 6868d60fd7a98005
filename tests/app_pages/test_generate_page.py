"""AppTest tests for the Generate page: no key, start with live progress to completion, cancel and resume,
reattaching to a job started elsewhere, and a key from st.secrets. Jobs run in real worker processes against
the local fake OpenAI server (real HTTP on loopback); the key must never reach the page or the job's files."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from core.generation import GenerationSettings, JobStatus, cancel_job, job_status, list_jobs, start_job
from core.generation.jobs import resolve_job_dir
from tools.fake_openai import FakeConfig, FakeOpenAI

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """The fake server, and an environment with no key or endpoint of the developer's own."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    server = FakeOpenAI(FakeConfig(window_s=2.0, latency_s=0.005))
    server.start()
    try:
        yield server
    finally:
        for status in list_jobs():  # a failed test leaves no worker behind
            if status.alive:
                cancel_job(status.job_id, wait_s=10)
        server.stop()


def generate_page(secrets: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    # Some secrets always, so the machine's own ~/.streamlit/secrets.toml never leaks into a test.
    at.secrets.update(secrets or {"unrelated": "value"})
    return at.switch_page("app_pages/generate.py").run()


def configure(
    at: AppTest, fake: FakeOpenAI, per_class: int, *, key: str | None = None, concurrency: int = 4
) -> None:
    """Point the form at the fake with a tiny plan and limits far above what the test sends."""
    at.text_input(key="gen_base_url").set_value(fake.base_url)
    if key is not None:
        at.text_input(key="gen_api_key").set_value(key)
    at.number_input(key="gen_per_class").set_value(per_class)
    at.number_input(key="gen_rpm").set_value(100_000)
    at.number_input(key="gen_tpm").set_value(50_000_000)
    at.number_input(key="gen_concurrency").set_value(concurrency)
    at.checkbox(key="gen_starter").uncheck()
    at.run()
    assert not at.exception


def wait_until(job_id: str, done: Any, timeout: float = 30.0) -> JobStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = job_status(job_id)
        if status is not None and done(status):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not get there in time: {job_status(job_id)}")


def ended(status: JobStatus) -> bool:
    return not status.alive


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(getattr(element, "value", "")) for element in at.get(kind)]


def everything_shown(at: AppTest) -> str:
    """Every element's protobuf, widgets included (the password field too: it is sent no value)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def assert_key_hidden(at: AppTest, key: str, job_id: str) -> None:
    assert key not in everything_shown(at)
    for path in resolve_job_dir(job_id).iterdir():
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path.name


def test_without_a_key_the_page_explains_and_starts_nothing(fake: FakeOpenAI) -> None:
    at = generate_page()
    assert not at.exception
    help_text = " ".join(texts(at, "info"))
    for hint in ("OPENAI_API_KEY", "secrets.toml", "vLLM", "Ollama", "llama.cpp"):
        assert hint in help_text
    assert at.button(key="gen_start").disabled
    at.run()  # a browser cannot click a disabled button; a rerun must not start anything either
    assert not at.exception and list_jobs() == []
    assert any("No generation jobs yet" in text for text in texts(at, "info"))

    # A local server needs no key: the explanation goes and Start is offered.
    at.text_input(key="gen_base_url").set_value(fake.base_url).run()
    assert not any("OPENAI_API_KEY" in text for text in texts(at, "info"))
    assert not at.button(key="gen_start").disabled


def test_start_shows_progress_and_completes(fake: FakeOpenAI) -> None:
    key = fake.config.api_key
    at = generate_page()
    configure(at, fake, per_class=3, key=key)
    at.button(key="gen_start").click().run()
    assert not at.exception
    [job] = list_jobs()
    assert any(f"Started job {job.job_id}" in text for text in texts(at, "success"))
    assert at.selectbox(key="gen_job").value == job.job_id
    assert at.get("progress")

    at.run()  # a rerun starts nothing new
    assert len(list_jobs()) == 1

    status = wait_until(job.job_id, ended)
    assert status.state == "completed", status.message
    at.run()
    assert not at.exception
    assert any("Completed: 6 resumes" in text.replace("\\", "") for text in texts(at, "success"))
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["devops"] == "3 of 3" and shown["other"] == "3 of 3"
    assert int(shown["Requests"]) >= 6 and shown["Tokens"] != "0"
    assert not at.button(key="gen_start").disabled and at.button(key="gen_resume").disabled
    assert_key_hidden(at, key, job.job_id)


def test_cancel_then_resume(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    key = fake.config.api_key
    monkeypatch.setenv("OPENAI_API_KEY", key)  # the key from the environment this time
    fake.set_latency(0.4)
    at = generate_page()
    assert any("OPENAI_API_KEY environment variable" in text for text in texts(at, "caption"))
    configure(at, fake, per_class=10, concurrency=1)
    at.button(key="gen_start").click().run()
    [job] = list_jobs()
    assert at.button(key="gen_start").disabled and not at.button(key="gen_cancel").disabled
    assert at.button(key="gen_resume").disabled
    assert any("running" in text for text in texts(at, "info"))
    wait_until(job.job_id, lambda s: s.done_total > 0)
    at.run()
    assert at.get("progress") and any(metric.label == "ETA" for metric in at.metric)

    at.button(key="gen_cancel").click().run()
    assert not at.exception
    status = wait_until(job.job_id, ended)
    assert status.state == "cancelled" and 0 < status.done_total < 20
    at.run()
    assert any("Cancelled" in text for text in texts(at, "warning"))
    assert not at.button(key="gen_resume").disabled

    fake.set_latency(0.005)
    at.button(key="gen_resume").click().run()
    assert not at.exception
    assert any("Resumed job" in text for text in texts(at, "success"))
    status = wait_until(job.job_id, ended)
    assert status.state == "completed", status.message
    at.run()
    assert any("Completed: 20 resumes" in text.replace("\\", "") for text in texts(at, "success"))
    assert len(list_jobs()) == 1
    assert_key_hidden(at, key, job.job_id)


def test_page_reattaches_to_a_job_started_elsewhere(fake: FakeOpenAI) -> None:
    key = fake.config.api_key
    fake.set_latency(0.4)
    settings = GenerationSettings(
        per_class=10,
        base_url=fake.base_url,
        concurrency=1,
        rpm=100_000,
        tpm=50_000_000,
        use_starter_corpus=False,
    )
    job_id = start_job(settings, job_id="from-the-cli", api_key=key)
    try:
        at = generate_page()  # a fresh session, as after a browser refresh
        assert not at.exception
        assert at.selectbox(key="gen_job").value == job_id
        assert at.get("progress") and at.button(key="gen_start").disabled
        assert any("` from-the-cli ` is running" in text for text in texts(at, "info"))
        at.button(key="gen_cancel").click().run()
    finally:
        wait_until(job_id, ended)
    assert job_status(job_id).state == "cancelled"  # type: ignore[union-attr]
    assert_key_hidden(at, key, job_id)


def test_key_from_secrets(fake: FakeOpenAI) -> None:
    key = fake.config.api_key
    at = generate_page(secrets={"openai": {"api_key": key}})
    configure(at, fake, per_class=1)
    assert any("secrets.toml" in text for text in texts(at, "caption"))
    at.button(key="gen_start").click().run()
    [job] = list_jobs()
    status = wait_until(job.job_id, ended)
    assert status.state == "completed", status.message  # the fake accepted the key
    at.run()
    assert_key_hidden(at, key, job.job_id)
