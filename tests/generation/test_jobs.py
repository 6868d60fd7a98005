"""Detached worker processes: start, guard against double starts, cancel, survive SIGKILL, list."""

from __future__ import annotations

import json
import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.generation.jobs import (
    cancel_job,
    is_running,
    job_status,
    list_jobs,
    resolve_job_dir,
    resume_job,
    start_job,
)
from core.generation.planner import build_plan
from core.generation.status import JobStatus
from tests.generation.conftest import SettingsFactory
from tools.fake_openai import FakeOpenAI


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def status_of(job_id: str) -> JobStatus:
    status = job_status(job_id)
    assert status is not None
    return status


def finished(job_id: str) -> bool:
    """The job ended and its worker exited (a final status is written just before the exit)."""
    status = job_status(job_id)
    return (
        status is not None
        and not status.alive
        and status.state in ("completed", "failed", "cancelled", "interrupted")
    )


def test_worker_runs_a_job_to_completion(
    fake: FakeOpenAI, make_settings: SettingsFactory, api_key: str
) -> None:
    job_id = start_job(make_settings(per_class=3), job_id="small", api_key=api_key)
    wait_for(lambda: finished(job_id))
    status = status_of(job_id)
    assert status.state == "completed", status.message
    assert status.done_total == 6 and status.pacing == "usage"
    job_dir = resolve_job_dir(job_id)
    for name in ("settings.json", "status.json", "worker.log", "resumes.jsonl"):
        assert api_key not in (job_dir / name).read_text(encoding="utf-8"), name
    assert [s.job_id for s in list_jobs()] == ["small"]


def test_second_start_is_refused_and_cancel_stops_cleanly(
    fake: FakeOpenAI, make_settings: SettingsFactory, api_key: str
) -> None:
    fake.set_latency(0.3)
    settings = make_settings(per_class=40, concurrency=2)
    job_id = start_job(settings, job_id="slow", api_key=api_key)
    with pytest.raises(ConfigError, match="already running"):
        start_job(settings, job_id="slow", api_key=api_key)
    wait_for(lambda: status_of(job_id).state == "running" and status_of(job_id).done_total > 0)
    status = status_of(job_id)
    assert status.alive and status.pid and status.heartbeat_age_s < 5
    assert cancel_job(job_id, wait_s=10)
    status = status_of(job_id)
    assert status.state == "cancelled" and not status.alive
    assert 0 < status.done_total < 80
    assert not cancel_job(job_id)  # nothing left to cancel


def test_cancel_while_starting(fake: FakeOpenAI, make_settings: SettingsFactory, api_key: str) -> None:
    job_id = start_job(make_settings(per_class=40), job_id="early", api_key=api_key)
    assert cancel_job(job_id, wait_s=15)
    assert status_of(job_id).state == "cancelled"


def test_no_key_is_refused_before_spawning(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr("core.generation.settings.repo_root", lambda: tmp_path)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        start_job(make_settings(base_url=None), job_id="nokey")
    assert job_status("nokey") is None


def test_sigkill_at_random_moments_loses_and_duplicates_nothing(
    fake: FakeOpenAI, make_settings: SettingsFactory, api_key: str
) -> None:
    fake.set_latency(0.06)
    fake.config.fault_rates = {"server_error": 0.05, "refusal": 0.05}
    settings = make_settings(per_class=15, concurrency=3)
    rng = random.Random(7)
    job_id = start_job(settings, job_id="chaos", api_key=api_key)
    kills = 0
    while kills < 3:
        wait_for(lambda: is_running(resolve_job_dir(job_id)))
        wait_for(lambda: (status_of(job_id).pid or 0) > 0)
        time.sleep(rng.uniform(0.05, 0.5))
        status = status_of(job_id)
        if status.state != "running":
            break
        os.kill(status.pid or 0, signal.SIGKILL)
        kills += 1
        wait_for(lambda: not is_running(resolve_job_dir(job_id)))
        assert status_of(job_id).state == "interrupted"
        resume_job(job_id, api_key=api_key)
    wait_for(lambda: finished(job_id), timeout=40)
    status = status_of(job_id)
    assert status.state == "completed", status.message
    lines = (resolve_job_dir(job_id) / "resumes.jsonl").read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]  # every line is valid JSON
    assert sorted(ids) == sorted(item.id for item in build_plan(settings))
    assert kills >= 1
