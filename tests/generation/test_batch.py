"""Batch API mode end to end against the fake server: submit, poll, collect, validate, resume."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from core.generation.batch import BatchState
from core.generation.planner import build_plan
from core.generation.runner import run_job, run_job_async
from core.generation.status import JobStatus
from tests.generation.conftest import SettingsFactory
from tools.fake_openai import FakeOpenAI


def written_ids(job_dir: Path) -> list[str]:
    return [json.loads(line)["id"] for line in (job_dir / "resumes.jsonl").read_text().splitlines()]


def test_batch_mode_end_to_end(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.inject("refusal", "ok", "truncated")  # two lines of the first batch fail validation
    settings = make_settings(per_class=4, batch=True)
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed", status.message
    assert sorted(written_ids(job_dir)) == sorted(item.id for item in build_plan(settings))
    assert status.rejects == {"refusal": 1, "truncated": 1}
    state = BatchState.load(job_dir)
    assert state.rounds == 2 and state.active is None
    assert [h["items"] for h in state.history] == [8, 2]  # the rejected items went into a second batch
    lines = (job_dir / "batch-input-1.jsonl").read_text().splitlines()
    request = json.loads(lines[0])
    assert request["url"] == "/v1/chat/completions"
    assert request["body"]["response_format"]["type"] == "json_object"
    full_price = (status.prompt_tokens * 0.15 + status.completion_tokens * 0.60) / 1e6
    assert abs(status.cost_usd - full_price / 2) < 1e-6  # the Batch API's half price
    assert status.mode == "batch" and status.batch and status.batch["status"] == "completed"


def test_cancelled_batch_is_collected_on_resume(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.config.batch_delay_s = 1.0
    settings = make_settings(per_class=3, batch=True)

    async def cancel_soon() -> JobStatus:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.3, stop.set)
        return await run_job_async(settings, job_dir, stop=stop)

    status = asyncio.run(cancel_soon())
    assert status.state == "cancelled" and "left running" in status.message
    assert BatchState.load(job_dir).active is not None
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed"
    assert fake.counts["batch_lines"] == 6  # one batch, collected after the restart: nothing paid twice
    assert len(written_ids(job_dir)) == 6


def test_batch_with_a_bad_key_fails_clearly(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path
) -> None:
    status = run_job(make_settings(batch=True), job_dir, api_key="sk-wrong-key-000000", handle_signals=False)
    assert status.state == "failed" and "401" in status.message
    assert "sk-wrong-key-000000" not in status.message
