from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from core.embedding.cache import EmbeddingCache
from core.embedding.chunking import Chunking, pool, window_spans
from core.embedding.embedder import DocumentEmbedder
from core.errors import ConfigError


def test_windows_overlap_and_cover_the_whole_text() -> None:
    spans = [(i * 2, i * 2 + 1) for i in range(100)]
    windows = window_spans(spans, Chunking(window_tokens=30, overlap_tokens=10))
    assert windows[0] == (0, spans[29][1])
    assert windows[-1][1] == spans[-1][1]
    starts = [w[0] for w in windows]
    assert starts == sorted(starts)
    assert all(b[0] < a[1] for a, b in itertools.pairwise(windows))  # consecutive windows overlap


def test_short_text_is_one_window_and_empty_text_none() -> None:
    chunking = Chunking(window_tokens=30, overlap_tokens=5)
    assert window_spans([(0, 3), (4, 8)], chunking) == [(0, 8)]
    assert window_spans([], chunking) == []


def test_max_windows_caps_very_long_texts() -> None:
    spans = [(i, i + 1) for i in range(10_000)]
    assert len(window_spans(spans, Chunking(window_tokens=20, overlap_tokens=0, max_windows=7))) == 7


def test_bad_chunking_is_refused() -> None:
    with pytest.raises(ConfigError):
        Chunking(window_tokens=10, overlap_tokens=10)


def test_pooling_returns_unit_vectors() -> None:
    windows = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    assert np.allclose(pool(windows, "mean"), [2**-0.5, 2**-0.5])
    assert np.allclose(pool(windows, "first"), [1.0, 0.0])


def test_long_text_reads_past_the_first_window(fake_encoder) -> None:
    embedder = DocumentEmbedder(fake_encoder, Chunking(window_tokens=20, overlap_tokens=4))
    text = " ".join(["alpha"] * 60 + ["kubernetes"] * 20)
    [doc] = embedder.embed([text])
    assert len(doc.spans) > 1
    assert "kubernetes" in text[slice(*doc.spans[-1])]
    first_only = DocumentEmbedder(fake_encoder, Chunking(window_tokens=20, overlap_tokens=4, pooling="first"))
    assert not np.allclose(first_only.embed([text])[0].vector, doc.vector)


def test_results_keep_input_order_despite_length_sorting(fake_encoder) -> None:
    embedder = DocumentEmbedder(fake_encoder, Chunking(window_tokens=10, overlap_tokens=2), batch_size=3)
    texts = ["word " * n + f"marker{n}" for n in (50, 3, 27, 9, 1)]
    batch = embedder.embed(texts)
    singles = [embedder.embed([t])[0] for t in texts]
    for a, b in zip(batch, singles, strict=True):
        assert np.allclose(a.vector, b.vector) and a.spans == b.spans


def test_empty_text_gets_zero_vector(fake_embedder) -> None:
    [doc] = fake_embedder.embed(["   "])
    assert not doc.spans and not doc.vector.any()


class CountingEncoder:
    def __init__(self, inner) -> None:
        self.inner = inner
        self.encoded = 0

    encoder_id = "counting"
    cache_identity = "counting|exact"
    dimension = 64

    def token_spans(self, text):
        return self.inner.token_spans(text)

    def encode(self, texts, batch_size):
        self.encoded += len(texts)
        return self.inner.encode(texts, batch_size)


def test_cache_makes_re_embedding_free(tmp_path: Path, fake_encoder) -> None:
    counting = CountingEncoder(fake_encoder)
    cache = EmbeddingCache(tmp_path / "cache.sqlite3")
    embedder = DocumentEmbedder(counting, Chunking(window_tokens=10, overlap_tokens=2), cache)
    texts = ["one two three " * 9, "four five six"]
    first = embedder.embed(texts)
    encoded = counting.encoded
    assert encoded > 0
    again = DocumentEmbedder(counting, Chunking(window_tokens=10, overlap_tokens=2), cache).embed(texts)
    assert counting.encoded == encoded
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(a.window_vectors, b.window_vectors) and a.spans == b.spans
    # Another chunking is another key: it must embed again.
    DocumentEmbedder(counting, Chunking(window_tokens=12, overlap_tokens=2), cache).embed(texts)
    assert counting.encoded > encoded


def test_progress_reaches_the_total(fake_embedder) -> None:
    calls: list[tuple[int, int]] = []
    fake_embedder.embed(["a b c"] * 5, on_progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
