"""Issue 14: the state folder held extracted resume text readable by every local user (0755 folders, 0644
SQLite files). After screening, training, reviewing and generating, every folder under it is 0700 and every
file 0600, whatever the process umask."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core.data.catalog import DatasetInfo
from core.data.dataset import write_records
from core.data.verdicts import VerdictStore
from core.embedding.chunking import Chunking
from core.generation.runner import run_job
from core.generation.settings import GenerationSettings
from core.model.registry import activate
from core.paths import jobs_dir, state_dir
from core.screening.jobs import ScreeningJobs
from core.screening.runs import RunStore
from core.screening.screener import load_screener
from core.training.jobs import TrainingRequest, run_training
from core.training.trainer import TrainConfig
from tests.conftest import FakeEncoder, toy_records, toy_text
from tests.pdf_factory import resume_pdf
from tools.fake_openai import FakeConfig, FakeOpenAI


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)  # the widest: nothing may rely on the umask to keep files private
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_everything_under_the_state_folder_is_owner_only(tmp_path: Path) -> None:
    # Train a version (embedding cache, staging, models folder, held-out scores) and activate it.
    data = tmp_path / "toy.jsonl"
    data.write_text("".join(json.dumps(record) + "\n" for record in toy_records(20)), encoding="utf-8")
    request = TrainingRequest(
        datasets=(DatasetInfo("toy", "Toy", data, "starter"),),
        config=TrainConfig(chunking=Chunking(window_tokens=40, overlap_tokens=8)),
    )
    version = run_training(request, FakeEncoder())
    activate(version["version"])
    # Screen a batch and keep the uploaded PDF (the app database holds text and uploaded bytes).
    screener = load_screener(state_dir() / "models" / version["version"], device="cpu", encoder=FakeEncoder())
    upload = [("cv.pdf", resume_pdf(toy_text(np.random.default_rng(0), True, 120)))]
    _, done = ScreeningJobs(RunStore()).submit("reviewer-token", "batch", upload, screener, keep_files=True)
    done.result(timeout=120)
    VerdictStore().record("toy", ["devops-0"], "reject")
    # A generation job (settings, status, records, lock) and a dataset written under the state folder.
    server = FakeOpenAI(FakeConfig(window_s=2.0, latency_s=0.0))
    server.start()
    try:
        settings = GenerationSettings(per_class=1, base_url=server.base_url, use_starter_corpus=False)
        status = run_job(settings, jobs_dir() / "job-1", api_key=server.config.api_key)
    finally:
        server.stop()
    assert status.state == "completed", status.message
    write_records(state_dir() / "exports" / "kept.jsonl", [])

    written = list(state_dir().rglob("*"))
    assert {p.suffix for p in written} >= {".sqlite3", ".json", ".jsonl", ".npz"}
    wide = [
        f"{path.relative_to(state_dir())} {stat.S_IMODE(path.stat().st_mode):o}"
        for path in [state_dir(), *written]
        if stat.S_IMODE(path.stat().st_mode) != (0o700 if path.is_dir() else 0o600)
    ]
    assert wide == []
