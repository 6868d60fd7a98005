"""Run one generation job in this process, start to finish: the code behind both the worker and the CLI.

A run plans the job, opens its store (repairing a torn tail and skipping ids already written), then generates
in real time or through the Batch API, writing ``status.json`` as it goes. Running it again on the same folder
resumes. SIGTERM and SIGINT stop it cleanly with the state ``cancelled``; a quota or key failure ends it with
``failed`` and a message saying what to do.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import threading
from pathlib import Path

from core.data.dataset import read_records
from core.errors import ConfigError, DatasetError, GenerationError
from core.generation.batch import BatchEngine
from core.generation.client import LLMClient
from core.generation.context import JobContext, ProgressCallback
from core.generation.engine import RealtimeEngine
from core.generation.limiter import RateLimiter
from core.generation.planner import build_plan, job_profile, planned_per_class
from core.generation.prompts import StyleExamples, load_style_examples
from core.generation.settings import GenerationSettings, key_for, redact
from core.generation.status import CANCEL_FILE, JobStatus, StatusTracker, read_status
from core.generation.store import RESUMES_FILE, RecordStore
from core.paths import starter_corpus_path
from core.storage import private_dir

log = logging.getLogger(__name__)

# Totals that accumulate over every run of a job, so a resumed job reports what the whole job cost.
_CARRIED = (
    "requests",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "rejects",
    "errors",
    "http_429",
    "rate_limit_waits",
    "rate_limit_wait_s",
    "recent_errors",
    "started_at",
    "batch",
)


def _initial_status(job_dir: Path, settings: GenerationSettings, planned: dict[str, int]) -> JobStatus:
    """A fresh running status for this process, carrying the totals of earlier runs of the job."""
    status = JobStatus(
        job_id=job_dir.name,
        state="running",
        mode="batch" if settings.batch else "realtime",
        model=settings.model,
        endpoint=settings.endpoint(),
        pid=os.getpid(),
        planned=planned,
        limits={"rpm": settings.rpm, "tpm": settings.tpm},
    )
    prior = read_status(job_dir)
    if prior is not None:
        for name in _CARRIED:
            setattr(status, name, getattr(prior, name))
    return status


def _starter(settings: GenerationSettings) -> tuple[StyleExamples, list[str]]:
    """Style examples for prompts and the starter texts to keep copies of out (both empty when absent)."""
    if not settings.use_starter_corpus:
        return {}, []
    path = Path(settings.starter_corpus) if settings.starter_corpus else starter_corpus_path()
    try:
        records, _ = read_records(path)
    except DatasetError:
        return {}, []
    return load_style_examples(path), [record.text for record in records]


async def _watch_cancel(job_dir: Path, stop: asyncio.Event, interval_s: float = 0.2) -> None:
    """Set ``stop`` when the cancel marker appears (the page's cancel, also before signals reach us)."""
    marker = job_dir / CANCEL_FILE
    while not stop.is_set():
        if marker.exists():
            stop.set()
            return
        await asyncio.sleep(interval_s)


async def run_job_async(
    settings: GenerationSettings,
    job_dir: Path,
    *,
    api_key: str | None = None,
    on_progress: ProgressCallback | None = None,
    stop: asyncio.Event | None = None,
) -> JobStatus:
    """Run (or resume) the job in ``job_dir`` until done, stopped or failed; returns its final status."""
    stop = stop or asyncio.Event()
    private_dir(job_dir)
    status = _initial_status(job_dir, settings, {})
    tracker = StatusTracker(
        job_dir,
        status,
        price_input_per_m=settings.price_input_per_m,
        price_output_per_m=settings.price_output_per_m,
        price_factor=settings.batch_discount if settings.batch else 1.0,
        interval_s=settings.status_interval_s,
    )
    key: str | None = None
    watcher = asyncio.create_task(_watch_cancel(job_dir, stop))
    try:
        plan = build_plan(settings)
        status.planned = planned = planned_per_class(plan)
        store = RecordStore(
            job_dir / RESUMES_FILE, quotas=planned, near_duplicate_threshold=settings.near_duplicate_threshold
        )
        report = await asyncio.to_thread(store.open)
        examples, starter_texts = await asyncio.to_thread(_starter, settings)
        await asyncio.to_thread(store.seed_texts, starter_texts)
        counts = store.counts()
        status.done = {label: counts.get(label, 0) for label in planned}
        status.broken_lines, status.repaired_bytes = report.broken_lines, report.repaired_bytes
        tracker.flush(force=True)
        ctx = JobContext(
            job_id=job_dir.name,
            settings=settings,
            profile=job_profile(settings),
            plan=plan,
            store=store,
            tracker=tracker,
            examples=examples,
            on_progress=on_progress,
        )
        ctx.progress()
        key = key_for(settings, api_key)
        client = LLMClient(
            api_key=key,
            base_url=settings.base_url or None,
            model=settings.model,
            timeout_s=settings.request_timeout_s,
            connect_timeout_s=settings.connect_timeout_s,
        )
        try:
            if settings.batch:
                state = await BatchEngine(ctx, client, stop).run()
            else:
                limiter = RateLimiter(
                    settings.rpm,
                    settings.tpm,
                    window_s=settings.window_s,
                    margin_s=settings.margin_s,
                    smoothing=settings.smoothing,
                )
                state = await RealtimeEngine(ctx, client, limiter, stop, random.Random()).run()
                tracker.set_limits(limiter.rpm, limiter.tpm, limiter.refunds)
        finally:
            await client.aclose()
        # Another writer may have added records meanwhile: the file is the truth.
        await asyncio.to_thread(store.refresh)
        counts = store.counts()
        status.done = {label: counts.get(label, 0) for label in planned}
    except (GenerationError, ConfigError) as error:
        message = redact(str(error), key, api_key)
        log.error("Generation job %s failed: %s", job_dir.name, message)
        tracker.error(type(error).__name__, message)
        tracker.finish("failed", message)
        return status
    except asyncio.CancelledError:
        tracker.finish("cancelled", "Cancelled; start again to resume.")
        raise
    except BaseException as error:
        message = redact(f"Internal error: {type(error).__name__}: {error}", key, api_key)
        tracker.finish("failed", message)
        raise
    finally:
        watcher.cancel()
    missing = status.planned_total - status.done_total
    if state == "completed" and missing > 0:
        message = (
            f"{missing} planned resumes could not be generated (see rejects and errors); "
            "start the job again to retry them."
        )
    elif state == "completed":
        message = f"All {status.planned_total} planned resumes written."
    else:
        message = status.message if settings.batch and status.message else "Cancelled; start again to resume."
    tracker.finish(state, message)
    return status


def run_job(
    settings: GenerationSettings,
    job_dir: Path,
    *,
    api_key: str | None = None,
    on_progress: ProgressCallback | None = None,
    handle_signals: bool = True,
) -> JobStatus:
    """Blocking :func:`run_job_async`; SIGTERM and SIGINT stop the job cleanly when ``handle_signals``."""

    async def main() -> JobStatus:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []
        if handle_signals and threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
                installed.append(signum)
        try:
            return await run_job_async(settings, job_dir, api_key=api_key, on_progress=on_progress, stop=stop)
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)

    return asyncio.run(main())
