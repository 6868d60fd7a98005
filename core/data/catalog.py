"""Which datasets exist: the bundled starter corpus and every generation job's ``resumes.jsonl``.

Each dataset has a stable key (``starter`` or ``job:<job id>``). Reviewer verdicts are stored under that key, so
a verdict follows the dataset, not a file path that moves with an environment variable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError
from core.paths import jobs_dir, starter_corpus_path

STARTER_KEY = "starter"
JOB_PREFIX = "job:"
JOB_RECORDS_FILE = "resumes.jsonl"


@dataclass(frozen=True)
class DatasetInfo:
    """One dataset a reviewer can explore or train on."""

    key: str
    name: str
    path: Path
    kind: str  # "starter" or "generated"

    def stamp(self) -> tuple[str, int, int]:
        """Changes whenever the file does (size and modification time): a cache key for derived data."""
        try:
            stat = self.path.stat()
        except OSError:
            return (self.key, -1, -1)
        return (self.key, stat.st_size, stat.st_mtime_ns)


def list_datasets() -> list[DatasetInfo]:
    """The starter corpus (when present) first, then generation jobs with records, newest job id first."""
    found: list[DatasetInfo] = []
    starter = starter_corpus_path()
    if starter.is_file():
        found.append(DatasetInfo(key=STARTER_KEY, name="Starter corpus", path=starter, kind="starter"))
    root = jobs_dir()
    if root.is_dir():
        for job in sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True):
            records = job / JOB_RECORDS_FILE
            if records.is_file() and records.stat().st_size > 0:
                found.append(
                    DatasetInfo(
                        key=JOB_PREFIX + job.name,
                        name=f"Generated: {job.name}",
                        path=records,
                        kind="generated",
                    )
                )
    return found


def resolve_datasets(keys: Iterable[str]) -> list[DatasetInfo]:
    """The datasets called ``keys``, in the order given. Raises ConfigError for an unknown key."""
    known = {info.key: info for info in list_datasets()}
    chosen = []
    for key in keys:
        if key not in known:
            raise ConfigError(f"No dataset called {key!r}; it may have been removed")
        chosen.append(known[key])
    return chosen


def stamps(datasets: Sequence[DatasetInfo]) -> tuple[tuple[str, int, int], ...]:
    """The stamps of ``datasets``: one hashable value that changes when any of the files does."""
    return tuple(info.stamp() for info in datasets)
