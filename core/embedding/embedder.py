"""Texts to vectors: chunk, encode windows in length-sorted batches, pool, cache."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from core.embedding.cache import EmbeddingCache, default_cache
from core.embedding.chunking import Chunking, EmbeddedText, Span, pool, window_spans

ProgressCallback = Callable[[int, int], None]


class WindowEncoder(Protocol):
    """What the embedder needs from an encoder. The real one wraps sentence-transformers; tests use a fake."""

    @property
    def encoder_id(self) -> str:
        """Which model: what a model version records and checks, the same for every runtime of the model."""
        ...

    @property
    def cache_identity(self) -> str:
        """Everything besides the text and the chunking that changes a vector: the model files' fingerprint, the
        runtime, the device and the precision. Two encoders with the same identity give the same vectors."""
        ...

    @property
    def dimension(self) -> int: ...

    def token_spans(self, text: str) -> list[Span]:
        """Character spans of the text's word pieces, in order."""
        ...

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text, in input order."""
        ...


class DocumentEmbedder:
    """Embeds whole documents: chunk, encode windows in length-sorted batches, pool, cache."""

    def __init__(
        self,
        encoder: WindowEncoder,
        chunking: Chunking | None = None,
        cache: EmbeddingCache | None = None,
        batch_size: int = 32,
    ):
        self.encoder = encoder
        self.chunking = chunking or Chunking()
        self.cache = cache
        self.batch_size = batch_size

    def cache_key(self, text: str) -> str:
        """The key of ``text``'s windows: the encoder's identity, the chunking and the text's sha256."""
        digest = hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()
        return f"{self.encoder.cache_identity}|{self.chunking.key()}|{digest}"

    def embed(self, texts: Sequence[str], on_progress: ProgressCallback | None = None) -> list[EmbeddedText]:
        """Embedded documents, one per text, in input order. Empty texts get a zero vector and no windows."""
        keys = [self.cache_key(text) for text in texts]
        cached = self.cache.get_many(sorted(set(keys))) if self.cache else {}
        todo = [i for i, key in enumerate(keys) if key not in cached and texts[i].strip()]
        fresh = self._embed_uncached(
            [texts[i] for i in todo], on_progress, done_before=len(texts) - len(todo), total=len(texts)
        )
        if self.cache and fresh:
            self.cache.put_many(
                [(keys[i], vectors, spans) for i, (vectors, spans) in zip(todo, fresh, strict=True)]
            )
        windows = dict(zip((keys[i] for i in todo), fresh, strict=True))
        windows.update(cached)
        results = []
        for key in keys:
            if key not in windows:
                results.append(self._empty())
                continue
            vectors, spans = windows[key]
            results.append(
                EmbeddedText(vector=pool(vectors, self.chunking.pooling), window_vectors=vectors, spans=spans)
            )
        if on_progress:
            on_progress(len(texts), len(texts))
        return results

    def _empty(self) -> EmbeddedText:
        dim = self.encoder.dimension
        return EmbeddedText(np.zeros(dim, np.float32), np.zeros((0, dim), np.float32), ())

    def _embed_uncached(
        self, texts: Sequence[str], on_progress: ProgressCallback | None, done_before: int, total: int
    ) -> list[tuple[np.ndarray, tuple[Span, ...]]]:
        spans_per_text = [
            tuple(window_spans(self.encoder.token_spans(text), self.chunking)) for text in texts
        ]
        owners = [(t, w) for t, spans in enumerate(spans_per_text) for w in range(len(spans))]
        window_texts = [texts[t][slice(*spans_per_text[t][w])] for t, w in owners]
        # Sorting windows by length keeps padding inside each batch small.
        order = sorted(range(len(window_texts)), key=lambda i: len(window_texts[i]))
        vectors = np.zeros((len(window_texts), self.encoder.dimension), np.float32)
        remaining_windows = [len(spans) for spans in spans_per_text]
        finished = 0
        for offset in range(0, len(order), self.batch_size):
            batch = order[offset : offset + self.batch_size]
            vectors[batch] = self.encoder.encode([window_texts[i] for i in batch], self.batch_size)
            for i in batch:
                remaining_windows[owners[i][0]] -= 1
                finished += remaining_windows[owners[i][0]] == 0
            if on_progress:
                on_progress(done_before + finished, total)
        results: list[tuple[np.ndarray, tuple[Span, ...]]] = []
        cursor = 0
        for spans in spans_per_text:
            results.append((vectors[cursor : cursor + len(spans)], spans))
            cursor += len(spans)
        return results


def cached_embedder(encoder: WindowEncoder, chunking: Chunking, use_cache: bool = True) -> DocumentEmbedder:
    """A document embedder over the embedding cache that training, exploring and screening share (none when
    ``use_cache`` is False). The one place that decides which cache an embedder uses."""
    return DocumentEmbedder(encoder, chunking, default_cache() if use_cache else None)
