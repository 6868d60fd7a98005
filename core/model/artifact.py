"""Model artifacts on disk: plain arrays in ``arrays.npz`` and everything else in ``model.json``.

Loading never unpickles (``allow_pickle=False``) and refuses arrays whose sha256 differs from the one recorded
in the metadata, so a tampered or half-copied model is never used to score anyone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.embedding.chunking import Chunking
from core.errors import IntegrityError, ModelError
from core.model.classifier import Calibration, LinearModel, RbfModel, Thresholds

ARRAYS_FILE = "arrays.npz"
METADATA_FILE = "model.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ModelArtifact:
    """A loaded, verified model version."""

    path: Path
    model: LinearModel | RbfModel
    calibration: Calibration
    thresholds: Thresholds
    chunking: Chunking
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", self.path.name))

    @property
    def encoder_id(self) -> str:
        return str(self.metadata["encoder"]["id"])


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_artifact(
    directory: Path,
    model: LinearModel | RbfModel,
    calibration: Calibration,
    thresholds: Thresholds,
    chunking: Chunking,
    metadata: dict[str, Any],
) -> Path:
    """Write a model version to ``directory`` (created); returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {}
    if isinstance(model, RbfModel):
        kind: dict[str, Any] = {"type": "rbf", "gamma": model.gamma, "intercept": model.intercept}
        arrays = {"support_vectors": model.support_vectors, "dual_coef": model.dual_coef}
    else:
        kind = {"type": "linear", "intercept": model.intercept}
        arrays = {"coef": model.coef}
    # Write, then hash what is on disk: the hash covers exactly the bytes a later load reads.
    np.savez_compressed(directory / ARRAYS_FILE, **arrays)
    document = {
        **metadata,
        "format": FORMAT_VERSION,
        "decision": kind,
        "calibration": {"a": calibration.a, "b": calibration.b},
        "thresholds": {"shortlist": thresholds.shortlist, "review": thresholds.review},
        "chunking": chunking.to_dict(),
        "arrays_sha256": file_sha256(directory / ARRAYS_FILE),
    }
    tmp = directory / (METADATA_FILE + ".tmp")
    tmp.write_text(json.dumps(document, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(directory / METADATA_FILE)
    return directory


def read_metadata(directory: Path) -> dict[str, Any]:
    """The metadata of a model version, without loading or verifying its arrays."""
    path = directory / METADATA_FILE
    if not path.is_file():
        raise ModelError(f"No model at {directory}: {METADATA_FILE} is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"Unreadable model metadata in {directory}: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelError(f"Model metadata in {directory} is not an object")
    return data


def load_artifact(directory: Path) -> ModelArtifact:
    """Load and verify a model version. Raises ``IntegrityError`` when the arrays do not match their hash."""
    directory = Path(directory)
    meta = read_metadata(directory)
    arrays_path = directory / ARRAYS_FILE
    if not arrays_path.is_file():
        raise ModelError(f"Model at {directory} has no {ARRAYS_FILE}")
    if file_sha256(arrays_path) != meta.get("arrays_sha256"):
        raise IntegrityError(f"Model at {directory} failed its integrity check: {ARRAYS_FILE} was modified")
    try:
        with np.load(arrays_path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        decision = meta["decision"]
        model: LinearModel | RbfModel
        if decision["type"] == "rbf":
            model = RbfModel(
                support_vectors=arrays["support_vectors"].astype(np.float32),
                dual_coef=arrays["dual_coef"].astype(np.float64),
                intercept=float(decision["intercept"]),
                gamma=float(decision["gamma"]),
            )
        elif decision["type"] == "linear":
            model = LinearModel(
                coef=arrays["coef"].astype(np.float64), intercept=float(decision["intercept"])
            )
        else:
            raise ModelError(f"Unknown decision type {decision['type']!r} in {directory}")
        return ModelArtifact(
            path=directory,
            model=model,
            calibration=Calibration(a=float(meta["calibration"]["a"]), b=float(meta["calibration"]["b"])),
            thresholds=Thresholds(**{k: float(v) for k, v in meta["thresholds"].items()}),
            chunking=Chunking(**meta["chunking"]),
            metadata=meta,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"Model at {directory} is incomplete: {exc}") from exc
