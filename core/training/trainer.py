"""Datasets to a model version: split, embed, fit, calibrate, evaluate on the held-out split, export.

The saved model is exactly the one the reported metrics describe: it is fit on the training split only.
"""

from __future__ import annotations

import importlib.metadata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np

from core.data.dataset import LoadedDataset, ResumeRecord, load_datasets
from core.data.roles import get_profile
from core.embedding.chunking import Chunking
from core.embedding.embedder import DocumentEmbedder
from core.errors import ConfigError
from core.model.artifact import ModelArtifact
from core.model.classifier import ClassifierKind, ResumeClassifier, Thresholds
from core.model.evaluation import EvaluationReport, evaluate
from core.screening.redaction import model_input

ProgressCallback = Callable[[int, int], None]
Balancing = Literal["weights", "downsample", "none"]
LIBRARIES = ("scikit-learn", "torch", "sentence-transformers", "numpy", "transformers")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a model besides its data."""

    classifier: ClassifierKind = "svm"
    C: float = 1.0
    gamma: float | str = "scale"
    balancing: Balancing = "weights"
    test_fraction: float = 0.2
    seed: int = 0
    chunking: Chunking = field(default_factory=Chunking)
    profile: str = "devops"

    def __post_init__(self) -> None:
        if not 0.05 <= self.test_fraction <= 0.5:
            raise ConfigError("test_fraction must be between 0.05 and 0.5")
        if self.balancing not in ("weights", "downsample", "none"):
            raise ConfigError("balancing must be weights, downsample or none")


@dataclass(frozen=True)
class TrainResult:
    """A trained and saved model version with its held-out evaluation."""

    model_dir: Path
    report: EvaluationReport
    n_train: int
    n_test: int
    metadata: dict[str, object]
    thresholds: Thresholds


def labels_of(records: Sequence[ResumeRecord]) -> np.ndarray:
    return np.array([1 if record.is_positive else 0 for record in records], dtype=np.int64)


def roles_of(records: Sequence[ResumeRecord]) -> np.ndarray:
    return np.array([record.role for record in records])


def split_indices(labels: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A stratified train/test split of record indices, deterministic for ``seed``."""
    from sklearn.model_selection import train_test_split

    indices = np.arange(labels.size)
    train, test = train_test_split(indices, test_size=test_fraction, random_state=seed, stratify=labels)
    return np.sort(train), np.sort(test)


def downsample(indices: np.ndarray, labels: np.ndarray, seed: int) -> np.ndarray:
    """The original approach's balancing: keep as many of the larger class as the smaller one has."""
    rng = np.random.default_rng(seed)
    by_class = [indices[labels[indices] == value] for value in (0, 1)]
    size = min(len(group) for group in by_class)
    kept = [rng.choice(group, size=size, replace=False) if len(group) > size else group for group in by_class]
    return np.sort(np.concatenate(kept))


def embed_records(
    records: Sequence[ResumeRecord], embedder: DocumentEmbedder, on_progress: ProgressCallback | None = None
) -> np.ndarray:
    """Document vectors of the records' model input (personal details removed), in order."""
    embedded = embedder.embed([model_input(record.text) for record in records], on_progress)
    return np.stack([item.vector for item in embedded])


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def train_model(
    data_paths: Sequence[Path],
    out_dir: Path,
    embedder: DocumentEmbedder,
    config: TrainConfig | None = None,
    exclude_ids: Sequence[str] = (),
    on_progress: ProgressCallback | None = None,
) -> TrainResult:
    """Train a model version on ``data_paths`` (minus ``exclude_ids``) and save it to ``out_dir``."""
    config = config or TrainConfig()
    if embedder.chunking != config.chunking:
        raise ConfigError("The embedder's chunking differs from the training configuration's")
    dataset = load_datasets(data_paths, exclude_ids=exclude_ids)
    labels = labels_of(dataset.records)
    train_idx, test_idx = split_indices(labels, config.test_fraction, config.seed)
    if config.balancing == "downsample":
        train_idx = downsample(train_idx, labels, config.seed)
    vectors = embed_records(dataset.records, embedder, on_progress)
    classifier = ResumeClassifier(
        kind=config.classifier,
        C=config.C,
        gamma=config.gamma,
        class_weight="balanced" if config.balancing == "weights" else None,
        random_state=config.seed,
    ).fit(vectors[train_idx], labels[train_idx], roles=roles_of(dataset.records)[train_idx])
    test_probability = classifier.calibration_.probability(classifier.decision_function(vectors[test_idx]))
    report = evaluate(labels[test_idx], test_probability, classifier.thresholds_, group="held-out")
    metadata = _metadata(out_dir, dataset, labels, train_idx, test_idx, config, classifier, embedder, report)
    ModelArtifact(
        classifier.model_, classifier.calibration_, classifier.thresholds_, config.chunking, metadata
    ).save(out_dir)
    return TrainResult(
        model_dir=out_dir,
        report=report,
        n_train=len(train_idx),
        n_test=len(test_idx),
        metadata=metadata,
        thresholds=classifier.thresholds_,
    )


def _metadata(
    out_dir: Path,
    dataset: LoadedDataset,
    labels: np.ndarray,
    train_idx: np.ndarray,
    test_idx: np.ndarray,
    config: TrainConfig,
    classifier: ResumeClassifier,
    embedder: DocumentEmbedder,
    report: EvaluationReport,
) -> dict[str, object]:
    profile = get_profile(config.profile)
    record_sources = Counter(str(r.extra.get("source", "unknown")) for r in dataset.records)
    return {
        "version": out_dir.name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "role": {"profile": profile.key, "title": profile.title, "positive_label": profile.positive_label},
        "encoder": {"id": embedder.encoder.encoder_id, "dimension": embedder.encoder.dimension},
        "classifier": classifier.params(),
        "training": {
            "config": {key: value for key, value in asdict(config).items() if key != "chunking"},
            "datasets": list(dataset.sources),
            "data_sha256": dataset.content_hash(),
            "records": len(dataset.records),
            "broken_lines_skipped": dataset.broken_lines,
            "record_sources": dict(record_sources),
            "class_counts": {"devops": int(labels.sum()), "other": int((labels == 0).sum())},
            "n_train": len(train_idx),
            "n_test": len(test_idx),
            "support_vectors": int(getattr(classifier.model_, "support_vectors", np.zeros((0,))).shape[0]),
        },
        "metrics": {"held_out": report.to_dict()},
        "libraries": library_versions(),
    }
