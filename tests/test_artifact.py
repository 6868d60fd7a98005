from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.errors import IntegrityError, ModelError
from core.model.artifact import ARRAYS_FILE, METADATA_FILE, ModelArtifact, read_metadata
from core.training.trainer import TrainConfig, train_model


@pytest.fixture
def model_dir(tmp_path: Path, toy_dataset: Path, fake_embedder) -> Path:
    config = TrainConfig(chunking=fake_embedder.chunking)
    return train_model([toy_dataset], tmp_path / "v1", fake_embedder, config).model_dir


def test_saved_model_loads_with_its_metadata(model_dir: Path) -> None:
    artifact = ModelArtifact.load(model_dir)
    assert artifact.version == "v1"
    assert artifact.encoder_id == "fake-bow-64"
    meta = json.loads((model_dir / METADATA_FILE).read_text())
    assert meta["training"]["data_sha256"] and meta["libraries"]["scikit-learn"] != "absent"
    assert set(meta["metrics"]["held_out"]) >= {"roc_auc", "average_precision", "accuracy"}


def test_tampered_arrays_are_refused(model_dir: Path) -> None:
    arrays = model_dir / ARRAYS_FILE
    data = bytearray(arrays.read_bytes())
    data[len(data) // 2] ^= 0xFF
    arrays.write_bytes(bytes(data))
    with pytest.raises(IntegrityError):
        ModelArtifact.load(model_dir)


def test_pickled_arrays_are_never_loaded(model_dir: Path) -> None:
    # An object array can only be stored with pickle; even with a matching hash, loading must refuse it.
    arrays = model_dir / ARRAYS_FILE
    np.savez(arrays, support_vectors=np.array([object()], dtype=object), dual_coef=np.zeros(1))
    meta = json.loads((model_dir / METADATA_FILE).read_text())
    from core.model.artifact import file_sha256

    meta["arrays_sha256"] = file_sha256(arrays)
    (model_dir / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError):
        ModelArtifact.load(model_dir)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        ModelArtifact.load(tmp_path / "nope")


def rewrite_metadata(model_dir: Path, change: Callable[[dict[str, Any]], None]) -> None:
    meta = json.loads((model_dir / METADATA_FILE).read_text())
    change(meta)
    (model_dir / METADATA_FILE).write_text(json.dumps(meta))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda meta: meta.update(thresholds="high"), "thresholds"),
        (lambda meta: meta.update(encoder="x"), "encoder"),
        (lambda meta: meta.pop("encoder"), "encoder: missing"),
        (lambda meta: meta["thresholds"].update(review=0.9, shortlist=0.2), "review <= shortlist"),
        (lambda meta: meta["thresholds"].update(review="0.1"), "thresholds.review"),
        (lambda meta: meta["decision"].update(type="forest"), "decision"),
        (lambda meta: meta["decision"].update(gamma=-1.0), "gamma"),
        (lambda meta: meta["chunking"].update(pooling="median"), "chunking.pooling"),
        (lambda meta: meta.update(metrics="none"), "metrics"),
        (lambda meta: meta.update(format="1"), "format"),
    ],
)
def test_malformed_metadata_is_refused_with_what_is_wrong(
    model_dir: Path, change: Callable[[dict[str, Any]], None], reason: str
) -> None:
    rewrite_metadata(model_dir, change)
    with pytest.raises(ModelError, match=re.escape(reason)):
        ModelArtifact.load(model_dir)


def test_a_newer_format_is_refused_not_misread(model_dir: Path) -> None:
    rewrite_metadata(model_dir, lambda meta: meta.update(format=99))
    with pytest.raises(ModelError, match="newer Shortlist"):
        ModelArtifact.load(model_dir)
    with pytest.raises(ModelError, match="format 99"):
        read_metadata(model_dir)


def test_save_and_load_round_trip_and_metadata_updates_keep_the_arrays(
    model_dir: Path, tmp_path: Path
) -> None:
    artifact = ModelArtifact.load(model_dir)
    copy = artifact.save(tmp_path / "copy")
    again = ModelArtifact.load(tmp_path / "copy")
    assert np.array_equal(again.model.support_vectors, artifact.model.support_vectors)  # type: ignore[union-attr]
    assert (again.calibration, again.thresholds, again.chunking) == (
        artifact.calibration,
        artifact.thresholds,
        artifact.chunking,
    )
    assert again.metadata == artifact.metadata and "arrays_sha256" not in again.metadata
    arrays_before = (copy.path / ARRAYS_FILE).read_bytes()  # type: ignore[operator]
    replace(again, metadata={**again.metadata, "note": "reviewed"}).save_metadata()
    assert ModelArtifact.load(tmp_path / "copy").metadata["note"] == "reviewed"
    assert (tmp_path / "copy" / ARRAYS_FILE).read_bytes() == arrays_before


def test_metadata_that_load_would_refuse_is_never_written(model_dir: Path) -> None:
    artifact = ModelArtifact.load(model_dir)
    before = (model_dir / METADATA_FILE).read_text()
    with pytest.raises(ModelError, match="encoder"):
        replace(artifact, metadata={**artifact.metadata, "encoder": "x"}).save_metadata()
    assert (model_dir / METADATA_FILE).read_text() == before


def test_the_registry_lists_no_malformed_version(model_dir: Path) -> None:
    from core.model.registry import list_versions, user_models_dir

    good = ModelArtifact.load(model_dir).save(user_models_dir() / "good")
    bad = good.save(user_models_dir() / "bad")
    rewrite_metadata(bad.path, lambda meta: meta.update(thresholds="high"))  # type: ignore[arg-type]
    names = {v.version for v in list_versions()}
    assert "good" in names and "bad" not in names
