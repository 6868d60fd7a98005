"""What both generation modes (real-time and Batch API) share: the job's plan, store, status and prompts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.data.dataset import ResumeRecord
from core.data.plan import PlannedItem
from core.data.roles import RoleProfile
from core.generation.prompts import StyleExamples, build_messages, max_tokens_for
from core.generation.settings import GenerationSettings
from core.generation.status import StatusTracker
from core.generation.store import AddOutcome, RecordStore

ProgressCallback = Callable[[int, int], None]


@dataclass
class JobContext:
    """One job's state while it runs in this process."""

    job_id: str
    settings: GenerationSettings
    profile: RoleProfile
    plan: list[PlannedItem]
    store: RecordStore
    tracker: StatusTracker
    examples: StyleExamples = field(default_factory=dict)
    on_progress: ProgressCallback | None = None

    @property
    def quotas(self) -> dict[str, int]:
        return self.tracker.status.planned

    def pending(self) -> list[PlannedItem]:
        """Items still to write, in plan order: not stored yet, and only while their class has room."""
        counts = self.store.counts()
        room = {label: quota - counts.get(label, 0) for label, quota in self.quotas.items()}
        pending = []
        for item in self.plan:
            if item.id in self.store or room.get(item.label, 0) <= 0:
                continue
            room[item.label] -= 1
            pending.append(item)
        return pending

    def messages(self, item: PlannedItem) -> list[dict[str, str]]:
        return build_messages(item, self.profile, self.examples)

    def max_tokens(self, item: PlannedItem) -> int:
        return max_tokens_for(item, self.settings.length_tolerance, self.settings.max_tokens)

    def record(self, item: PlannedItem, text: str, model: str | None) -> ResumeRecord:
        """The record to store for ``item``."""
        return item.record(
            text,
            source=f"generated:{self.job_id}",
            model=model or self.settings.model,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def stored(self, item: PlannedItem, outcome: AddOutcome) -> bool:
        """Account for a store outcome; True when the item needs no more attempts."""
        if outcome is AddOutcome.WRITTEN:
            self.tracker.written(item.label)
            self.progress()
            return True
        if outcome in (AddOutcome.DUPLICATE_ID, AddOutcome.QUOTA_FULL):
            return True  # another writer got there first
        self.tracker.rejected(outcome.value)
        return False

    def progress(self) -> None:
        if self.on_progress is not None:
            status = self.tracker.status
            self.on_progress(status.done_total, status.planned_total)
