"""Training jobs and the registry: a background job with progress, the cache reused on retraining, held-out
scores saved with each version, evaluation on an uploaded set, and activate / roll back / refuse tampering."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from core.data.catalog import DatasetInfo
from core.documents.labelled import parse_labelled_jsonl
from core.embedding.chunking import Chunking
from core.errors import ConfigError, DatasetError, IntegrityError
from core.model.artifact import ARRAYS_FILE
from core.model.classifier import parse_gamma
from core.model.evaluation import load_scored_sets
from core.model.registry import (
    activate,
    active_version,
    delete_version,
    list_versions,
    previous_version,
    rollback,
    user_models_dir,
    versions_frame,
)
from core.training.jobs import TrainingJobs, TrainingJobStore, TrainingRequest, run_training
from core.training.trainer import TrainConfig
from tests.conftest import FakeEncoder, toy_records

CHUNKING = Chunking(window_tokens=40, overlap_tokens=8)


class CountingEncoder(FakeEncoder):
    """The fake encoder, counting the windows it embeds; ``gate`` can hold a job until a test releases it."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.windows = 0
        self.gate = gate

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        if self.gate is not None:
            self.gate.wait(timeout=30)
        self.windows += len(texts)
        return super().encode(texts, batch_size)


def dataset(path: Path, records: list[dict[str, object]], key: str = "toy") -> DatasetInfo:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return DatasetInfo(key, key.capitalize(), path, "starter")


@pytest.fixture
def toy(tmp_path: Path) -> DatasetInfo:
    return dataset(tmp_path / "toy.jsonl", toy_records(25))


def request_for(*datasets: DatasetInfo, **kwargs: object) -> TrainingRequest:
    return TrainingRequest(datasets=datasets, config=TrainConfig(chunking=CHUNKING), **kwargs)  # type: ignore[arg-type]


def test_a_training_run_saves_a_complete_version_with_its_held_out_scores(toy: DatasetInfo) -> None:
    steps: list[str] = []
    result = run_training(
        request_for(toy), FakeEncoder(), on_step=lambda step, done, total: steps.append(step)
    )
    assert steps[0] == "loading" and "fitting" in steps and steps[-1] == "saving"
    version = next(v for v in list_versions() if v.version == result["version"])
    assert version.path.parent == user_models_dir()
    assert version.held_out["roc_auc"] == result["held_out"]["roc_auc"]
    details = version.metadata["training"]["dataset_details"]
    assert details[0]["key"] == "toy" and details[0]["records"] == 50 and len(details[0]["sha256"]) == 64
    held_out = load_scored_sets(version.path)["held_out"]
    assert len(held_out.ids) == result["n_test"] == 10
    # The saved scores come from the screening path and agree with the report from scikit-learn's.
    agreement = held_out.at(0.5)["accuracy"]
    assert agreement == pytest.approx(result["held_out"]["accuracy"])
    assert len(held_out.roc()) >= 2 and len(held_out.precision_recall()) >= 2
    table = versions_frame(list_versions(), result["version"])
    row = table.set_index("version").loc[result["version"]]
    assert bool(row["active"]) and row["datasets"] == "Toy" and row["classifier"] == "svm"


def test_an_uploaded_labelled_set_is_scored_and_reported(toy: DatasetInfo) -> None:
    lines = [json.dumps({"text": r["text"], "label": r["label"]}) for r in toy_records(5, seed=9)]
    evaluation, skipped = parse_labelled_jsonl(("\n".join(lines) + "\nnot json\n").encode())
    assert len(evaluation) == 10 and skipped == 1
    result = run_training(
        request_for(toy, evaluation=tuple(evaluation), evaluation_name="real.jsonl"), FakeEncoder()
    )
    assert result["uploaded"]["n"] == 10 and result["uploaded"]["roc_auc"] > 0.9
    version = next(v for v in list_versions() if v.version == result["version"])
    assert version.metadata["metrics"]["uploaded"]["name"] == "real.jsonl"
    assert len(load_scored_sets(version.path)["uploaded"].ids) == 10
    with pytest.raises(DatasetError):
        parse_labelled_jsonl(b'{"text": "x", "label": "maybe"}\n')


