"""Exploring a labelled corpus: statistics, distinctive terms, lengths, near-duplicates, a 2-D map, a label audit
and a leakage check. Plain values in; DataFrames, arrays and dataclasses out; the Explore page draws them.

Every analysis reads what the model reads (``core.screening.redaction.model_input``), except where the raw text is the
point (the first line shown on hover, the leakage check on headers). Embedding-based analyses take document
vectors from ``embed_corpus``, which goes through the same chunking and cache as training and screening.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.data.catalog import DatasetInfo
from core.data.dataset import LABELS, ResumeRecord, first_of_each_id, read_records
from core.embedding.chunking import Chunking, window_spans
from core.embedding.embedder import DocumentEmbedder, WindowEncoder
from core.errors import DatasetError
from core.screening.redaction import model_input

ProgressCallback = Callable[[int, int], None]
TERM = re.compile(r"[a-z][a-z0-9+#]+")
HEADER_LINES = 3
# The literal words of the positive label and its titles: if they separate the classes on their own, a model
# can learn to read titles instead of experience.
LEAKAGE_TERMS: tuple[str, ...] = (
    "devops",
    "sre",
    "site reliability",
    "devsecops",
    "platform engineer",
    "cloud engineer",
    "release engineer",
    "infrastructure engineer",
)
_STOPWORDS_TEXT = """
a an and are as at be been but by for from had has have he her his i in into is it its me my of on or our she so
than that the their them they this to was we were which while who will with you your also over under all any each
per via using used use within across including more most other such not no new
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class Corpus:
    """Records of one or more datasets, each with the key of the dataset it came from."""

    records: list[ResumeRecord]
    datasets: list[str]
    broken_lines: int

    def __len__(self) -> int:
        return len(self.records)

    def labels(self) -> np.ndarray:
        """1 for the target role, 0 for others, in record order."""
        return np.array([1 if record.is_positive else 0 for record in self.records], dtype=np.int64)

    def without(self, excluded: set[tuple[str, str]]) -> Corpus:
        """The corpus minus the ``(dataset, record id)`` pairs in ``excluded``."""
        keep = [i for i, pair in enumerate(self.pairs()) if pair not in excluded]
        return Corpus(
            records=[self.records[i] for i in keep],
            datasets=[self.datasets[i] for i in keep],
            broken_lines=self.broken_lines,
        )

    def fingerprint(self) -> str:
        """sha256 over datasets, ids, labels and texts in order: a cache key for anything derived from them."""
        digest = hashlib.sha256()
        for dataset, record in zip(self.datasets, self.records, strict=True):
            digest.update(json.dumps([dataset, record.id, record.label, record.text]).encode())
        return digest.hexdigest()

    def pairs(self) -> list[tuple[str, str]]:
        """``(dataset, record id)`` per record: the key verdicts are stored under."""
        return [(dataset, record.id) for dataset, record in zip(self.datasets, self.records, strict=True)]


def load_corpus(datasets: Sequence[DatasetInfo]) -> Corpus:
    """Every valid record of ``datasets``. A record id seen in an earlier dataset is skipped, as training does."""
    records: list[ResumeRecord] = []
    keys: list[str] = []
    seen: set[str] = set()
    broken = 0
    for info in datasets:
        found, skipped = read_records(info.path)
        broken += skipped
        kept = first_of_each_id(found, seen)
        records += kept
        keys += [info.key] * len(kept)
    return Corpus(records=records, datasets=keys, broken_lines=broken)


def first_line(text: str, limit: int = 100) -> str:
    """The first non-empty line of ``text``, shortened to ``limit`` characters."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def corpus_frame(corpus: Corpus) -> pd.DataFrame:
    """One row per record: dataset, id, label, role, style, source, seniority, words, first line."""
    rows = []
    for dataset, record in zip(corpus.datasets, corpus.records, strict=True):
        rows.append(
            {
                "dataset": dataset,
                "id": record.id,
                "label": record.label,
                "role": record.role,
                "style": str(record.extra.get("style", "unknown")),
                "source": str(record.extra.get("source", dataset)),
                "seniority": str(record.extra.get("seniority", "unknown")),
                "words": len(record.text.split()),
                "first_line": first_line(record.text),
            }
        )
    columns = ["dataset", "id", "label", "role", "style", "source", "seniority", "words", "first_line"]
    return pd.DataFrame(rows, columns=columns)


def category_counts(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Records per ``column`` value and label, largest groups first."""
    counts = frame.groupby([column, "label"]).size().reset_index(name="records")
    order = counts.groupby(column)["records"].sum().sort_values(ascending=False).index
    counts[column] = pd.Categorical(counts[column], categories=list(order), ordered=True)
    return counts.sort_values([column, "label"]).reset_index(drop=True)


