from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.errors import IntegrityError, ModelError
from core.model.artifact import ARRAYS_FILE, METADATA_FILE, load_artifact
from core.training.trainer import TrainConfig, train_model


@pytest.fixture
def model_dir(tmp_path: Path, toy_dataset: Path, fake_embedder) -> Path:
    config = TrainConfig(chunking=fake_embedder.chunking)
    return train_model([toy_dataset], tmp_path / "v1", fake_embedder, config).model_dir


def test_saved_model_loads_with_its_metadata(model_dir: Path) -> None:
    artifact = load_artifact(model_dir)
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
        load_artifact(model_dir)


def test_pickled_arrays_are_never_loaded(model_dir: Path) -> None:
    # An object array can only be stored with pickle; even with a matching hash, loading must refuse it.
    arrays = model_dir / ARRAYS_FILE
    np.savez(arrays, support_vectors=np.array([object()], dtype=object), dual_coef=np.zeros(1))
    meta = json.loads((model_dir / METADATA_FILE).read_text())
    from core.model.artifact import file_sha256

    meta["arrays_sha256"] = file_sha256(arrays)
    (model_dir / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError):
        load_artifact(model_dir)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        load_artifact(tmp_path / "nope")
