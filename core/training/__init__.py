"""Datasets to model versions: training, training in the background, evaluating on labelled sets.

- ``trainer``: split, embed, fit, calibrate, evaluate on the held-out split, save;
- ``jobs``: training as a background job with progress the Train page polls;
- ``evaluation_run``: scoring a labelled JSONL or labelled PDFs with a version (``shortlist eval``).
"""

from core.training.evaluation_run import EvaluationRun, evaluate_dataset
from core.training.jobs import TrainingJob, TrainingJobs, TrainingJobStore, TrainingRequest, run_training
from core.training.trainer import TrainConfig, TrainResult, train_model

__all__ = [
    "EvaluationRun",
    "TrainConfig",
    "TrainResult",
    "TrainingJob",
    "TrainingJobStore",
    "TrainingJobs",
    "TrainingRequest",
    "evaluate_dataset",
    "run_training",
    "train_model",
]
