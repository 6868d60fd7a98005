from __future__ import annotations

import numpy as np
import pytest

from core.errors import ConfigError
from core.model.classifier import ResumeClassifier, Thresholds, choose_thresholds
from core.model.scoring import TorchScorer


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


def test_review_spends_the_others_budget_when_the_classes_separate() -> None:
    labels = np.array([1] * 100 + [0] * 100)
    probabilities = np.concatenate([np.linspace(0.6, 1.0, 100), np.linspace(0.0, 0.3, 100)])
    thresholds = choose_thresholds(probabilities, labels, keep_recall=0.98, review_share=0.2)
    others_through = (probabilities[labels == 0] >= thresholds.review).mean()
    assert 0.15 <= others_through <= 0.2
    assert (probabilities[labels == 1] >= thresholds.review).all()


def test_review_keeps_recall_when_the_budget_would_cost_matches() -> None:
    rng = np.random.default_rng(1)
    labels = np.array([1] * 100 + [0] * 100)
    probabilities = np.concatenate([rng.uniform(0.0, 1.0, 100), rng.uniform(0.0, 0.5, 100)])
    thresholds = choose_thresholds(probabilities, labels, keep_recall=0.98, review_share=0.2)
    assert (probabilities[labels == 1] >= thresholds.review).mean() >= 0.98
    assert (probabilities[labels == 0] >= thresholds.review).mean() > 0.2


def test_calibration_holds_out_whole_roles_when_given(separable) -> None:
    X, y = separable
    roles = np.array([f"pos-{i % 4}" for i in range(60)] + [f"neg-{i % 5}" for i in range(60)])
    grouped = ResumeClassifier().fit(X, y, roles=roles)
    assert grouped.calibration_cv_ == "roles held out"
    assert ResumeClassifier().fit(X, y).calibration_cv_ == "stratified"
    one_positive_role = np.array(["pos"] * 60 + [f"neg-{i % 5}" for i in range(60)])
    assert ResumeClassifier().fit(X, y, roles=one_positive_role).calibration_cv_ == "stratified"


def test_role_held_out_calibration_is_less_confident_on_an_unseen_kind() -> None:
    """One positive role points elsewhere: random folds train on its members, role folds never do."""
    rng = np.random.default_rng(5)

    def around(n: int, axis: int, sign: float = 1.0) -> np.ndarray:
        x = rng.normal(scale=0.5, size=(n, 16))
        x[:, axis] += 2.0 * sign
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    X = np.vstack([around(80, 0), around(20, 1), around(100, 0, -1.0)])
    y = np.array([1] * 100 + [0] * 100)
    roles = np.array(
        [f"common-{i % 4}" for i in range(80)] + ["unusual"] * 20 + [f"other-{i % 5}" for i in range(100)]
    )
    random_folds = ResumeClassifier().fit(X, y).oof_probability_[80:100].mean()
    role_folds = ResumeClassifier().fit(X, y, roles=roles).oof_probability_[80:100].mean()
    assert role_folds < random_folds - 0.1


def test_thresholds_reject_an_impossible_order() -> None:
    with pytest.raises(ConfigError):
        Thresholds(shortlist=0.2, review=0.5)


def test_platt_scaling_stays_finite_on_separable_decisions() -> None:
    from core.model.classifier import fit_platt

    decision = np.concatenate([np.linspace(1.0, 3.0, 50), np.linspace(-3.0, -1.0, 50)])
    labels = np.array([1] * 50 + [0] * 50)
    calibration = fit_platt(decision, labels)
    probability = calibration.probability(decision)
    assert probability.min() > 0.0 and probability.max() < 1.0
    assert probability[:50].min() > 0.85 and probability[50:].max() < 0.15
    assert calibration.a < 0  # higher decision, higher probability
