"""The classifier and its versions: fit, export to arrays, score with torch, evaluate, keep a registry.

- ``classifier``: :class:`ResumeClassifier` (scikit-learn), Platt calibration, band thresholds;
- ``scoring``: the exported arrays scored with torch on any device, no scikit-learn and no pickle;
- ``artifact``: one model version on disk (arrays plus JSON metadata, schema-checked and verified on load);
- ``evaluation``: metrics and curves of a scored, labelled set;
- ``registry``: the versions, the active one, roll back; ``threshold_versions``: reviewer-chosen bands.
"""

from core.model.artifact import ModelArtifact, read_metadata
from core.model.classifier import (
    CLASSIFIER_KINDS,
    Calibration,
    ClassifierKind,
    LinearModel,
    RbfModel,
    ResumeClassifier,
    Thresholds,
    parse_gamma,
)
from core.model.evaluation import EvaluationReport, ScoredSet, evaluate, evaluate_groups, load_scored_sets
from core.model.registry import (
    ModelVersion,
    activate,
    active_version,
    delete_version,
    list_versions,
    previous_version,
    rollback,
    user_models_dir,
    versions_frame,
)
from core.model.scoring import TorchScorer
from core.model.threshold_versions import save_thresholds_as_version

__all__ = [
    "CLASSIFIER_KINDS",
    "Calibration",
    "ClassifierKind",
    "EvaluationReport",
    "LinearModel",
    "ModelArtifact",
    "ModelVersion",
    "RbfModel",
    "ResumeClassifier",
    "ScoredSet",
    "Thresholds",
    "TorchScorer",
    "activate",
    "active_version",
    "delete_version",
    "evaluate",
    "evaluate_groups",
    "list_versions",
    "load_scored_sets",
    "parse_gamma",
    "previous_version",
    "read_metadata",
    "rollback",
    "save_thresholds_as_version",
    "user_models_dir",
    "versions_frame",
]
