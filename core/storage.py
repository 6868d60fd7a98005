"""The app database (SQLite under the state folder): the shared plumbing of the stores that live in it.

Each store (screening runs, training jobs, reviewer verdicts) owns its tables and declares them in ``schema``.
Every call opens a short-lived connection, so a store is safe to share across the server's threads; WAL lets
readers (a page polling progress) work while a background job writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

from core.paths import database_path


class SqliteStore:
    """Base class: creates the store's tables on first use and hands out transactions."""

    schema: ClassVar[str] = ""

    def __init__(self, path: Path | None = None):
        self.path = path or database_path()
        self._lock = threading.Lock()  # serialises a store's writes within the process
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(self.schema)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection inside a transaction: committed on success, rolled back on error, always closed."""
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA journal_mode=WAL")
        try:
            with conn:
                yield conn
        finally:
            conn.close()
