"""Metrics for a scored, labelled set: ranking quality and what the bands do to each class."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.data.dataset import LABELS
from core.errors import DatasetError
from core.model.classifier import Thresholds

SCORES_FILE = "evaluation.json"  # the scored sets saved with a model version


@dataclass(frozen=True)
class EvaluationReport:
    """Metrics of one group of records. Rates are None where a class is absent."""

    group: str
    n: int
    n_positive: int
    roc_auc: float | None
    average_precision: float | None
    accuracy: float
    precision_at_review: float | None
    recall_at_review: float | None
    precision_at_shortlist: float | None
    recall_at_shortlist: float | None
    positives_kept: float | None
    negatives_rejected: float | None
    confusion: dict[str, dict[str, int]]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def classification_metrics(labels: np.ndarray, predicted: np.ndarray) -> dict[str, float | int | None]:
    """Accuracy, precision, recall, F1 and the confusion counts of calling ``predicted`` records the target
    role. A rate without a denominator (nothing predicted, no positives) is None, not 0."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    y = np.asarray(labels, dtype=np.int64)
    p = np.asarray(predicted, dtype=np.int64)
    if not y.size:
        return {
            "accuracy": 0.0,
            "precision": None,
            "recall": None,
            "f1": None,
            "tp": 0,
            "fp": 0,
            "fn": 0,
            "tn": 0,
        }
    tn, fp, fn, tp = (int(n) for n in confusion_matrix(y, p, labels=[0, 1]).ravel())
    rates = precision_recall_fscore_support(y, p, labels=[1], average=None, zero_division=np.nan)[:3]
    precision, recall, f1 = (None if np.isnan(value[0]) else float(value[0]) for value in rates)
    return {
        "accuracy": (tp + tn) / y.size,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }


def evaluate(
    labels: Sequence[int] | np.ndarray,
    probabilities: Sequence[float] | np.ndarray,
    thresholds: Thresholds,
    group: str = "all",
) -> EvaluationReport:
    """Metrics for ``probabilities`` against ``labels`` (1 = target role).

    ``accuracy`` counts a positive prediction at probability 0.5; the band confusion table counts each class per
    band, which is what a recruiter sees; ``positives_kept`` is the share of positives shortlisted or reviewed,
    ``negatives_rejected`` the share of others rejected.
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = np.asarray(labels, dtype=np.int64)
    p = np.asarray(probabilities, dtype=np.float64)
    both = 0 < y.sum() < y.size
    kept = p >= thresholds.review
    shortlisted = p >= thresholds.shortlist
    at_review = classification_metrics(y, kept)
    at_shortlist = classification_metrics(y, shortlisted)
    bands = np.where(shortlisted, "shortlist", np.where(kept, "review", "reject"))
    confusion = {
        name: {
            band: int(((y == value) & (bands == band)).sum()) for band in ("shortlist", "review", "reject")
        }
        for name, value in (("devops", 1), ("other", 0))
    }
    return EvaluationReport(
        group=group,
        n=int(y.size),
        n_positive=int(y.sum()),
        roc_auc=float(roc_auc_score(y, p)) if both else None,
        average_precision=float(average_precision_score(y, p)) if both else None,
        accuracy=float(classification_metrics(y, p >= 0.5)["accuracy"] or 0.0),
        precision_at_review=at_review["precision"],
        recall_at_review=at_review["recall"],
        precision_at_shortlist=at_shortlist["precision"],
        recall_at_shortlist=at_shortlist["recall"],
        positives_kept=float(kept[y == 1].mean()) if (y == 1).any() else None,
        negatives_rejected=float((~kept)[y == 0].mean()) if (y == 0).any() else None,
        confusion=confusion,
    )


def evaluate_groups(
    labels: Sequence[int], probabilities: Sequence[float], groups: Sequence[str], thresholds: Thresholds
) -> list[EvaluationReport]:
    """One report per distinct group value, in sorted order."""
    y = np.asarray(labels)
    p = np.asarray(probabilities)
    g = np.asarray(groups)
    return [evaluate(y[g == name], p[g == name], thresholds, group=str(name)) for name in sorted(set(groups))]


@dataclass(frozen=True)
class ScoredSet:
    """Probabilities of the target role for a labelled set: what curves and histograms are drawn from."""

    ids: tuple[str, ...]
    labels: np.ndarray  # 1 = target role
    probabilities: np.ndarray

    def to_json(self) -> dict[str, object]:
        return {
            "ids": list(self.ids),
            "labels": [int(v) for v in self.labels],
            "probabilities": [round(float(p), 6) for p in self.probabilities],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScoredSet:
        return cls(
            ids=tuple(str(i) for i in data["ids"]),
            labels=np.asarray(data["labels"], dtype=np.int64),
            probabilities=np.asarray(data["probabilities"], dtype=np.float64),
        )

    def frame(self) -> pd.DataFrame:
        """One row per record: id, label name, probability."""
        names = np.where(self.labels == 1, LABELS[0], LABELS[1])
        return pd.DataFrame({"id": list(self.ids), "label": names, "probability": self.probabilities})

    def at(self, threshold: float = 0.5) -> dict[str, float | int | None]:
        """Accuracy, precision, recall, F1 and confusion counts of calling ``probability >= threshold`` the
        target role (see :func:`classification_metrics`)."""
        return classification_metrics(self.labels, self.probabilities >= threshold)

    def has_both_classes(self) -> bool:
        return 0 < int(self.labels.sum()) < self.labels.size

    def roc(self) -> pd.DataFrame:
        """The ROC curve: false and true positive rates per threshold."""
        from sklearn.metrics import roc_curve

        if not self.has_both_classes():
            raise DatasetError("A ROC curve needs both classes")
        fpr, tpr, thresholds = roc_curve(self.labels, self.probabilities)
        return pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": np.minimum(thresholds, 1.0)})

    def precision_recall(self) -> pd.DataFrame:
        """The precision-recall curve."""
        from sklearn.metrics import precision_recall_curve

        if not self.has_both_classes():
            raise DatasetError("A precision-recall curve needs both classes")
        precision, recall, _ = precision_recall_curve(self.labels, self.probabilities)
        return pd.DataFrame({"recall": recall, "precision": precision})


def load_scored_sets(model_dir: Path) -> dict[str, ScoredSet]:
    """The scored sets saved with a version (``held_out`` and maybe ``uploaded``); empty when none were."""
    path = Path(model_dir) / SCORES_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {name: ScoredSet.from_json(value) for name, value in data.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
