"""Metrics for a scored, labelled set: ranking quality and what the bands do to each class."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from core.classifier import Thresholds


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


def _precision_recall(labels: np.ndarray, predicted: np.ndarray) -> tuple[float | None, float | None]:
    true_positive = int((predicted & (labels == 1)).sum())
    precision = true_positive / int(predicted.sum()) if predicted.any() else None
    recall = true_positive / int((labels == 1).sum()) if (labels == 1).any() else None
    return precision, recall


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
    precision_review, recall_review = _precision_recall(y, kept)
    precision_short, recall_short = _precision_recall(y, shortlisted)
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
        accuracy=float(((p >= 0.5) == (y == 1)).mean()) if y.size else 0.0,
        precision_at_review=precision_review,
        recall_at_review=recall_review,
        precision_at_shortlist=precision_short,
        recall_at_shortlist=recall_short,
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
