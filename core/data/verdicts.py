"""Reviewer verdicts on training samples: accept or reject, stored in SQLite so they survive restarts.

A verdict is keyed by the dataset key (see ``core.data.catalog``) and the record id. Rejected records are
left out of training (``rejected_ids``) and, by default, out of the Explore page's analyses. Accepting only
records that a reviewer looked at a sample and found it fine; it changes nothing in training.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from core.storage import SqliteStore
from core.errors import ConfigError

Verdict = Literal["accept", "reject"]
VERDICTS: tuple[str, ...] = ("accept", "reject")

SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    dataset TEXT NOT NULL,
    record_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('accept', 'reject')),
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (dataset, record_id)
);
"""


class VerdictStore(SqliteStore):
    """Reads and writes verdicts. Safe to share across threads; every call opens its own connection."""

    schema = SCHEMA

    def record(self, dataset: str, record_ids: Iterable[str], verdict: Verdict, note: str = "") -> int:
        """Record ``verdict`` for each of ``record_ids`` in ``dataset`` (replacing earlier ones); returns how many."""
        if verdict not in VERDICTS:
            raise ConfigError(f"Unknown verdict {verdict!r}: use accept or reject")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [(dataset, record_id, verdict, note, now) for record_id in dict.fromkeys(record_ids)]
        with self._lock, self._connect() as conn:
            conn.executemany(
                "INSERT INTO verdicts (dataset, record_id, verdict, note, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (dataset, record_id) DO UPDATE SET verdict=excluded.verdict, note=excluded.note, "
                "updated_at=excluded.updated_at",
                rows,
            )
        return len(rows)

    def clear(self, dataset: str, record_ids: Iterable[str]) -> int:
        """Forget the verdicts on ``record_ids`` in ``dataset``; returns how many were removed."""
        ids = list(dict.fromkeys(record_ids))
        with self._lock, self._connect() as conn:
            removed = 0
            for record_id in ids:
                cursor = conn.execute(
                    "DELETE FROM verdicts WHERE dataset=? AND record_id=?", (dataset, record_id)
                )
                removed += cursor.rowcount
        return removed

    def verdicts(self, datasets: Iterable[str]) -> dict[tuple[str, str], str]:
        """``(dataset, record id) -> verdict`` for every verdict in ``datasets``."""
        keys = list(dict.fromkeys(datasets))
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT dataset, record_id, verdict FROM verdicts WHERE dataset IN ({marks})", keys
            ).fetchall()
        return {(dataset, record_id): verdict for dataset, record_id, verdict in rows}

    def rejected_ids(self, datasets: Iterable[str]) -> set[str]:
        """Ids of the records rejected in any of ``datasets``: what training leaves out."""
        return {
            record_id for (_, record_id), verdict in self.verdicts(datasets).items() if verdict == "reject"
        }

    def counts(self, datasets: Iterable[str]) -> dict[str, int]:
        """How many records of ``datasets`` were accepted and rejected."""
        found = {"accept": 0, "reject": 0}
        for verdict in self.verdicts(datasets).values():
            found[verdict] += 1
        return found