def test_retraining_after_adding_data_embeds_only_the_new_texts(tmp_path: Path) -> None:
    first = dataset(tmp_path / "first.jsonl", toy_records(20))
    encoder = CountingEncoder()
    run_training(request_for(first), encoder)
    embedded_once = encoder.windows
    assert embedded_once > 0
    added = [dict(r, id=f"new-{r['id']}") for r in toy_records(3, seed=5)]
    second = dataset(tmp_path / "second.jsonl", added, key="more")
    encoder.windows = 0
    run_training(request_for(first, second), encoder)
    assert 0 < encoder.windows < embedded_once / 4


def test_jobs_run_in_the_background_one_at_a_time(toy: DatasetInfo) -> None:
    gate = threading.Event()
    jobs = TrainingJobs()
    job_id, future = jobs.submit(request_for(toy), CountingEncoder(gate))
    with pytest.raises(ConfigError, match="already running"):
        jobs.submit(request_for(toy), FakeEncoder())
    assert jobs.store.running() is not None
    gate.set()
    future.result(timeout=60)
    job = jobs.store.job(job_id)
    assert job is not None and job.status == "done" and job.result["version"] == job.version
    assert job.request["datasets"][0]["key"] == "toy"
    assert jobs.store.running() is None


def test_a_failed_job_leaves_no_version_behind(tmp_path: Path) -> None:
    only_devops = dataset(tmp_path / "one.jsonl", [r for r in toy_records(10) if r["label"] == "devops"])
    jobs = TrainingJobs()
    job_id, future = jobs.submit(request_for(only_devops), FakeEncoder())
    future.result(timeout=60)
    job = jobs.store.job(job_id)
    assert job is not None and job.status == "failed" and "both classes" in job.error
    assert not user_models_dir().exists() or not any(user_models_dir().iterdir())


def test_a_restart_marks_unfinished_jobs_interrupted() -> None:
    store = TrainingJobStore()
    assert store.create({"datasets": []}, "v") is not None
    assert store.create({"datasets": []}, "w") is None  # one at a time
    TrainingJobs()  # what a server start does
    assert store.running() is None
    assert store.jobs()[0].status == "interrupted"


def test_parse_gamma() -> None:
    assert parse_gamma(" Scale ") == "scale"
    assert parse_gamma("0.5") == 0.5
    for bad in ("fast", "-1", "0"):
        with pytest.raises(ConfigError):
            parse_gamma(bad)


@pytest.fixture
def three_versions(toy: DatasetInfo) -> list[str]:
    return [
        run_training(request_for(toy), FakeEncoder(), version=name)["version"] for name in ("v1", "v2", "v3")
    ]


def test_activate_and_roll_back_through_the_history(three_versions: list[str]) -> None:
    bundled = active_version().version
    assert previous_version() is None
    with pytest.raises(ConfigError):
        rollback()
    activate("v1")
    activate("v2")
    activate("v3")
    assert previous_version() == "v2"
    assert rollback().version == "v2"
    assert active_version().version == "v2"
    delete_version("v3")
    delete_version("v1")  # rollback skips deleted versions
    assert rollback().version == bundled
    with pytest.raises(ConfigError):
        rollback()


def test_a_tampered_version_is_refused_on_activate_and_roll_back(three_versions: list[str]) -> None:
    activate("v1")
    activate("v2")
    arrays = user_models_dir() / "v1" / ARRAYS_FILE
    arrays.write_bytes(arrays.read_bytes() + b"x")
    with pytest.raises(IntegrityError):
        activate("v1")
    with pytest.raises(IntegrityError):
        rollback()
    assert active_version().version == "v2"
