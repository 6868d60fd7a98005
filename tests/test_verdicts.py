"""Reviewer verdicts: stored per dataset and record, surviving a restart, and respected by training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.data.catalog import DatasetInfo
from core.data.verdicts import VerdictStore
from core.embedding.embedder import DocumentEmbedder
from core.errors import ConfigError
from core.paths import database_path
from core.training.jobs import TrainingRequest, run_training
from core.training.trainer import TrainConfig
from tests.conftest import toy_records


def test_verdicts_survive_a_restart() -> None:
    store = VerdictStore()
    assert store.record("starter", ["a", "b", "a"], "reject", "near-duplicate") == 2
    store.record("starter", ["c"], "accept")
    assert store.path == database_path()
    restarted = VerdictStore()
    assert restarted.verdicts(["starter"]) == {
        ("starter", "a"): "reject",
        ("starter", "b"): "reject",
        ("starter", "c"): "accept",
    }
    assert restarted.counts(["starter"]) == {"accept": 1, "reject": 2}


def test_verdicts_are_per_dataset_and_can_change_or_be_cleared() -> None:
    store = VerdictStore()
    store.record("starter", ["a"], "reject")
    store.record("job:x", ["a"], "accept")
    assert store.rejected_ids(["starter"]) == {"a"}
    assert store.rejected_ids(["job:x"]) == set()
    assert store.rejected_ids([]) == set()
    store.record("starter", ["a"], "accept")  # a reviewer changes their mind
    assert store.rejected_ids(["starter", "job:x"]) == set()
    assert store.clear("starter", ["a", "missing"]) == 1
    assert store.verdicts(["starter"]) == {}
    with pytest.raises(ConfigError):
        store.record("starter", ["a"], "maybe")  # type: ignore[arg-type]


def test_rejected_samples_are_left_out_of_training(tmp_path: Path, fake_embedder: DocumentEmbedder) -> None:
    path = tmp_path / "toy.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in toy_records(20)), encoding="utf-8")
    store = VerdictStore()
    store.record("toy", ["devops-0", "other-1", "other-2"], "reject")
    store.record("toy", ["devops-1"], "accept")
    request = TrainingRequest(
        datasets=(DatasetInfo("toy", "Toy", path, "starter"),),
        config=TrainConfig(chunking=fake_embedder.chunking),
        exclude_ids=tuple(sorted(store.rejected_ids(["toy"]))),
    )
    result = run_training(request, fake_embedder.encoder)
    assert result["excluded"] == 3
    assert result["n_train"] + result["n_test"] == 37
