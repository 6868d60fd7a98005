"""How texts become windows and windows become one document vector.

The encoder reads at most 256 word pieces; most resumes are longer. Every text is split into overlapping token
windows, each window is embedded, and the window vectors are pooled into one document vector. The window vectors
and their character spans are kept: the best-scoring window is the evidence a reviewer sees. Training and
screening share this code, so they always chunk the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from core.errors import ConfigError

Span = tuple[int, int]
Pooling = Literal["mean", "first", "max"]


@dataclass(frozen=True)
class Chunking:
    """How texts become windows. ``window_tokens`` counts word pieces, special tokens excluded."""

    window_tokens: int = 254
    overlap_tokens: int = 32
    pooling: Pooling = "mean"
    max_windows: int = 24

    def __post_init__(self) -> None:
        if not 0 <= self.overlap_tokens < self.window_tokens:
            raise ConfigError("overlap_tokens must be at least 0 and smaller than window_tokens")
        if self.pooling not in ("mean", "first", "max"):
            raise ConfigError(f"Unknown pooling {self.pooling!r}: use mean, first or max")

    def key(self) -> str:
        return f"w{self.window_tokens}-o{self.overlap_tokens}-n{self.max_windows}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class EmbeddedText:
    """A document vector, its window vectors and the character span of each window in the text."""

    vector: np.ndarray
    window_vectors: np.ndarray
    spans: tuple[Span, ...]


def window_spans(token_spans: Sequence[Span], chunking: Chunking) -> list[Span]:
    """Character spans of overlapping windows of ``chunking.window_tokens`` word pieces each."""
    if not token_spans:
        return []
    step = chunking.window_tokens - chunking.overlap_tokens
    windows: list[Span] = []
    start = 0
    while start < len(token_spans) and len(windows) < chunking.max_windows:
        end = min(start + chunking.window_tokens, len(token_spans))
        windows.append((token_spans[start][0], token_spans[end - 1][1]))
        if end == len(token_spans):
            break
        start += step
    return windows


def pool(window_vectors: np.ndarray, pooling: Pooling) -> np.ndarray:
    """One unit-length document vector from the window vectors."""
    if pooling == "first":
        vector = window_vectors[0]
    elif pooling == "max":
        vector = window_vectors.max(axis=0)
    else:
        vector = window_vectors.mean(axis=0)
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)
