"""The job's record store: one JSONL file that many writers may append to, with every write checked.

A write is refused when the id is already there (a resumed or second worker), the label's quota is full, or
the text duplicates a stored one exactly or nearly. The checks and the append happen under the file's lock
(threads and processes, see :func:`core.data.dataset.locked_dataset`); before checking, the store reads whatever
other processes appended since it last looked, so two writers never both write the same id or text.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from core.data.dataset import DatasetWriter, ResumeRecord, locked_dataset, parse_record
from core.generation.dedup import NearDuplicateIndex, text_hash
from core.generation.status import RESUMES_FILE

__all__ = ["RESUMES_FILE", "AddOutcome", "OpenReport", "RecordStore"]


class AddOutcome(StrEnum):
    """What happened to a record offered to the store."""

    WRITTEN = "written"
    DUPLICATE_ID = "duplicate_id"
    QUOTA_FULL = "quota_full"
    EXACT_DUPLICATE = "exact_duplicate"
    NEAR_DUPLICATE = "near_duplicate"


@dataclass(frozen=True)
class OpenReport:
    """What opening the store found: records, broken lines skipped, torn-tail bytes repaired."""

    records: int
    broken_lines: int
    repaired_bytes: int


class RecordStore:
    """Appends validated records to ``path``; see the module docstring. Thread-safe."""

    def __init__(
        self,
        path: Path,
        *,
        quotas: Mapping[str, int] | None = None,
        near_duplicate_threshold: float = 0.5,
        fsync: bool = True,
    ) -> None:
        self.path = Path(path)
        self.quotas = dict(quotas or {})
        self.fsync = fsync
        self._lock = threading.Lock()
        self._offset = 0
        self._ids: set[str] = set()
        self._counts: Counter[str] = Counter()
        self._hashes: dict[str, str] = {}
        self._near = NearDuplicateIndex(threshold=near_duplicate_threshold)
        self.broken_lines = 0
        self.repaired_bytes = 0

    def open(self) -> OpenReport:
        """Repair a torn tail and index every record already in the file."""
        with self._lock, locked_dataset(self.path) as writer:
            self.repaired_bytes += writer.repair_tail()
            self._catch_up(writer)
        return OpenReport(len(self._ids), self.broken_lines, self.repaired_bytes)

    def seed_texts(self, texts: Iterable[str]) -> None:
        """Also reject copies of ``texts`` (the starter corpus the prompts quote); they are not records."""
        with self._lock:
            for number, text in enumerate(texts):
                key = f"starter:{number}"
                self._hashes.setdefault(text_hash(text), key)
                self._near.add(key, text)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._ids

    def ids(self) -> set[str]:
        """Ids written so far (as of the last sync)."""
        with self._lock:
            return set(self._ids)

    def counts(self) -> dict[str, int]:
        """Records per label (as of the last sync)."""
        with self._lock:
            return dict(self._counts)

    def refresh(self) -> None:
        """Read what other writers appended since the last look."""
        with self._lock, locked_dataset(self.path) as writer:
            self._catch_up(writer)

    def add(self, record: ResumeRecord) -> AddOutcome:
        """Append ``record`` unless a check refuses it; one complete line per write, under the lock."""
        with self._lock, locked_dataset(self.path) as writer:
            # A writer killed since our last look may have left a torn line; repair before reading on.
            self.repaired_bytes += writer.repair_tail()
            self._catch_up(writer)
            if record.id in self._ids:
                return AddOutcome.DUPLICATE_ID
            quota = self.quotas.get(record.label)
            if quota is not None and self._counts[record.label] >= quota:
                return AddOutcome.QUOTA_FULL
            digest = text_hash(record.text)
            if digest in self._hashes:
                return AddOutcome.EXACT_DUPLICATE
            prepared = self._near.prepare(record.text)
            if self._near.find(prepared) is not None:
                return AddOutcome.NEAR_DUPLICATE
            self._offset = writer.append(record, fsync=self.fsync)
            self._register(record, digest)
            self._near.insert(record.id, prepared)
            return AddOutcome.WRITTEN

    def _catch_up(self, writer: DatasetWriter) -> None:
        if writer.size() < self._offset:
            # The file was replaced (a reviewer rewrote it): index it again from the start.
            self._offset = 0
            self._ids.clear()
            self._counts.clear()
            self._hashes = {k: v for k, v in self._hashes.items() if v.startswith("starter:")}
            starter = [(k, v) for k, v in self._near.entries() if k.startswith("starter:")]
            self._near = NearDuplicateIndex(threshold=self._near.threshold)
            for key, values in starter:
                self._near.insert(key, self._near.prepare_values(values))
        self._sync(writer.read_lines_from(self._offset))

    def _sync(self, read: tuple[list[str], int]) -> None:
        lines, self._offset = read
        for line in lines:
            if not line.strip():
                continue
            record = parse_record(line)
            if record is None:
                self.broken_lines += 1
                continue
            if record.id in self._ids:
                continue
            digest = text_hash(record.text)
            self._register(record, digest)
            self._near.add(record.id, record.text)

    def _register(self, record: ResumeRecord, digest: str) -> None:
        self._ids.add(record.id)
        self._counts[record.label] += 1
        self._hashes.setdefault(digest, record.id)
