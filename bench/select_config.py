"""Choose the bundled model's configuration on the synthetic corpus only.

    python bench/select_config.py [--data data/starter/resumes.jsonl]

Every candidate configuration is scored by 5-fold cross-validation on the training split that ``shortlist
train`` uses (the held-out split stays untouched for the final report, and no real resume is read). It compares
pooling of long resumes (the first window only, as the blog truncates, against mean and max over windows), the
classifier (RBF SVM, linear SVM, logistic regression), C and gamma; and the zero-shot baseline (cosine to the
role description) for reference. Prints a table sorted by average precision.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    from core.data.dataset import load_datasets
    from core.data.roles import DEVOPS
    from core.embedding.chunking import Chunking, pool
    from core.embedding.embedder import cached_embedder
    from core.embedding.torch_encoder import SentenceTransformerEncoder
    from core.model.classifier import ResumeClassifier
    from core.paths import starter_corpus_path
    from core.screening.redaction import model_input
    from core.training.trainer import TrainConfig, labels_of, split_indices

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=starter_corpus_path())
    args = parser.parse_args()

    records = load_datasets([args.data]).records
    labels = labels_of(records)
    defaults = TrainConfig()
    train_idx, _ = split_indices(labels, defaults.test_fraction, defaults.seed)
    encoder = SentenceTransformerEncoder(device="auto")
    embedder = cached_embedder(encoder, Chunking())
    embedded = embedder.embed([model_input(records[i].text) for i in train_idx])
    y = labels[train_idx]
    pooled = {
        name: np.stack([pool(e.window_vectors, name) for e in embedded]) for name in ("first", "mean", "max")
    }
    print(
        f"{len(train_idx)} training records ({int(y.sum())} devops); "
        f"windows per resume: median {np.median([len(e.spans) for e in embedded]):.0f}, "
        f"max {max(len(e.spans) for e in embedded)}"
    )

    rows = []
    role = encoder.encode([DEVOPS.description], 1)[0]
    for name, X in pooled.items():
        cosine = X @ role
        rows.append(
            (f"zero-shot cosine, {name}", average_precision_score(y, cosine), roc_auc_score(y, cosine))
        )

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    grid = [("svm", c, g) for c, g in itertools.product((0.3, 1.0, 3.0, 10.0), ("scale", 0.5, 2.0))]
    grid += [(kind, c, "scale") for kind in ("linear", "logreg") for c in (0.3, 1.0, 3.0, 10.0)]
    for (pooling, X), (kind, c, gamma) in itertools.product(pooled.items(), grid):
        decision = np.zeros(len(y))
        for fit_idx, val_idx in folds.split(X, y):
            clf = ResumeClassifier(kind=kind, C=c, gamma=gamma, calibration_folds=2)
            clf.fit(X[fit_idx], y[fit_idx])
            decision[val_idx] = clf.decision_function(X[val_idx])
        label = f"{kind:<6} C={c:<4} gamma={gamma!s:<5} pooling={pooling}"
        rows.append((label, average_precision_score(y, decision), roc_auc_score(y, decision)))

    print(f"{'configuration':<48} {'AP':>7} {'ROC-AUC':>8}")
    for label, ap, auc in sorted(rows, key=lambda row: (-row[1], -row[2])):
        print(f"{label:<48} {ap:>7.4f} {auc:>8.4f}")


if __name__ == "__main__":
    main()
