"""The embedding cache: keyed on everything that changes a vector, and never a reason for screening to fail."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from core.embedding.cache import EMBEDDING_CACHE_FILE, EmbeddingCache, default_cache
from core.embedding.chunking import Chunking
from core.embedding.embedder import DocumentEmbedder, cached_embedder
from core.paths import cache_dir
from core.screening.screener import load_screener
from core.training.trainer import TrainConfig, train_model
from tests.conftest import FakeEncoder, toy_text

CHUNKING = Chunking(window_tokens=40, overlap_tokens=8)


class LowPrecisionEncoder(FakeEncoder):
    """The same model run at a lower precision (as bf16 is): the same encoder id, slightly different vectors."""

    cache_identity = "fake-bow-64|rounded"

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        return np.round(super().encode(texts, batch_size), 2)


class CountingEncoder(FakeEncoder):
    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        self.encoded += len(texts)
        return super().encode(texts, batch_size)


def texts(n: int = 6, seed: int = 3) -> list[str]:
    rng = np.random.default_rng(seed)
    return [toy_text(rng, i % 2 == 0, 150) for i in range(n)]


def test_vectors_of_another_runtime_or_precision_are_never_served(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "cache.sqlite3")
    DocumentEmbedder(LowPrecisionEncoder(), CHUNKING, cache).embed(texts())  # the default run fills the cache
    full = DocumentEmbedder(FakeEncoder(), CHUNKING, cache).embed(texts())
    fresh = DocumentEmbedder(FakeEncoder(), CHUNKING).embed(texts())
    for cached, uncached in zip(full, fresh, strict=True):
        assert np.array_equal(cached.window_vectors, uncached.window_vectors)


def test_a_full_precision_screen_after_a_default_one_gets_full_precision_scores(
    tmp_path: Path, toy_dataset: Path
) -> None:
    """Issue 14: after a default (bf16) run, an fp32 run returned the bf16 scores from the cache."""
    model = train_model(
        [toy_dataset],
        tmp_path / "m",
        DocumentEmbedder(FakeEncoder(), CHUNKING),
        TrainConfig(chunking=CHUNKING),
    )
    load_screener(model.model_dir, device="cpu", encoder=LowPrecisionEncoder()).score_texts(texts())
    full = load_screener(model.model_dir, device="cpu", encoder=FakeEncoder()).score_texts(texts())
    fresh = load_screener(model.model_dir, device="cpu", encoder=FakeEncoder(), use_cache=False).score_texts(
        texts()
    )
    assert [s.probability for s in full] == [s.probability for s in fresh]


def test_the_one_cache_lives_under_the_state_folder() -> None:
    assert default_cache().path == cache_dir() / EMBEDDING_CACHE_FILE
    assert cached_embedder(FakeEncoder(), CHUNKING).cache.path == default_cache().path  # type: ignore[union-attr]
    assert cached_embedder(FakeEncoder(), CHUNKING, use_cache=False).cache is None


def test_entries_keyed_by_model_name_only_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with sqlite3.connect(path) as conn:  # a cache written before keys named the runtime and precision
        conn.execute(
            "CREATE TABLE windows (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, spans TEXT NOT NULL, vectors BLOB NOT NULL)"
        )
        conn.execute("INSERT INTO windows VALUES ('fake-bow-64|w40-o8-n24|abc', 1, '0,1', ?)", (b"\0\0\0\0",))
    conn.close()
    assert EmbeddingCache(path).get_many(["fake-bow-64|w40-o8-n24|abc"]) == {}


def fill_to_the_brim(cache: EmbeddingCache) -> None:
    """No page may be added any more: what a full disk looks like to SQLite (``database or disk is full``)."""
    conn = cache._conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_under_the_cache_does_not_stop_screening(
    tmp_path: Path, toy_dataset: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = train_model(
        [toy_dataset],
        tmp_path / "m",
        DocumentEmbedder(FakeEncoder(), CHUNKING),
        TrainConfig(chunking=CHUNKING),
    )
    screener = load_screener(model.model_dir, device="cpu", encoder=FakeEncoder())
    assert screener.embedder.cache is not None
    fill_to_the_brim(screener.embedder.cache)
    expected = load_screener(model.model_dir, device="cpu", encoder=FakeEncoder(), use_cache=False)
    with caplog.at_level(logging.WARNING, logger="core.embedding.cache"):
        first = screener.score_texts(texts(seed=1))
        second = screener.score_texts(texts(seed=2))
    assert [s.probability for s in first] == [s.probability for s in expected.score_texts(texts(seed=1))]
    assert [s.probability for s in second] == [s.probability for s in expected.score_texts(texts(seed=2))]
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(warnings) == 1 and "full" in warnings[0].getMessage()  # logged once, with the reason


def test_a_corrupt_cache_is_moved_aside_and_rebuilt(caplog: pytest.LogCaptureFixture) -> None:
    path = default_cache().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all " * 512)
    encoder = CountingEncoder()
    with caplog.at_level(logging.WARNING, logger="core.embedding.cache"):
        first = cached_embedder(encoder, CHUNKING).embed(texts())
    encoded = encoder.encoded
    assert encoded > 0
    assert path.with_name(path.name + ".corrupt").read_bytes().startswith(b"not a database")
    assert any("corrupt" in r.getMessage() for r in caplog.records)
    again = cached_embedder(encoder, CHUNKING).embed(texts())  # the rebuilt cache answers
    assert encoder.encoded == encoded
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(a.window_vectors, b.window_vectors)


def test_an_unusable_cache_folder_only_costs_the_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    embedder = DocumentEmbedder(FakeEncoder(), CHUNKING, EmbeddingCache(blocked / "cache.sqlite3"))
    [doc] = embedder.embed(texts(1))
    assert doc.spans
