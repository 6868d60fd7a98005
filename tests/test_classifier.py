from __future__ import annotations

import numpy as np
import pytest

from core.classifier import ResumeClassifier, Thresholds, choose_thresholds
from core.errors import ConfigError
from core.scoring import TorchScorer


def unit_rows(rng: np.random.Generator, n: int, dim: int, shift: float) -> np.ndarray:
    x = rng.normal(size=(n, dim)) + shift
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def separable() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    X = np.vstack([unit_rows(rng, 60, 32, 0.4), unit_rows(rng, 60, 32, -0.4)])
    y = np.array([1] * 60 + [0] * 60)
    return X, y


@pytest.mark.parametrize("kind", ["svm", "linear", "logreg"])
def test_torch_scoring_matches_sklearn_decision_function(kind: str, separable) -> None:
    X, y = separable
    clf = ResumeClassifier(kind=kind).fit(X, y)  # type: ignore[arg-type]
    rng = np.random.default_rng(9)
    probe = np.vstack([X, unit_rows(rng, 50, 32, 0.0)])
    ours = TorchScorer(clf.model_, device="cpu").decision(probe)
    reference = clf.decision_function(probe)
    assert np.max(np.abs(ours - reference)) < 1e-5


def test_calibrated_probability_orders_like_the_decision(separable) -> None:
    X, y = separable
    clf = ResumeClassifier().fit(X, y)
    decision = clf.decision_function(X)
    probability = clf.calibration_.probability(decision)
    assert np.all((probability >= 0) & (probability <= 1))
    assert np.all(np.diff(probability[np.argsort(decision)]) >= 0)
    assert probability[y == 1].mean() > 0.8 > 0.2 > probability[y == 0].mean()


def test_gamma_scale_is_resolved_to_a_number(separable) -> None:
    X, y = separable
    clf = ResumeClassifier(gamma="scale").fit(X, y)
    assert clf.gamma_ == pytest.approx(1.0 / (X.shape[1] * X.var()))


def test_training_needs_both_classes(separable) -> None:
    X, _ = separable
    with pytest.raises(ConfigError):
        ResumeClassifier().fit(X, np.ones(len(X), dtype=int))


def test_thresholds_keep_most_positives_and_order_bands() -> None:
    rng = np.random.default_rng(0)
    labels = np.array([1] * 100 + [0] * 100)
    probabilities = np.concatenate([rng.uniform(0.3, 1.0, 100), rng.uniform(0.0, 0.6, 100)])
    thresholds = choose_thresholds(probabilities, labels, keep_recall=0.98)
    assert (probabilities[labels == 1] >= thresholds.review).mean() >= 0.98
    assert thresholds.review <= thresholds.shortlist
    assert thresholds.band(0.99) == "shortlist" and thresholds.band(0.0) == "reject"


def test_thresholds_reject_an_impossible_order() -> None:
    with pytest.raises(ConfigError):
        Thresholds(shortlist=0.2, review=0.5)


def test_platt_scaling_stays_finite_on_separable_decisions() -> None:
    from core.classifier import fit_platt

    decision = np.concatenate([np.linspace(1.0, 3.0, 50), np.linspace(-3.0, -1.0, 50)])
    labels = np.array([1] * 50 + [0] * 50)
    calibration = fit_platt(decision, labels)
    probability = calibration.probability(decision)
    assert probability.min() > 0.0 and probability.max() < 1.0
    assert probability[:50].min() > 0.85 and probability[50:].max() < 0.15
    assert calibration.a < 0  # higher decision, higher probability
