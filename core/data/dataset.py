"""Datasets of labelled resumes: JSONL, one record per line, an ``id`` per record.

Readers never fail on one broken line: they skip it and count it, because a generator killed mid-write can
leave a torn last line and a reviewer should still be able to train on the rest.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import DatasetError
from core.storage import atomic_file, open_private

LABELS = ("devops", "other")
REQUIRED_FIELDS = ("id", "text", "label")
RECORD_FIELDS = ("id", "text", "label", "role")


@dataclass(frozen=True)
class ResumeRecord:
    """One labelled resume. ``extra`` keeps every other field of the line (style, seniority, source, ...)."""

    id: str
    text: str
    label: str
    role: str
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_positive(self) -> bool:
        return self.label == LABELS[0]

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text, "label": self.label, "role": self.role, **self.extra}


@dataclass(frozen=True)
class LoadedDataset:
    """Records read from one or more files, and how many lines had to be skipped."""

    records: list[ResumeRecord]
    broken_lines: int
    sources: tuple[str, ...]

    def content_hash(self) -> str:
        """sha256 over ids, labels and texts in order: identifies exactly what a model was trained on."""
        digest = hashlib.sha256()
        for record in self.records:
            digest.update(json.dumps([record.id, record.label, record.text]).encode())
        return digest.hexdigest()


def parse_record(line: str) -> ResumeRecord | None:
    """The record on one JSONL line, or None when the line is not a complete, valid record."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or any(not isinstance(obj.get(key), str) for key in REQUIRED_FIELDS):
        return None
    if obj["label"] not in LABELS or not obj["text"].strip():
        return None
    role = obj.get("role")
    extra = {key: value for key, value in obj.items() if key not in RECORD_FIELDS}
    return ResumeRecord(
        id=obj["id"],
        text=obj["text"],
        label=obj["label"],
        role=role if isinstance(role, str) else "unknown",
        extra=extra,
    )


def first_of_each_id(
    records: Iterable[ResumeRecord], seen: set[str] | None = None, exclude: Container[str] = ()
) -> list[ResumeRecord]:
    """``records`` without excluded ids and without ids already kept: the first record with an id wins.

    ``seen`` carries the kept ids from call to call (it gains this call's), so over several datasets a record
    whose id an earlier dataset holds is left out, as training, exploring and evaluating all do.
    """
    seen = set() if seen is None else seen
    kept = []
    for record in records:
        if record.id not in seen and record.id not in exclude:
            seen.add(record.id)
            kept.append(record)
    return kept


def read_records(path: Path) -> tuple[list[ResumeRecord], int]:
    """Valid records of one JSONL file, and the count of broken lines skipped. Later duplicates of an id lose."""
    if not path.is_file():
        raise DatasetError(f"Dataset not found: {path}")
    parsed: list[ResumeRecord] = []
    broken = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = parse_record(line)
            if record is None:
                broken += 1
            else:
                parsed.append(record)
    return first_of_each_id(parsed), broken


def load_datasets(paths: Iterable[Path], exclude_ids: Iterable[str] = ()) -> LoadedDataset:
    """Records of every file in ``paths``, minus ``exclude_ids`` (reviewer-rejected samples)."""
    excluded = set(exclude_ids)
    records: list[ResumeRecord] = []
    seen: set[str] = set()
    broken = 0
    sources: list[str] = []
    for path in paths:
        file_records, file_broken = read_records(Path(path))
        broken += file_broken
        sources.append(str(path))
        records += first_of_each_id(file_records, seen, excluded)
    if not records:
        raise DatasetError("No usable records in " + ", ".join(sources))
    return LoadedDataset(records=records, broken_lines=broken, sources=tuple(sources))


def write_records(path: Path, records: Iterable[ResumeRecord]) -> int:
    """Write ``records`` to ``path`` as JSONL (replacing it); returns how many were written."""
    count = 0
    with atomic_file(path) as handle:
        for record in records:
            handle.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
            count += 1
    return count


# --- Appending from many writers ------------------------------------------------------------------------
#
# A generation job appends records while a reviewer's page reads them, and a restarted or second worker may
# append to the same file. Every append happens under an exclusive lock that works across threads (a per-path
# RLock) and processes (``fcntl.flock`` on a sidecar ``.lock`` file), and writes one complete line in one
# ``write`` call. A writer killed mid-write can leave a torn last line; the next writer repairs it first.

_THREAD_LOCKS: dict[str, threading.RLock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.RLock:
    key = str(path.resolve())
    with _THREAD_LOCKS_GUARD:
        lock = _THREAD_LOCKS.get(key)
        if lock is None:
            lock = _THREAD_LOCKS[key] = threading.RLock()
        return lock


def lock_path(path: Path) -> Path:
    """The sidecar file whose ``flock`` guards appends to ``path``."""
    return path.with_name(path.name + ".lock")


class DatasetWriter:
    """Appends to one JSONL file. Only valid inside :func:`locked_dataset`, which holds the lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def size(self) -> int:
        """Current length of the file in bytes (0 when it does not exist)."""
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def repair_tail(self) -> int:
        """Repair a torn last line left by a killed writer; returns the bytes removed (0 when none).

        A last line without its newline is kept (terminated) when it is a complete record, else truncated.
        """
        size = self.size()
        if size == 0:
            return 0
        with self.path.open("rb+") as handle:
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return 0
            # Scan back in blocks for the last newline: the torn line is at most one record long.
            position = size
            start = 0
            while position > 0:
                block = min(65536, position)
                position -= block
                handle.seek(position)
                found = handle.read(block).rfind(b"\n")
                if found >= 0:
                    start = position + found + 1
                    break
            handle.seek(start)
            tail = handle.read().decode("utf-8", errors="replace")
            if parse_record(tail) is not None:
                handle.seek(size)
                handle.write(b"\n")
                return 0
            handle.truncate(start)
            return size - start

    def read_lines_from(self, offset: int) -> tuple[list[str], int]:
        """Complete lines from byte ``offset`` to the end, and the offset just past the last complete line."""
        try:
            with self.path.open("rb") as handle:
                handle.seek(offset)
                data = handle.read()
        except FileNotFoundError:
            return [], offset
        end = data.rfind(b"\n")
        if end < 0:
            return [], offset
        text = data[: end + 1].decode("utf-8", errors="replace")
        return text.splitlines(), offset + end + 1

    def append(self, record: ResumeRecord, *, fsync: bool = True) -> int:
        """Append ``record`` as one line; returns the file size after the write."""
        line = (json.dumps(record.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
        fd = open_private(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if fsync:
                os.fsync(fd)
            return os.fstat(fd).st_size
        finally:
            os.close(fd)


@contextmanager
def locked_dataset(path: Path) -> Iterator[DatasetWriter]:
    """Hold the exclusive append lock of ``path`` (threads and processes) and yield its writer."""
    path = Path(path)
    with _thread_lock(path):
        fd = open_private(lock_path(path), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield DatasetWriter(path)
        finally:
            # Closing the descriptor releases the flock, also when the body raised.
            os.close(fd)
