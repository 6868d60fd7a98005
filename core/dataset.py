"""Datasets of labelled resumes: JSONL, one record per line, an ``id`` per record.

Readers never fail on one broken line: they skip it and count it, because a generator killed mid-write can
leave a torn last line and a reviewer should still be able to train on the rest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import DatasetError

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
    return ResumeRecord(id=obj["id"], text=obj["text"], label=obj["label"],
                        role=role if isinstance(role, str) else "unknown", extra=extra)


def read_records(path: Path) -> tuple[list[ResumeRecord], int]:
    """Valid records of one JSONL file, and the count of broken lines skipped. Later duplicates of an id lose."""
    if not path.is_file():
        raise DatasetError(f"Dataset not found: {path}")
    records: list[ResumeRecord] = []
    seen: set[str] = set()
    broken = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = parse_record(line)
            if record is None:
                broken += 1
            elif record.id not in seen:
                seen.add(record.id)
                records.append(record)
    return records, broken


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
        for record in file_records:
            if record.id in excluded or record.id in seen:
                continue
            seen.add(record.id)
            records.append(record)
    if not records:
        raise DatasetError("No usable records in " + ", ".join(sources))
    return LoadedDataset(records=records, broken_lines=broken, sources=tuple(sources))


def write_records(path: Path, records: Iterable[ResumeRecord]) -> int:
    """Write ``records`` to ``path`` as JSONL (replacing it); returns how many were written."""
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count
