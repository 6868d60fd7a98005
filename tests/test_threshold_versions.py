"""Band boundaries a reviewer chose, saved as a new version: same arrays and scores, new bands, source intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.data.catalog import DatasetInfo
from core.embedding.chunking import Chunking
from core.errors import IntegrityError
from core.model.artifact import ARRAYS_FILE, ModelArtifact, file_sha256
from core.model.classifier import Thresholds
from core.model.evaluation import evaluate, load_scored_sets
from core.model.registry import activate, active_version, list_versions, versions_frame
from core.model.threshold_versions import save_thresholds_as_version
from core.screening.screener import load_screener
from core.training.jobs import TrainingRequest, run_training
from core.training.trainer import TrainConfig
from tests.conftest import FakeEncoder, toy_records


@pytest.fixture
def trained(tmp_path: Path):
    path = tmp_path / "toy.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in toy_records(25)), encoding="utf-8")
    request = TrainingRequest(
        datasets=(DatasetInfo("toy", "Toy", path, "starter"),),
        config=TrainConfig(chunking=Chunking(window_tokens=40, overlap_tokens=8)),
    )
    version = run_training(request, FakeEncoder())["version"]
    return next(v for v in list_versions() if v.version == version)


def test_a_new_version_keeps_the_model_and_takes_the_new_bands(trained) -> None:
    source_json = (trained.path / "model.json").read_text()
    bands = Thresholds(shortlist=0.9, review=0.05)
    saved = save_thresholds_as_version(trained, bands)
    assert saved.version != trained.version and saved.version.endswith("-bands")
    assert (trained.path / "model.json").read_text() == source_json  # the source is untouched
    artifact = ModelArtifact.load(saved.path)
    assert artifact.thresholds == bands
    assert file_sha256(saved.path / ARRAYS_FILE) == file_sha256(trained.path / ARRAYS_FILE)
    assert artifact.calibration == ModelArtifact.load(trained.path).calibration
    assert saved.metadata["derived_from"]["version"] == trained.version
    held_out = load_scored_sets(saved.path)["held_out"]
    expected = evaluate(held_out.labels, held_out.probabilities, bands).confusion
    assert saved.metadata["metrics"]["held_out"]["confusion"] == expected
    assert saved.metadata["derived_from"]["metrics_recomputed"] == ["held_out"]
    row = versions_frame(list_versions(), None).set_index("version").loc[saved.version]
    assert row["review from"] == 0.05 and row["bands set from"] == trained.version


def test_screening_with_the_new_version_changes_bands_not_scores(trained) -> None:
    saved = save_thresholds_as_version(trained, Thresholds(shortlist=0.99, review=0.98))
    texts = [str(r["text"]) for r in toy_records(3, seed=8)]
    before = load_screener(trained.path, encoder=FakeEncoder(), use_cache=False)
    activate(saved.version)
    after = load_screener(active_version().path, encoder=FakeEncoder(), use_cache=False)
    assert after.artifact.version == saved.version
    assert after.thresholds == Thresholds(shortlist=0.99, review=0.98) != before.thresholds
    assert [s.probability for s in before.score_texts(texts)] == [
        s.probability for s in after.score_texts(texts)
    ]


def test_a_tampered_source_is_refused_and_nothing_is_written(trained) -> None:
    (trained.path / ARRAYS_FILE).write_bytes(b"tampered")
    count = len(list_versions())
    with pytest.raises(IntegrityError):
        save_thresholds_as_version(trained, Thresholds(shortlist=0.9, review=0.1))
    assert len(list_versions()) == count
