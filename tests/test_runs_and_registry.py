from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import ConfigError, IntegrityError
from core.model.artifact import ARRAYS_FILE
from core.model.registry import activate, active_version, delete_version, list_versions, user_models_dir
from core.screening.runs import RunStore
from core.screening.screener import Candidate
from core.training.trainer import TrainConfig, train_model


def candidate(file: str) -> Candidate:
    return Candidate(
        file=file,
        sha256="1" * 64,
        status="scored",
        name="N",
        text="t",
        pages=1,
        model_version="v",
        score=0.5,
        band="review",
        rank=1,
        flags=("hidden_text",),
    )


def test_runs_are_private_to_their_reviewer(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "db.sqlite3")
    mine = store.create_run("alice-token-123456", "batch", "v", 1, [("a.pdf", b"%PDF")], keep_files=True)
    store.finish(mine, [candidate("a.pdf")])
    assert store.candidates("alice-token-123456", mine)[0].flags == ("hidden_text",)
    assert store.runs("bob-token-12345678") == []
    assert store.candidates("bob-token-12345678", mine) == []
    assert store.files("bob-token-12345678", mine) == []
    assert not store.delete("bob-token-12345678", mine)
    assert store.files("alice-token-123456", mine) == [("a.pdf", b"%PDF")]


def test_uploaded_files_are_not_kept_unless_asked(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "db.sqlite3")
    run = store.create_run("alice-token-123456", "batch", "v", 1, [("a.pdf", b"%PDF")])
    assert store.files("alice-token-123456", run) == []


def test_runs_survive_a_restart_and_unfinished_ones_are_marked(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = RunStore(path)
    done = store.create_run("owner-token-1234567", "done", "v", 1)
    store.finish(done, [candidate("a.pdf")])
    store.create_run("owner-token-1234567", "cut off", "v", 5)
    restarted = RunStore(path)
    assert restarted.mark_interrupted() == 1
    statuses = {run.title: run.status for run in restarted.runs("owner-token-1234567")}
    assert statuses == {"done": "done", "cut off": "interrupted"}


@pytest.fixture
def two_versions(toy_dataset: Path, fake_embedder) -> list[str]:
    config = TrainConfig(chunking=fake_embedder.chunking)
    for name in ("v1", "v2"):
        train_model([toy_dataset], user_models_dir() / name, fake_embedder, config)
    return ["v1", "v2"]


def test_activate_roll_back_and_delete(two_versions: list[str]) -> None:
    names = {v.version for v in list_versions()}
    assert {"v1", "v2"} <= names
    activate("v2")
    assert active_version().version == "v2"
    activate("v1")  # roll back
    assert active_version().version == "v1"
    with pytest.raises(ConfigError):
        delete_version("v1")  # active
    delete_version("v2")
    assert "v2" not in {v.version for v in list_versions()}


def test_a_tampered_version_cannot_be_activated(two_versions: list[str]) -> None:
    arrays = user_models_dir() / "v2" / ARRAYS_FILE
    arrays.write_bytes(arrays.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(IntegrityError):
        activate("v2")


def test_unknown_version_is_a_clear_error(two_versions: list[str]) -> None:
    with pytest.raises(ConfigError, match="No model version"):
        activate("nope")
    assert json.dumps([v.version for v in list_versions()])
