"""Fixtures for the generation tests: a fake OpenAI server on loopback and settings that point at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.generation.settings import GenerationSettings
from tools.fake_openai import FakeConfig, FakeOpenAI

SettingsFactory = Callable[..., GenerationSettings]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """A fake server with no limits enforced and a small latency; tests adjust ``fake.config``."""
    server = FakeOpenAI(FakeConfig(window_s=2.0, latency_s=0.005))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_settings(fake: FakeOpenAI) -> SettingsFactory:
    """Settings against ``fake``: tiny plans, a two-second "minute", fast backoff, no starter corpus."""

    def build(**changes: Any) -> GenerationSettings:
        values: dict[str, Any] = dict(
            per_class=4,
            base_url=fake.base_url,
            rpm=10_000,
            tpm=10_000_000,
            window_s=2.0,
            limiter_margin_s=0.1,
            concurrency=8,
            request_timeout_s=5.0,
            connect_timeout_s=2.0,
            backoff_base_s=0.02,
            backoff_max_s=0.2,
            use_starter_corpus=False,
            status_interval_s=0.1,
            batch_poll_s=0.05,
        )
        values.update(changes)
        return GenerationSettings(**values)

    return build


@pytest.fixture
def api_key(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fake's key, also in ``OPENAI_API_KEY`` (as a user would set it)."""
    monkeypatch.setenv("OPENAI_API_KEY", fake.config.api_key)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    return fake.config.api_key


@pytest.fixture
def job_dir(tmp_path: Path) -> Path:
    return tmp_path / "job"
