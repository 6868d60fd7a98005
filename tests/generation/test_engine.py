"""Real-time generation end to end against the fake server: limits, faults, resume, accounting."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from core.data.dataset import read_records
from core.generation.planner import build_plan
from core.generation.runner import run_job, run_job_async
from core.generation.settings import GenerationSettings
from core.generation.status import JobStatus, read_status
from tests.generation.conftest import SettingsFactory
from tools.fake_openai import FakeOpenAI


def records_of(job_dir: Path) -> list[dict[str, object]]:
    lines = (job_dir / "resumes.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def assert_exactly_planned(job_dir: Path, settings: GenerationSettings) -> None:
    records = records_of(job_dir)
    planned = {item.id: item for item in build_plan(settings)}
    assert sorted(str(r["id"]) for r in records) == sorted(planned)  # none lost, none twice
    for record in records:
        item = planned[str(record["id"])]
        assert (record["label"], record["role"], record["style"]) == (item.label, item.role, item.style)


def test_generates_the_plan_with_full_records(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    settings = make_settings(per_class=5)
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed", status.message
    assert status.done == {"devops": 5, "other": 5} and status.planned == {"devops": 5, "other": 5}
    assert_exactly_planned(job_dir, settings)
    record = records_of(job_dir)[0]
    for field in (
        "id",
        "text",
        "label",
        "role",
        "title",
        "seniority",
        "years",
        "style",
        "region",
        "model",
        "created_at",
    ):
        assert record[field] not in (None, "")
    assert record["source"] == "generated:job"
    saved = read_status(job_dir)
    assert saved is not None and saved.state == "completed" and saved.requests == 10
    assert saved.prompt_tokens > 0 and saved.completion_tokens > 0 and saved.cost_usd > 0
    assert saved.eta_s == 0.0 and saved.pid is not None


@pytest.mark.parametrize("charge", ["usage", "reserved"])
def test_limits_are_never_exceeded(
    charge: str, fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.config.rpm, fake.config.tpm, fake.config.window_s, fake.config.charge = 14, 16_000, 1.0, charge
    settings = make_settings(
        per_class=10, rpm=14, tpm=16_000, window_s=1.0, limiter_margin_s=0.05, concurrency=6
    )
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed", status.message
    requests, tokens = fake.max_in_window()
    assert requests <= 14 and tokens <= 16_000
    assert fake.counts["429"] == 0 and status.http_429 == 0
    assert status.rate_limit_waits > 0 and status.rate_limit_wait_s > 0  # it really had to pace
    assert status.pacing == charge  # told from the first reply's headers


def test_transient_faults_are_retried(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.inject("server_error", "bad_gateway", "malformed_body", "hang", "server_error")
    settings = make_settings(per_class=3, request_timeout_s=0.4, concurrency=2)
    started = time.monotonic()
    status = run_job(settings, job_dir, handle_signals=False)
    assert time.monotonic() - started < 5  # the hang cost one short timeout, not the hang
    assert status.state == "completed", status.message
    assert status.errors == {"http_500": 2, "http_502": 1, "malformed_response": 1, "timeout": 1}
    assert len(status.recent_errors) == 5
    assert_exactly_planned(job_dir, settings)


def test_bad_replies_are_rejected_counted_and_retried(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.inject("bad_json", "truncated", "refusal", "placeholder", "empty", "short")
    settings = make_settings(per_class=3, concurrency=1, max_item_attempts=7)
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed", status.message
    assert status.rejects == {
        "invalid_json": 1,
        "truncated": 1,
        "refusal": 1,
        "placeholder": 1,
        "empty_resume": 1,
        "too_short": 1,
    }
    assert_exactly_planned(job_dir, settings)
    texts = " ".join(str(r["text"]) for r in records_of(job_dir))
    assert "sorry" not in texts.lower() and "[Your Name]" not in texts


def test_duplicate_replies_are_rejected(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.inject("ok", "duplicate")  # the second reply repeats the first one's text
    settings = make_settings(per_class=2, concurrency=1)
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed"
    assert status.rejects == {"exact_duplicate": 1}
    assert_exactly_planned(job_dir, settings)


def test_item_gives_up_after_the_cap(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.inject(*["refusal"] * 3)
    settings = make_settings(per_class=1, concurrency=1, max_item_attempts=3)
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed"
    assert status.gave_up == 1 and status.done_total == 1
    assert "start the job again" in status.message
    status = run_job(settings, job_dir, handle_signals=False)  # the next run retries the missing item
    assert status.done_total == 2 and status.gave_up == 0
    assert status.rejects == {"refusal": 3}  # totals carry over runs


def test_429_with_retry_after_cools_everyone_down(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.inject("rate_limit")
    settings = make_settings(per_class=2, concurrency=4)
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed"
    assert status.http_429 == 1
    accepted = sorted(a.t for a in fake.accepted())
    rejected = next(a.t for a in fake.arrivals if a.status == 429)
    # Nothing was sent during the 200 ms the server asked for, except requests already on the wire.
    later = [t for t in accepted if t > rejected + 0.02]
    assert later and min(later) >= rejected + 0.19


@pytest.mark.parametrize(("fault", "needle"), [("quota", "quota"), ("auth", "401")])
def test_quota_and_key_failures_stop_at_once(
    fault: str, needle: str, fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.inject(*[fault] * 50)
    fake.set_latency(0.05)
    settings = make_settings(per_class=20, concurrency=4)
    started = time.monotonic()
    status = run_job(settings, job_dir, handle_signals=False)
    assert time.monotonic() - started < 3
    assert status.state == "failed"
    assert needle in status.message
    assert fake.counts["requests"] <= 4  # the first answer stopped everything; no retries
    saved = read_status(job_dir)
    assert saved is not None and saved.state == "failed" and needle in saved.message
    assert api_key not in json.dumps(saved.to_dict())


def test_missing_key_fails_clearly(
    make_settings: SettingsFactory, job_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr("core.generation.settings.repo_root", lambda: tmp_path)
    settings = make_settings(base_url="https://api.example.org/v1")
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "failed" and "OPENAI_API_KEY" in status.message


def test_headers_tighten_our_limits(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.config.rpm, fake.config.window_s = 6, 1.0  # the account allows less than configured
    settings = make_settings(per_class=6, rpm=1000, window_s=1.0, concurrency=2, max_attempts=10)
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed", status.message
    assert status.limits["rpm"] == 6
    assert fake.counts["429"] <= 2  # at most the requests sent before the first headers came back


def test_resume_skips_written_ids(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    settings = make_settings(per_class=4)
    first = build_plan(settings)[:3]
    job_dir.mkdir(parents=True)
    with (job_dir / "resumes.jsonl").open("w") as handle:
        for item in first:
            handle.write(
                json.dumps(
                    {
                        "id": item.id,
                        "text": f"Kept {item.id} " * 40,
                        "label": item.label,
                        "role": item.role,
                        "style": item.style,
                    }
                )
                + "\n"
            )
        handle.write('{"id": "torn')
    status = run_job(settings, job_dir, handle_signals=False)
    assert status.state == "completed"
    assert fake.counts["requests"] == 5
    assert status.repaired_bytes > 0
    assert_exactly_planned(job_dir, settings)
    assert read_records(job_dir / "resumes.jsonl")[1] == 0


def test_stop_event_cancels_cleanly(
    fake: FakeOpenAI, make_settings: SettingsFactory, job_dir: Path, api_key: str
) -> None:
    fake.set_latency(0.2)
    settings = make_settings(per_class=30, concurrency=2)

    async def go() -> JobStatus:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.5, stop.set)
        return await run_job_async(settings, job_dir, stop=stop)

    started = time.monotonic()
    status = asyncio.run(go())
    assert time.monotonic() - started < 2
    assert status.state == "cancelled" and 0 < status.done_total < 60
    saved = read_status(job_dir)
    assert saved is not None and saved.state == "cancelled"
    assert len(records_of(job_dir)) == status.done_total
