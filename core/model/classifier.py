"""The classifier: fit with scikit-learn, calibrate with Platt scaling, choose band thresholds, export arrays.

``ResumeClassifier`` follows scikit-learn's estimator contract (``__init__`` stores parameters, ``fit`` returns
self, learned attributes end in ``_``). What it exports is plain arrays plus JSON-ready numbers, so scoring never
needs scikit-learn or pickle: see ``core.model.scoring``.

Calibration is Platt's original recipe: out-of-fold decision values from cross-validation train a one-feature
logistic regression, then the final model is fit on all the data. Band thresholds come from the same
out-of-fold probabilities, so they are never chosen on the data the model memorised.

When the records carry roles, the cross-validation holds out whole roles (every platform engineer in one fold,
every data engineer in another). Real applicants differ from synthetic training data more than a random fold
differs from the rest: with random folds the synthetic classes separate almost perfectly, Platt's sigmoid gets
steep, and DevOps resumes unlike any in the corpus land at probability 0.01 and are rejected outright. Scores
out of role-held-out folds describe resumes of a kind the model has not seen, which is what screening meets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from core.errors import ConfigError

ClassifierKind = Literal["svm", "linear", "logreg"]
CLASSIFIER_KINDS: tuple[str, ...] = ("svm", "linear", "logreg")


@dataclass(frozen=True)
class Thresholds:
    """Probability cut-offs: ``shortlist`` and above is shortlisted, ``review`` and above is reviewed."""

    shortlist: float
    review: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.shortlist <= 1.0:
            raise ConfigError("Thresholds must satisfy 0 <= review <= shortlist <= 1")

    def band(self, probability: float) -> str:
        if probability >= self.shortlist:
            return "shortlist"
        if probability >= self.review:
            return "review"
        return "reject"


@dataclass(frozen=True)
class LinearModel:
    """decision(x) = x · coef + intercept."""

    coef: np.ndarray
    intercept: float


@dataclass(frozen=True)
class RbfModel:
    """decision(x) = sum_i dual_i * exp(-gamma * |x - sv_i|^2) + intercept."""

    support_vectors: np.ndarray
    dual_coef: np.ndarray
    intercept: float
    gamma: float


@dataclass(frozen=True)
class Calibration:
    """Platt scaling: p = 1 / (1 + exp(a * decision + b))."""

    a: float
    b: float

    def probability(self, decision: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(self.a * decision + self.b))


def fit_platt(decision: np.ndarray, labels: np.ndarray) -> Calibration:
    """Platt scaling with Platt's prior-corrected targets, (N+ + 1) / (N+ + 2) and 1 / (N- + 2).

    Plain 0/1 targets give an infinitely steep sigmoid when the training decisions separate the classes (as on
    clean synthetic data), and every probability becomes 0 or 1. The corrected targets keep the slope finite.
    """
    from sklearn.linear_model import LogisticRegression

    positives = int(labels.sum())
    negatives = int(labels.size - positives)
    target = np.where(labels == 1, (positives + 1) / (positives + 2), 1 / (negatives + 2))
    # A soft target t is the same likelihood as a weight-t positive plus a weight-(1 - t) negative copy.
    features = np.concatenate([decision, decision]).reshape(-1, 1)
    classes = np.concatenate([np.ones(decision.size), np.zeros(decision.size)])
    weights = np.concatenate([target, 1.0 - target])
    platt = LogisticRegression(C=1e6, max_iter=1_000).fit(features, classes, sample_weight=weights)
    return Calibration(a=-float(platt.coef_[0, 0]), b=-float(platt.intercept_[0]))


def choose_thresholds(
    probabilities: np.ndarray,
    labels: np.ndarray,
    keep_recall: float = 0.98,
    review_share: float = 0.2,
    shortlist_precision: float = 0.95,
) -> Thresholds:
    """Thresholds from out-of-fold probabilities on training data. Screening is recall-first.

    ``review`` is the lower of two cut-offs, and at most 0.5: the one that keeps ``keep_recall`` of the positives,
    and the one that lets ``review_share`` of the others through to review. The first says how few real matches
    may be rejected outright; the second spends the reviewer's budget (a fifth of the non-matching applicants)
    on keeping matches the training data did not anticipate, instead of rejecting everything the model is
    unsure of. ``shortlist`` is the lowest cut-off whose precision reaches ``shortlist_precision``, at least 0.5.
    """
    positives = np.sort(probabilities[labels == 1])
    others = np.sort(probabilities[labels == 0])
    if positives.size == 0 or others.size == 0:
        return Thresholds(shortlist=0.5, review=0.5)
    keep_cut = float(positives[int(np.floor((1.0 - keep_recall) * positives.size))])
    budget_cut = float(others[min(others.size - 1, int(np.ceil((1.0 - review_share) * others.size)))])
    review = min(keep_cut, budget_cut, 0.5)
    shortlist = 0.5
    for cut in np.unique(probabilities):
        if cut < 0.5:
            continue
        kept = probabilities >= cut
        if kept.any() and labels[kept].mean() >= shortlist_precision:
            shortlist = float(cut)
            break
    # Round down: rounding up could move a threshold past the very example that set it.
    return Thresholds(shortlist=_floor4(shortlist), review=_floor4(min(review, shortlist)))


def _floor4(value: float) -> float:
    return math.floor(value * 10_000) / 10_000


class ResumeClassifier:
    """Binary classifier over document vectors: 1 means the target role."""

    def __init__(
        self,
        kind: ClassifierKind = "svm",
        C: float = 1.0,
        gamma: float | str = "scale",
        class_weight: str | None = "balanced",
        calibration_folds: int = 5,
        random_state: int = 0,
    ):
        self.kind = kind
        self.C = C
        self.gamma = gamma
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def _gamma_value(self, X: np.ndarray) -> float:
        """The RBF gamma as a number: "scale" is 1 / (n_features * X.var()), "auto" is 1 / n_features."""
        if self.gamma == "scale":
            variance = float(X.var())
            return 1.0 / (X.shape[1] * variance) if variance > 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def _estimator(self, gamma: float = 1.0) -> Any:
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import SVC, LinearSVC

        if self.kind == "svm":
            return SVC(
                kernel="rbf",
                C=self.C,
                gamma=gamma,
                class_weight=self.class_weight,
                random_state=self.random_state,
            )
        if self.kind == "linear":
            return LinearSVC(
                C=self.C, class_weight=self.class_weight, random_state=self.random_state, max_iter=10_000
            )
        if self.kind == "logreg":
            return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5_000)
        raise ConfigError(f"Unknown classifier {self.kind!r}: use one of {', '.join(CLASSIFIER_KINDS)}")

    def fit(self, X: np.ndarray, y: np.ndarray, roles: np.ndarray | None = None) -> ResumeClassifier:
        """Fit on document vectors ``X`` and labels ``y`` (1 = target role, 0 = other).

        ``roles`` (one per row), when given, make calibration hold out whole roles (see the module docstring).
        """
        from sklearn.model_selection import cross_val_predict

        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.int64)
        if set(np.unique(y)) != {0, 1}:
            raise ConfigError("Training needs examples of both classes (the target role and others)")
        if int(np.bincount(y).min()) < 2:
            raise ConfigError("Training needs at least two examples of each class")
        self.gamma_ = self._gamma_value(X)
        splitter, groups, self.calibration_cv_ = self._calibration_folds(y, roles)
        oof = cross_val_predict(
            self._estimator(self.gamma_), X, y, cv=splitter, groups=groups, method="decision_function"
        )
        self.calibration_ = fit_platt(oof, y)
        self.oof_probability_ = self.calibration_.probability(oof)
        self.thresholds_ = choose_thresholds(self.oof_probability_, y)
        self.estimator_ = self._estimator(self.gamma_).fit(X, y)
        self.model_ = self._export()
        return self

    def _calibration_folds(
        self, y: np.ndarray, roles: np.ndarray | None
    ) -> tuple[Any, np.ndarray | None, str]:
        """Folds that hold out whole roles when each class has at least two; otherwise stratified folds."""
        from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

        if roles is not None:
            roles = np.asarray(roles)
            if roles.shape != y.shape:
                raise ConfigError("Give one role per training example")
            role_counts = [np.unique(roles[y == value]).size for value in (0, 1)]
            folds = min(self.calibration_folds, *role_counts)
            if folds >= 2:
                splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
                return splitter, roles, "roles held out"
        folds = min(self.calibration_folds, int(np.bincount(y).min()))
        return (
            StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state),
            None,
            "stratified",
        )

    def _export(self) -> LinearModel | RbfModel:
        est = self.estimator_
        if self.kind == "svm":
            return RbfModel(
                support_vectors=np.asarray(est.support_vectors_, dtype=np.float32),
                dual_coef=np.asarray(est.dual_coef_[0], dtype=np.float64),
                intercept=float(est.intercept_[0]),
                gamma=self.gamma_,
            )
        return LinearModel(
            coef=np.asarray(est.coef_[0], dtype=np.float64), intercept=float(est.intercept_[0])
        )

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """scikit-learn's decision values (the reference that ``core.model.scoring`` must match)."""
        return np.asarray(self.estimator_.decision_function(np.asarray(X, dtype=np.float64)))

    def params(self) -> dict[str, object]:
        gamma = self.model_.gamma if isinstance(self.model_, RbfModel) else None
        return {
            "kind": self.kind,
            "C": self.C,
            "gamma": self.gamma,
            "gamma_value": gamma,
            "class_weight": self.class_weight,
            "calibration_folds": self.calibration_folds,
            "calibration_cv": getattr(self, "calibration_cv_", None),
            "random_state": self.random_state,
        }


def parse_gamma(value: str) -> float | str:
    """The RBF gamma from text: ``scale``, ``auto`` or a positive number."""
    value = value.strip().lower()
    if value in ("scale", "auto"):
        return value
    try:
        gamma = float(value)
    except ValueError:
        raise ConfigError(f"gamma must be scale, auto or a positive number, not {value!r}") from None
    if not gamma > 0:
        raise ConfigError("gamma must be a positive number")
    return gamma
