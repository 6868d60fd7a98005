"""Band boundaries a reviewer chose, saved as a new model version.

A reviewer who moves the band boundaries on the Train page (after evaluating on their own labelled resumes, say)
can keep them: the new version has the same verified arrays and calibration, so every score is unchanged, and
only the thresholds differ. Its stored metrics are recomputed at the new thresholds from the scores saved with
the source version. The source version is never modified, so activating the old one undoes the change.
"""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, datetime
from typing import Any

from core.model.artifact import ModelArtifact
from core.model.classifier import Thresholds
from core.model.evaluation import SCORES_FILE, evaluate, load_scored_sets
from core.model.registry import ModelVersion, unused_version_name, user_models_dir
from core.storage import atomic_file


def save_thresholds_as_version(source: ModelVersion, thresholds: Thresholds) -> ModelVersion:
    """A new user version: ``source``'s model with ``thresholds``. Raises ``ModelError`` or ``IntegrityError``
    when the source does not load and verify."""
    artifact = ModelArtifact.load(source.path)
    name = unused_version_name(f"{datetime.now(UTC):%Y%m%d-%H%M%S}-bands")
    metadata: dict[str, Any] = dict(artifact.metadata)
    metadata["version"] = name
    metadata["created_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    metrics, recomputed = _metrics_at(source, thresholds, dict(metadata.get("metrics") or {}))
    metadata["metrics"] = metrics
    metadata["derived_from"] = {
        "version": source.version,
        "thresholds": {"shortlist": artifact.thresholds.shortlist, "review": artifact.thresholds.review},
        "change": "band thresholds set by a reviewer; arrays and calibration unchanged",
        "metrics_recomputed": recomputed,  # the others are at the source's thresholds
    }
    target = user_models_dir() / name
    try:
        saved = dataclasses.replace(artifact, thresholds=thresholds, metadata=metadata).save(target)
        if (source.path / SCORES_FILE).is_file():
            with atomic_file(target / SCORES_FILE, binary=True) as handle:
                handle.write((source.path / SCORES_FILE).read_bytes())
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return ModelVersion(version=name, path=target, bundled=False, metadata=saved.document())


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
