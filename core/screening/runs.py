"""Screening runs in SQLite: a browser refresh or an app restart loses nothing.

Every run belongs to one reviewer token. Queries always filter by it, so two reviewers using the app at once
never see each other's uploads. Uploaded PDFs are stored only when the reviewer asks for it.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from core.errors import ConfigError
from core.screening.screener import Candidate
from core.storage import SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    model_version TEXT NOT NULL,
    status TEXT NOT NULL,          -- queued, running, done, failed, interrupted
    step TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    keep_files INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_owner ON runs(owner, created_at);
CREATE TABLE IF NOT EXISTS candidates (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
);
CREATE TABLE IF NOT EXISTS files (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content BLOB NOT NULL
);
"""


@dataclass(frozen=True)
class RunInfo:
    """A screening run's header: what it is and how far it got."""

    id: str
    owner: str
    title: str
    created_at: str
    model_version: str
    status: str
    step: str
    done: int
    total: int
    error: str
    keep_files: bool

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed", "interrupted")


def new_reviewer_token() -> str:
    """An unguessable token that identifies one reviewer's runs."""
    return secrets.token_urlsafe(16)


class RunStore(SqliteStore):
    """All reads and writes of screening runs. Safe to share across threads."""

    schema = SCHEMA

    def create_run(
        self,
        owner: str,
        title: str,
        model_version: str,
        total: int,
        files: Sequence[tuple[str, bytes]] = (),
        keep_files: bool = False,
    ) -> str:
        """A new queued run; the uploaded files are stored only when ``keep_files``."""
        if not owner:
            raise ConfigError("A screening run needs a reviewer token")
        run_id = secrets.token_hex(8)
        with self._lock, self._connect() as conn:
            conn.execute(
                "INSERT INTO runs (id, owner, title, created_at, model_version, status, total, keep_files)"
                " VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
                (
                    run_id,
                    owner,
                    title,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    model_version,
                    total,
                    int(keep_files),
                ),
            )
            if keep_files:
                conn.executemany(
                    "INSERT INTO files (run_id, name, content) VALUES (?, ?, ?)",
                    [(run_id, name, content) for name, content in files],
                )
        return run_id

    def update_progress(self, run_id: str, step: str, done: int, total: int, status: str = "running") -> None:
        with self._lock, self._connect() as conn:
            conn.execute(
                "UPDATE runs SET step=?, done=?, total=?, status=? WHERE id=?",
                (step, done, total, status, run_id),
            )

    def finish(self, run_id: str, candidates: Sequence[Candidate]) -> None:
        rows = [(run_id, i, json.dumps(asdict(c))) for i, c in enumerate(candidates)]
        with self._lock, self._connect() as conn:
            conn.execute("DELETE FROM candidates WHERE run_id=?", (run_id,))
            conn.executemany("INSERT INTO candidates (run_id, position, data) VALUES (?, ?, ?)", rows)
            conn.execute("UPDATE runs SET status='done', step='done', done=total WHERE id=?", (run_id,))

    def fail(self, run_id: str, message: str) -> None:
        with self._lock, self._connect() as conn:
            conn.execute("UPDATE runs SET status='failed', error=? WHERE id=?", (message, run_id))

    def mark_interrupted(self) -> int:
        """Runs left queued or running by a previous server process; returns how many."""
        with self._lock, self._connect() as conn:
            cursor = conn.execute(
                "UPDATE runs SET status='interrupted', error='The app restarted while this "
                "run was in progress.' WHERE status IN ('queued', 'running')"
            )
            return cursor.rowcount

    def runs(self, owner: str) -> list[RunInfo]:
        """The reviewer's runs, newest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, owner, title, created_at, model_version, status, step, done, total, "
                "error, keep_files FROM runs WHERE owner=? ORDER BY created_at DESC, rowid DESC",
                (owner,),
            ).fetchall()
        return [
            RunInfo(
                id=row[0],
                owner=row[1],
                title=row[2],
                created_at=row[3],
                model_version=row[4],
                status=row[5],
                step=row[6],
                done=row[7],
                total=row[8],
                error=row[9],
                keep_files=bool(row[10]),
            )
            for row in rows
        ]

    def run(self, owner: str, run_id: str) -> RunInfo | None:
        return next((info for info in self.runs(owner) if info.id == run_id), None)

    def candidates(self, owner: str, run_id: str) -> list[Candidate]:
        """The run's candidates in rank order; nothing when the run is not the reviewer's."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT c.data FROM candidates c JOIN runs r ON r.id = c.run_id "
                "WHERE r.id=? AND r.owner=? ORDER BY c.position",
                (run_id, owner),
            ).fetchall()
        return [_candidate(json.loads(row[0])) for row in rows]

    def files(self, owner: str, run_id: str) -> list[tuple[str, bytes]]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT f.name, f.content FROM files f JOIN runs r ON r.id = f.run_id "
                "WHERE r.id=? AND r.owner=? ORDER BY f.rowid",
                (run_id, owner),
            ).fetchall()
        return [(name, bytes(content)) for name, content in rows]

    def delete(self, owner: str, run_id: str) -> bool:
        with self._lock, self._connect() as conn:
            cursor = conn.execute("DELETE FROM runs WHERE id=? AND owner=?", (run_id, owner))
            return cursor.rowcount > 0


def _candidate(data: dict[str, object]) -> Candidate:
    return Candidate.from_dict(data)
