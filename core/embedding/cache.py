"""Window vectors on disk: an SQLite cache keyed by text hash, encoder and chunking. No pickle: raw float32."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.embedding.chunking import Span
from core.paths import cache_dir


class EmbeddingCache:
    """Window vectors and spans in SQLite, keyed by text hash, encoder and chunking. No pickle: raw float32."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS windows (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, "
                "spans TEXT NOT NULL, vectors BLOB NOT NULL)"
            )
            self._local.conn = conn
        return conn

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[np.ndarray, tuple[Span, ...]]]:
        found: dict[str, tuple[np.ndarray, tuple[Span, ...]]] = {}
        conn = self._conn()
        for offset in range(0, len(keys), 500):
            chunk = list(keys[offset : offset + 500])
            marks = ",".join("?" * len(chunk))
            for key, dim, spans, blob in conn.execute(
                f"SELECT key, dim, spans, vectors FROM windows WHERE key IN ({marks})", chunk
            ):
                vectors = np.frombuffer(blob, dtype=np.float32).reshape(-1, dim)
                flat = [int(x) for x in spans.split(",")] if spans else []
                found[key] = (vectors, tuple(zip(flat[::2], flat[1::2], strict=True)))
        return found

    def put_many(self, items: Sequence[tuple[str, np.ndarray, tuple[Span, ...]]]) -> None:
        rows = [
            (
                key,
                int(vectors.shape[1]),
                ",".join(f"{s},{e}" for s, e in spans),
                np.ascontiguousarray(vectors, dtype=np.float32).tobytes(),
            )
            for key, vectors, spans in items
        ]
        conn = self._conn()
        with conn:
            conn.executemany("INSERT OR REPLACE INTO windows VALUES (?, ?, ?, ?)", rows)


EMBEDDING_CACHE_FILE = "embeddings.sqlite3"


def default_cache() -> EmbeddingCache:
    """The embedding cache that training, exploring and screening share, under the state folder."""
    return EmbeddingCache(cache_dir() / EMBEDDING_CACHE_FILE)
