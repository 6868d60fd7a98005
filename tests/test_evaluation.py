"""Metrics of a scored, labelled set, worked out by hand on small sets."""

from __future__ import annotations

import numpy as np
import pytest

from core.model.classifier import Thresholds
from core.model.evaluation import ScoredSet, evaluate

# Five resumes: three DevOps (1) and two others. At 0.5 the model says DevOps for 0.9, 0.6 and 0.7:
# two true positives, one false positive, one false negative (0.2), one true negative (0.1).
LABELS = np.array([1, 1, 1, 0, 0])
PROBABILITIES = np.array([0.9, 0.6, 0.2, 0.7, 0.1])


def scored(labels: np.ndarray = LABELS, probabilities: np.ndarray = PROBABILITIES) -> ScoredSet:
    return ScoredSet(
        ids=tuple(str(i) for i in range(len(labels))), labels=labels, probabilities=probabilities
    )


def test_counts_and_rates_at_a_threshold() -> None:
    at = scored().at(0.5)
    assert (at["tp"], at["fp"], at["fn"], at["tn"]) == (2, 1, 1, 1)
    assert at["accuracy"] == pytest.approx(3 / 5)
    assert at["precision"] == pytest.approx(2 / 3)
    assert at["recall"] == pytest.approx(2 / 3)
    assert at["f1"] == pytest.approx(2 / 3)


def test_undefined_rates_are_none_not_zero() -> None:
    # Nothing called DevOps: precision has no denominator. F1 = 2tp / (2tp + fp + fn) is 0: every one missed.
    nobody = scored().at(0.95)
    assert nobody["precision"] is None and nobody["recall"] == 0.0 and nobody["f1"] == 0.0
    no_devops = scored(np.array([0, 0]), np.array([0.8, 0.1])).at(0.5)  # no positives: recall undefined
    assert no_devops["recall"] is None and no_devops["precision"] == 0.0
    all_rejected = scored(np.array([0, 0]), np.array([0.2, 0.1])).at(0.5)  # F1 itself has no denominator
    assert all_rejected["f1"] is None and all_rejected["accuracy"] == 1.0
    empty = scored(np.array([], dtype=np.int64), np.array([])).at(0.5)
    assert empty["accuracy"] == 0.0 and empty["tp"] == 0


def test_the_report_and_the_threshold_view_agree() -> None:
    report = evaluate(LABELS, PROBABILITIES, Thresholds(shortlist=0.65, review=0.5))
    at_review, at_shortlist = scored().at(0.5), scored().at(0.65)
    assert report.precision_at_review == at_review["precision"]
    assert report.recall_at_review == at_review["recall"]
    assert report.precision_at_shortlist == at_shortlist["precision"] == pytest.approx(1 / 2)
    assert report.recall_at_shortlist == at_shortlist["recall"] == pytest.approx(1 / 3)
    assert report.accuracy == at_review["accuracy"]
    assert report.confusion == {
        "devops": {"shortlist": 1, "review": 1, "reject": 1},
        "other": {"shortlist": 1, "review": 0, "reject": 1},
    }
