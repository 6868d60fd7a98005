"""Scoring a labelled dataset with a model version and reporting per group, as ``shortlist eval`` does.

The dataset is a JSONL file, or a folder or ZIP archive of PDFs labelled by their folder (``core.documents.labelled``).
Records flagged ``ambiguous`` (borderline main role) are reported separately and kept out of the headline
figures, so the headline measures the cases where the label is not in doubt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.data.dataset import ResumeRecord, read_records
from core.documents.inputs import collect_inputs
from core.documents.labelled import SkippedFile, labelled_pdf_records
from core.errors import DatasetError
from core.model.evaluation import EvaluationReport, evaluate, evaluate_groups
from core.screening.screener import load_screener


@dataclass(frozen=True)
class EvaluationRun:
    model_version: str
    reports: list[EvaluationReport]
    scores: pd.DataFrame
    broken_lines: int
    skipped_files: tuple[SkippedFile, ...] = ()


def load_labelled(path: Path) -> tuple[list[ResumeRecord], int, list[SkippedFile]]:
    """Records of a JSONL file, or of a folder or ``.zip`` of labelled PDFs; broken lines; files skipped."""
    if path.is_dir() or path.suffix.lower() == ".zip":
        records, skipped = labelled_pdf_records(collect_inputs([path]))
        return records, 0, skipped
    records, broken = read_records(path)
    return records, broken, []


def evaluate_dataset(
    path: Path,
    model_dir: Path | None = None,
    by: str | None = None,
    device: str = "auto",
    on_progress: Callable[[int, int], None] | None = None,
) -> EvaluationRun:
    """Score every record of ``path`` and report overall, per ``by`` value, and for ambiguous records."""
    records, broken, skipped = load_labelled(path)
    if not records:
        raise DatasetError(f"No usable records in {path}")
    screener = load_screener(model_dir, device=device)
    scores = screener.score_texts([record.text for record in records], on_progress)
    probability = np.array([score.probability for score in scores])
    labels = np.array([1 if record.is_positive else 0 for record in records])
    ambiguous = np.array([bool(record.extra.get("ambiguous", False)) for record in records])
    thresholds = screener.thresholds
    clear = ~ambiguous
    headline = "all (non-ambiguous)" if ambiguous.any() else "all"
    reports = [evaluate(labels[clear], probability[clear], thresholds, group=headline)]
    if by:
        groups = [str(record.extra.get(by, getattr(record, by, "unknown"))) for record in records]
        reports += evaluate_groups(
            labels[clear].tolist(),
            probability[clear].tolist(),
            [g for g, keep in zip(groups, clear, strict=True) if keep],
            thresholds,
        )
    if ambiguous.any():
        reports.append(evaluate(labels[ambiguous], probability[ambiguous], thresholds, group="ambiguous"))
    frame = pd.DataFrame(
        {
            "id": [record.id for record in records],
            "label": [record.label for record in records],
            "score": np.round(probability, 6),
            "band": [thresholds.band(p) for p in probability],
        }
    )
    return EvaluationRun(
        model_version=screener.artifact.version,
        reports=reports,
        scores=frame,
        broken_lines=broken,
        skipped_files=tuple(skipped),
    )
