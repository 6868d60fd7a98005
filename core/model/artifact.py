"""Model versions on disk: plain arrays in ``arrays.npz`` and everything else in ``model.json``.

:meth:`ModelArtifact.save` and :meth:`ModelArtifact.load` are the only code that writes or reads a version;
:meth:`ModelArtifact.save_metadata` rewrites the metadata of a saved one. Loading checks ``model.json`` against
its schema (``core.model.artifact_schema``), never unpickles (``allow_pickle=False``) and refuses arrays whose
sha256 differs from the one recorded in the metadata, so a malformed, tampered or half-copied model is never
used to score anyone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.embedding.chunking import Chunking
from core.errors import IntegrityError, ModelError, ShortlistError
from core.model.artifact_schema import FORMAT_VERSION, ModelDocument, RbfDecision, validate_document
from core.model.classifier import Calibration, LinearModel, RbfModel, Thresholds
from core.storage import atomic_file, private_dir, write_json

ARRAYS_FILE = "arrays.npz"
METADATA_FILE = "model.json"
# The keys of model.json that save derives from the artifact's fields; ``metadata`` holds all the others.
DERIVED_KEYS = ("format", "decision", "calibration", "thresholds", "chunking", "arrays_sha256")


@dataclass(frozen=True)
class ModelArtifact:
    """A model version: the decision function, its calibration, bands and chunking, and its metadata.

    ``metadata`` is everything in ``model.json`` besides what :data:`DERIVED_KEYS` names: the encoder, version
    name, training data, metrics, library versions. ``path`` and ``arrays_sha256`` are set once the artifact
    is on disk (loaded or saved).
    """

    model: LinearModel | RbfModel
    calibration: Calibration
    thresholds: Thresholds
    chunking: Chunking
    metadata: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    arrays_sha256: str = ""

    @property
    def version(self) -> str:
        fallback = self.path.name if self.path is not None else ""
        return str(self.metadata.get("version") or fallback)

    @property
    def encoder_id(self) -> str:
        return str(self.metadata["encoder"]["id"])

    def document(self) -> dict[str, Any]:
        """The content of ``model.json``."""
        if isinstance(self.model, RbfModel):
            decision: dict[str, Any] = {
                "type": "rbf",
                "gamma": self.model.gamma,
                "intercept": self.model.intercept,
            }
        else:
            decision = {"type": "linear", "intercept": self.model.intercept}
        return {
            **self.metadata,
            "format": FORMAT_VERSION,
            "decision": decision,
            "calibration": {"a": self.calibration.a, "b": self.calibration.b},
            "thresholds": {"shortlist": self.thresholds.shortlist, "review": self.thresholds.review},
            "chunking": self.chunking.to_dict(),
            "arrays_sha256": self.arrays_sha256,
        }

    def save(self, directory: Path) -> ModelArtifact:
        """Write this version to ``directory`` (created, owner-only); returns it as saved there."""
        directory = private_dir(Path(directory))
        arrays: dict[str, Any]
        if isinstance(self.model, RbfModel):
            arrays = {"support_vectors": self.model.support_vectors, "dual_coef": self.model.dual_coef}
        else:
            arrays = {"coef": self.model.coef}
        with atomic_file(directory / ARRAYS_FILE, binary=True) as handle:
            np.savez_compressed(handle, **arrays)
        # Hash what is on disk: the hash covers exactly the bytes a later load reads.
        saved = dataclasses.replace(self, path=directory, arrays_sha256=file_sha256(directory / ARRAYS_FILE))
        return saved.save_metadata()

    def save_metadata(self) -> ModelArtifact:
        """Rewrite ``model.json`` of this saved version (after changing ``metadata``); the arrays are untouched
        and keep their recorded hash. Returns self."""
        if self.path is None or not self.arrays_sha256:
            raise ModelError("Only a saved model version has metadata to rewrite; save it first")
        document = self.document()
        validate_document(document, self.path)  # never write what load would refuse
        write_json(self.path / METADATA_FILE, document, indent=2, sort_keys=True)
        return self

    @classmethod
    def load(cls, directory: Path) -> ModelArtifact:
        """Load and verify the version in ``directory``. Raises ``ModelError`` when it is missing or malformed,
        and ``IntegrityError`` when the arrays do not match their hash."""
        directory = Path(directory)
        raw, document = _read_document(directory)
        arrays_path = directory / ARRAYS_FILE
        if not arrays_path.is_file():
            raise ModelError(f"Model at {directory} has no {ARRAYS_FILE}")
        if file_sha256(arrays_path) != document.arrays_sha256:
            raise IntegrityError(
                f"Model at {directory} failed its integrity check: {ARRAYS_FILE} was modified"
            )
        try:
            with np.load(arrays_path, allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            model = _decision_function(document, arrays)
            calibration = Calibration(a=document.calibration.a, b=document.calibration.b)
            thresholds = Thresholds(
                shortlist=document.thresholds.shortlist, review=document.thresholds.review
            )
            chunking = Chunking(**document.chunking.model_dump())
        except (KeyError, ValueError, ShortlistError) as exc:
            raise ModelError(f"Model at {directory} is incomplete or inconsistent: {exc}") from exc
        return cls(
            model=model,
            calibration=calibration,
            thresholds=thresholds,
            chunking=chunking,
            metadata={key: value for key, value in raw.items() if key not in DERIVED_KEYS},
            path=directory,
            arrays_sha256=document.arrays_sha256,
        )


def _decision_function(document: ModelDocument, arrays: dict[str, np.ndarray]) -> LinearModel | RbfModel:
    decision = document.decision
    if isinstance(decision, RbfDecision):
        support_vectors = arrays["support_vectors"].astype(np.float32)
        dual_coef = arrays["dual_coef"].astype(np.float64)
        if support_vectors.ndim != 2 or dual_coef.shape[-1] != support_vectors.shape[0]:
            raise ValueError("the support vectors and dual coefficients do not match")
        return RbfModel(
            support_vectors=support_vectors,
            dual_coef=dual_coef,
            intercept=decision.intercept,
            gamma=decision.gamma,
        )
    return LinearModel(coef=arrays["coef"].astype(np.float64), intercept=decision.intercept)


def _read_document(directory: Path) -> tuple[dict[str, Any], ModelDocument]:
    """``model.json`` as read, and as checked against the schema."""
    path = directory / METADATA_FILE
    if not path.is_file():
        raise ModelError(f"No model at {directory}: {METADATA_FILE} is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"Unreadable model metadata in {directory}: {exc}") from exc
    return data, validate_document(data, directory)


def read_metadata(directory: Path) -> dict[str, Any]:
    """All of ``model.json`` of a version, checked against the schema, without loading or verifying its
    arrays: what the registry lists."""
    raw, _ = _read_document(Path(directory))
    return raw


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
