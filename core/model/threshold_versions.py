"""Band boundaries a reviewer chose, saved as a new model version.

A reviewer who moves the band boundaries on the Train page (after evaluating on their own labelled resumes, say)
can keep them: the new version has the same verified arrays and calibration, so every score is unchanged, and
only the thresholds differ. Its stored metrics are recomputed at the new thresholds from the scores saved with
the source version. The source version is never modified, so activating the old one undoes the change.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from typing import Any

from core.model.artifact import load_artifact, read_metadata, save_artifact
from core.model.classifier import Thresholds
from core.model.evaluation import SCORES_FILE, evaluate, load_scored_sets
from core.model.registry import ModelVersion, unused_version_name, user_models_dir

# Keys that save_artifact writes itself from the model, calibration, thresholds and chunking.
_ARTIFACT_KEYS = ("format", "decision", "calibration", "thresholds", "chunking", "arrays_sha256")


def save_thresholds_as_version(source: ModelVersion, thresholds: Thresholds) -> ModelVersion:
    """A new user version: ``source``'s model with ``thresholds``. Raises ``ModelError`` or ``IntegrityError``
    when the source does not load and verify."""
    artifact = load_artifact(source.path)
    name = unused_version_name(f"{datetime.now(UTC):%Y%m%d-%H%M%S}-bands")
    metadata: dict[str, Any] = {k: v for k, v in artifact.metadata.items() if k not in _ARTIFACT_KEYS}
    metadata["version"] = name
    metadata["created_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    metadata["derived_from"] = {
        "version": source.version,
        "thresholds": {"shortlist": artifact.thresholds.shortlist, "review": artifact.thresholds.review},
        "change": "band thresholds set by a reviewer; arrays and calibration unchanged",
    }
    metadata["metrics"], recomputed = _metrics_at(source, thresholds, dict(metadata.get("metrics", {})))
    metadata["derived_from"]["metrics_recomputed"] = recomputed  # the others are at the source's thresholds
    target = user_models_dir() / name
    try:
        save_artifact(target, artifact.model, artifact.calibration, thresholds, artifact.chunking, metadata)
        if (source.path / SCORES_FILE).is_file():
            shutil.copyfile(source.path / SCORES_FILE, target / SCORES_FILE)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return ModelVersion(version=name, path=target, bundled=False, metadata=read_metadata(target))


def _metrics_at(
    source: ModelVersion, thresholds: Thresholds, metrics: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The source's stored metrics, recomputed at ``thresholds`` for every set whose scores were saved, and
    the names of those sets."""
    recomputed = []
    for name, scored in load_scored_sets(source.path).items():
        stored = dict(metrics.get(name, {}))
        group = str(stored.get("group", name))
        metrics[name] = {
            **stored,
            **evaluate(scored.labels, scored.probabilities, thresholds, group).to_dict(),
        }
        recomputed.append(name)
    return metrics, recomputed