def sample_order(size: int, seed: int) -> np.ndarray:
    """A random order of ``size`` positions for the sample viewer, the same for the same ``seed``."""
    return np.random.default_rng(seed).permutation(size)


# --- Lengths -------------------------------------------------------------------------------------------------


def token_lengths(
    texts: Sequence[str], encoder: WindowEncoder, chunking: Chunking | None = None
) -> pd.DataFrame:
    """Encoder tokens per text, and how much of it one window, and the whole chunking, would leave unread.

    ``cut_by_one_window`` is the share of a text's word pieces past the first window (what an encoder reading
    only 256 tokens never sees); ``cut_by_chunking`` is the share past the last window chunking keeps.
    """
    chunking = chunking or Chunking()
    rows = []
    for text in texts:
        spans = encoder.token_spans(model_input(text))
        tokens = len(spans)
        windows = window_spans(spans, chunking)
        step = chunking.window_tokens - chunking.overlap_tokens
        covered = (
            tokens
            if len(windows) < chunking.max_windows
            else min(tokens, (len(windows) - 1) * step + chunking.window_tokens)
        )
        rows.append(
            {
                "tokens": tokens,
                "windows": len(windows),
                "cut_by_one_window": max(0, tokens - chunking.window_tokens) / tokens if tokens else 0.0,
                "cut_by_chunking": (tokens - covered) / tokens if tokens else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=["tokens", "windows", "cut_by_one_window", "cut_by_chunking"])


def length_summary(lengths: pd.DataFrame, window_tokens: int) -> dict[str, float]:
    """Corpus-wide shares: texts longer than one window, word pieces past it, word pieces chunking drops."""
    tokens = lengths["tokens"].to_numpy(dtype=np.float64)
    total = float(tokens.sum()) or 1.0
    return {
        "texts_over_one_window": float((tokens > window_tokens).mean()) if tokens.size else 0.0,
        "tokens_cut_by_one_window": float((lengths["cut_by_one_window"] * tokens).sum() / total),
        "tokens_cut_by_chunking": float((lengths["cut_by_chunking"] * tokens).sum() / total),
        "median_tokens": float(np.median(tokens)) if tokens.size else 0.0,
    }


# --- Terms ---------------------------------------------------------------------------------------------------


def terms_of(text: str) -> list[str]:
    """Lower-cased word terms of the model's input, without stop words and bare numbers."""
    return [term for term in TERM.findall(model_input(text).lower()) if term not in STOPWORDS]


def distinctive_terms(records: Sequence[ResumeRecord], top: int = 15, min_records: int = 3) -> pd.DataFrame:
    """The terms that most separate the classes: log-odds ratios with an informative Dirichlet prior.

    This is Monroe, Colaresi and Quinn's "Fightin' Words" statistic: its z-score is not dominated by rare
    words, as a raw frequency ratio is. Only terms in at least ``min_records`` records are ranked. Returns
    ``top`` rows per class with the term, its z-score and the share of each class's records that use it.
    """
    counts = {label: Counter[str]() for label in LABELS}
    documents = {label: Counter[str]() for label in LABELS}
    class_sizes = Counter(record.label for record in records)
    for record in records:
        terms = terms_of(record.text)
        counts[record.label].update(terms)
        documents[record.label].update(set(terms))
    prior = counts[LABELS[0]] + counts[LABELS[1]]
    prior_total = float(sum(prior.values()))
    if prior_total == 0 or len(class_sizes) < 2:
        raise DatasetError("Distinctive terms need records of both classes")
    n_pos = float(sum(counts[LABELS[0]].values()))
    n_neg = float(sum(counts[LABELS[1]].values()))
    rows = []
    for term, prior_count in prior.items():
        if documents[LABELS[0]][term] + documents[LABELS[1]][term] < min_records:
            continue
        alpha = float(prior_count)
        y_pos = counts[LABELS[0]][term]
        y_neg = counts[LABELS[1]][term]
        delta = np.log((y_pos + alpha) / (n_pos + prior_total - y_pos - alpha)) - np.log(
            (y_neg + alpha) / (n_neg + prior_total - y_neg - alpha)
        )
        z = delta / np.sqrt(1.0 / (y_pos + alpha) + 1.0 / (y_neg + alpha))
        rows.append(
            {
                "term": term,
                "z": float(z),
                f"{LABELS[0]}_share": documents[LABELS[0]][term] / class_sizes[LABELS[0]],
                f"{LABELS[1]}_share": documents[LABELS[1]][term] / class_sizes[LABELS[1]],
            }
        )
    frame = pd.DataFrame(rows, columns=["term", "z", f"{LABELS[0]}_share", f"{LABELS[1]}_share"])
    positive = frame.nlargest(top, "z").assign(label=LABELS[0])
    negative = frame.nsmallest(top, "z").assign(label=LABELS[1])
    return pd.concat([positive, negative], ignore_index=True)[
        ["label", "term", "z", f"{LABELS[0]}_share", f"{LABELS[1]}_share"]
    ]


def leakage(records: Sequence[ResumeRecord], terms: Sequence[str] = LEAKAGE_TERMS) -> pd.DataFrame:
    """How often each literal label word appears per class, anywhere and in the first lines (the title).

    A term found in nearly every positive and no negative lets a model score titles instead of experience.
    """
    sizes = Counter(record.label for record in records)
    rows = []
    for term in terms:
        term = term.strip()
        if not term:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
        anywhere: Counter[str] = Counter()
        header: Counter[str] = Counter()
        for record in records:
            if pattern.search(record.text):
                anywhere[record.label] += 1
                top = "\n".join([line for line in record.text.splitlines() if line.strip()][:HEADER_LINES])
                if pattern.search(top):
                    header[record.label] += 1
        row: dict[str, object] = {"term": term}
        for label in LABELS:
            row[f"{label}_records"] = anywhere[label]
            row[f"{label}_share"] = anywhere[label] / sizes[label] if sizes[label] else 0.0
            row[f"{label}_header_share"] = header[label] / sizes[label] if sizes[label] else 0.0
        rows.append(row)
    columns = ["term"] + [
        f"{label}_{what}" for label in LABELS for what in ("records", "share", "header_share")
    ]
    return pd.DataFrame(rows, columns=columns)


# --- Embeddings ----------------------------------------------------------------------------------------------


def uncached_count(records: Sequence[ResumeRecord], embedder: DocumentEmbedder) -> int:
    """How many of the records' texts are not in the embedding cache yet (all of them without a cache)."""
    keys = {embedder.cache_key(model_input(record.text)) for record in records}
    if embedder.cache is None:
        return len(keys)
    return len(keys) - len(embedder.cache.get_many(sorted(keys)))


def embed_corpus(
    records: Sequence[ResumeRecord], embedder: DocumentEmbedder, on_progress: ProgressCallback | None = None
) -> np.ndarray:
    """Unit-length document vectors of the records' model input, in order (the same vectors training uses)."""
    from core.training.trainer import embed_records

    if not records:
        return np.zeros((0, embedder.encoder.dimension), np.float32)
    return embed_records(records, embedder, on_progress)


@dataclass(frozen=True)
class DuplicateCluster:
    """Records whose vectors are at least ``threshold`` cosine-similar, chained. ``keep`` is the one to keep."""

    members: tuple[int, ...]
    keep: int
    min_similarity: float

    @property
    def extras(self) -> tuple[int, ...]:
        return tuple(i for i in self.members if i != self.keep)


def near_duplicates(
    vectors: np.ndarray,
    threshold: float = 0.97,
    preferred: Sequence[bool] | None = None,
    block: int = 1024,
) -> list[DuplicateCluster]:
    """Clusters of near-duplicate records by embedding cosine (single linkage), biggest first.

    ``vectors`` must be unit length (``embed_corpus`` returns them so). The record kept in each cluster is the
    first ``preferred`` one (an already accepted sample), else the first in corpus order. Similarities are
    computed in blocks, so memory stays at ``block`` x n.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    matrix = np.asarray(vectors, dtype=np.float32)
    n = len(matrix)
    if not n:
        return []
    firsts, seconds, similarities = [], [], []
    for start in range(0, n, block):
        similarity = matrix[start : start + block] @ matrix.T
        rows, cols = np.nonzero(similarity >= threshold)
        pair = cols > rows + start  # each pair once, never a record with itself
        firsts.append(rows[pair] + start)
        seconds.append(cols[pair])
        similarities.append(similarity[rows[pair], cols[pair]])
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    if not first.size:
        return []
    graph = coo_matrix((np.ones(len(first), dtype=np.int8), (first, second)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    pair_similarity = np.concatenate(similarities)
    clusters = []
    for label in np.unique(component[first]):
        members = [int(i) for i in np.flatnonzero(component == label)]
        liked = [i for i in members if preferred is not None and preferred[i]]
        lowest = float(pair_similarity[component[first] == label].min())
        clusters.append(DuplicateCluster(tuple(members), liked[0] if liked else members[0], lowest))
    return sorted(clusters, key=lambda c: (-len(c.members), c.members[0]))


@dataclass(frozen=True)
class Projection:
    """2-D coordinates per record, the variance each axis explains, and outliers far from their class."""

    frame: pd.DataFrame  # x, y, distance (to own class centroid, full space), outlier
    explained: tuple[float, float]


def projection(vectors: np.ndarray, labels: np.ndarray, outlier_fence: float = 3.0) -> Projection:
    """A PCA map of the vectors, with outliers flagged.

    An outlier's distance to its own class centroid (cosine distance, in the full space, not the map) lies
    beyond Tukey's far-out fence: the third quartile plus ``outlier_fence`` interquartile ranges. Quartiles,
    not a standard deviation, because distances are skewed and the outliers themselves would inflate it.
    """
    X = np.asarray(vectors, dtype=np.float64)
    if X.shape[0] < 3:
        raise DatasetError("A map needs at least three records")
    centred = X - X.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ components[:2].T
    if coords.shape[1] < 2:
        coords = np.hstack([coords, np.zeros((coords.shape[0], 2 - coords.shape[1]))])
    variance = singular**2
    share = variance / variance.sum() if variance.sum() > 0 else np.zeros_like(variance)
    explained = (float(share[0]) if share.size > 0 else 0.0, float(share[1]) if share.size > 1 else 0.0)
    distance = np.zeros(X.shape[0])
    outlier = np.zeros(X.shape[0], dtype=bool)
    for value in np.unique(labels):
        mask = labels == value
        centroid = X[mask].mean(axis=0)
        norm = np.linalg.norm(centroid)
        centroid = centroid / norm if norm > 0 else centroid
        row_norms = np.linalg.norm(X[mask], axis=1)
        cosine = (X[mask] @ centroid) / np.where(row_norms == 0, 1.0, row_norms)
        distance[mask] = 1.0 - cosine
        q1, q3 = np.percentile(distance[mask], [25, 75])
        if q3 > q1:
            outlier[mask] = distance[mask] > q3 + outlier_fence * (q3 - q1)
    frame = pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "distance": distance, "outlier": outlier})
    return Projection(frame=frame, explained=explained)


def label_audit(
    vectors: np.ndarray, labels: np.ndarray, folds: int = 5, C: float = 10.0, seed: int = 0
) -> pd.DataFrame:
    """Out-of-fold probabilities of the target role from a cross-validated logistic regression.

    Each record is scored by a model that never saw it, so ``label_probability`` (the probability of the label
    it carries) measures how strongly the rest of the data agrees with that label. Low values are the samples
    the generator may have mislabelled. Returns ``probability`` and ``label_probability`` in record order.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    y = np.asarray(labels, dtype=np.int64)
    counts = np.bincount(y, minlength=2)
    n_splits = min(folds, int(counts.min()))
    if n_splits < 2:
        raise DatasetError("The label audit needs at least two records of each class")
    splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2_000)
    probability = cross_val_predict(
        model, np.asarray(vectors, dtype=np.float64), y, cv=splitter, method="predict_proba"
    )[:, 1]
    own = np.where(y == 1, probability, 1.0 - probability)
    return pd.DataFrame({"probability": probability, "label_probability": own})
