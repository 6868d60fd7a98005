"""Window vectors on disk: one SQLite cache under the state folder, shared by training, exploring and screening.

Keys come from :meth:`core.embedding.embedder.DocumentEmbedder.cache_key`: the text's hash, the chunking, and
everything about the encoder that changes a vector (model files, runtime, device, precision). Vectors are raw
float32 bytes, never pickled.

The cache only saves time, so it never stops the work. A full disk, a locked or unreadable file: the cache is
bypassed (logged once) and tried again a few minutes later. A corrupt file is moved aside and rebuilt.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from core.embedding.chunking import Span
from core.paths import cache_dir
from core.storage import SQLITE_SIDE_FILES, connect_private

log = logging.getLogger(__name__)

EMBEDDING_CACHE_FILE = "embeddings.sqlite3"
# Stored as SQLite's user_version. Version 1 keyed on the model name only, so its vectors may come from another
# runtime or precision than their key says: they are dropped.
KEY_VERSION = 2
RETRY_AFTER_S = 300.0  # how long a failing cache is bypassed before it is tried again
CORRUPT = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)

T = TypeVar("T")
Windows = tuple[np.ndarray, tuple[Span, ...]]


class EmbeddingCache:
    """Window vectors and spans in SQLite. Safe to share across threads (one connection per thread)."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._generation = 0  # bumped when a corrupt file is replaced: older connections reopen
        self._bypass_until = 0.0
        self._warned = False

    def get_many(self, keys: Sequence[str]) -> dict[str, Windows]:
        """The cached windows of ``keys`` that are present; empty when the cache is unavailable."""
        return self._guarded(lambda conn: _select(conn, keys), {})

    def put_many(self, items: Sequence[tuple[str, np.ndarray, tuple[Span, ...]]]) -> None:
        """Store windows under their keys; silently skipped when the cache is unavailable."""
        rows = [
            (
                key,
                int(vectors.shape[1]),
                ",".join(f"{s},{e}" for s, e in spans),
                np.ascontiguousarray(vectors, dtype=np.float32).tobytes(),
            )
            for key, vectors, spans in items
        ]
        self._guarded(lambda conn: _insert(conn, rows), None)

    def _guarded(self, operation: Callable[[sqlite3.Connection], T], fallback: T) -> T:
        """``operation`` on this thread's connection, or ``fallback`` when the cache fails."""
        if time.monotonic() < self._bypass_until:
            return fallback
        for attempt in (1, 2):
            generation = self._generation
            try:
                return operation(self._conn())
            except sqlite3.Error as exc:
                if attempt == 1 and getattr(exc, "sqlite_errorcode", None) in CORRUPT:
                    self._move_aside(generation, exc)
                    continue  # once more, on a fresh file
                self._bypass(exc)
            except OSError as exc:  # the folder cannot be created or written
                self._bypass(exc)
            break
        return fallback

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and self._local.generation == self._generation:
            return conn
        if conn is not None:
            conn.close()
        self._local.conn = None
        self._local.generation = self._generation
        conn = connect_private(self.path)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS windows (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, "
                "spans TEXT NOT NULL, vectors BLOB NOT NULL)"
            )
            if conn.execute("PRAGMA user_version").fetchone()[0] < KEY_VERSION:
                with conn:
                    conn.execute("DELETE FROM windows")
                    conn.execute(f"PRAGMA user_version = {KEY_VERSION}")
                conn.execute("VACUUM")  # give the dropped entries' space back to the disk
        except BaseException:
            conn.close()
            raise
        self._local.conn = conn
        return conn

    def _move_aside(self, generation: int, exc: sqlite3.Error) -> None:
        """Replace a corrupt cache file with a fresh one, keeping the last corrupt copy beside it."""
        with self._lock:
            conn = getattr(self._local, "conn", None)
            if conn is not None:
                conn.close()
                self._local.conn = None
            if generation != self._generation:
                return  # another thread already replaced it
            self._generation += 1
            aside = self.path.with_name(self.path.name + ".corrupt")
            try:
                if self.path.exists():
                    self.path.replace(aside)
                for suffix in SQLITE_SIDE_FILES:
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            except OSError as move_error:
                log.warning("Could not move the corrupt embedding cache %s aside: %s", self.path, move_error)
                return
            log.warning(
                "The embedding cache %s was corrupt (%s); it was moved to %s and starts again empty.",
                self.path,
                exc,
                aside,
            )

    def _bypass(self, exc: Exception) -> None:
        self._bypass_until = time.monotonic() + RETRY_AFTER_S
        with self._lock:
            if self._warned:
                return
            self._warned = True
        log.warning(
            "The embedding cache %s is unavailable (%s); embedding goes on without it and tries it again in "
            "%d minutes.",
            self.path,
            exc,
            RETRY_AFTER_S // 60,
        )


def _select(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, Windows]:
    found: dict[str, Windows] = {}
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


def _insert(conn: sqlite3.Connection, rows: Sequence[tuple[str, int, str, bytes]]) -> None:
    with conn:
        conn.executemany("INSERT OR REPLACE INTO windows VALUES (?, ?, ?, ?)", rows)


def default_cache() -> EmbeddingCache:
    """The embedding cache: one file under the state folder (``cache/embeddings.sqlite3``)."""
    return EmbeddingCache(cache_dir() / EMBEDDING_CACHE_FILE)
