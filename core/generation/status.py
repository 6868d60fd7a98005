"""The status of a generation job: progress, accounting and health, written to ``status.json`` for the UI.

The worker rewrites the file about once a second (atomically: write a temporary file, then rename), so a page
polling it always reads a whole status. Nothing in it is secret: errors are redacted before they are kept.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.storage import write_json

STATUS_FILE = "status.json"
RESUMES_FILE = "resumes.jsonl"
# Its presence asks the job to stop: polled by the worker, so a cancel works before the worker has a pid.
CANCEL_FILE = "cancel.requested"
RECENT_ERRORS = 10
STATES = ("starting", "running", "completed", "failed", "cancelled")
# Derived when a status is read: the file says running but no worker holds the job any more.
INTERRUPTED = "interrupted"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class JobStatus:
    """Everything the Generate page and the CLI show about one job."""

    job_id: str
    state: str = "starting"
    mode: str = "realtime"
    model: str = ""
    endpoint: str = ""
    pid: int | None = None
    started_at: str = field(default_factory=_now_iso)
    updated_at: str = field(default_factory=_now_iso)
    heartbeat: float = field(default_factory=time.time)
    planned: dict[str, int] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    rejects: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    http_429: int = 0
    rate_limit_waits: int = 0
    rate_limit_wait_s: float = 0.0
    gave_up: int = 0
    recent_errors: list[str] = field(default_factory=list)
    rate_per_min: float = 0.0
    eta_s: float | None = None
    limits: dict[str, int] = field(default_factory=dict)
    # How the limiter counts tokens: "reserved" (prompt + max_tokens, as OpenAI does) or "usage" (refunded).
    pacing: str = "reserved"
    message: str = ""
    batch: dict[str, Any] | None = None
    broken_lines: int = 0
    repaired_bytes: int = 0
    alive: bool = False

    @property
    def done_total(self) -> int:
        return sum(self.done.values())

    @property
    def planned_total(self) -> int:
        return sum(self.planned.values())

    @property
    def fraction(self) -> float:
        """Share of the plan written, 0..1."""
        return min(1.0, self.done_total / self.planned_total) if self.planned_total else 0.0

    @property
    def finished(self) -> bool:
        return self.state in ("completed", "failed", "cancelled")

    @property
    def heartbeat_age_s(self) -> float:
        return max(0.0, time.time() - self.heartbeat)

    def to_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values.pop("alive", None)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> JobStatus:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in known})


def write_status(job_dir: Path, status: JobStatus) -> None:
    """Replace ``status.json`` atomically."""
    # Not durable: the status is rewritten every second from the job's event loop, where waiting for the disk
    # would delay requests (and bunch them into one rate-limit window); the next write repairs a loss.
    write_json(job_dir / STATUS_FILE, status.to_dict(), indent=1, durable=False)


def read_status(job_dir: Path) -> JobStatus | None:
    """The status in ``job_dir`` as last written, or None when there is none yet."""
    try:
        values = json.loads((job_dir / STATUS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    return JobStatus.from_dict(values) if isinstance(values, dict) else None


class StatusTracker:
    """Accounting for a running job, flushed to ``status.json`` at most every ``interval_s`` or on demand."""

    def __init__(
        self,
        job_dir: Path,
        status: JobStatus,
        *,
        price_input_per_m: float,
        price_output_per_m: float,
        price_factor: float = 1.0,
        interval_s: float = 1.0,
    ) -> None:
        self.job_dir = job_dir
        self.status = status
        self._prices = (price_input_per_m * price_factor / 1e6, price_output_per_m * price_factor / 1e6)
        self._interval = interval_s
        self._last_flush = 0.0
        self._recent: collections.deque[str] = collections.deque(status.recent_errors, maxlen=RECENT_ERRORS)
        self._written_at: collections.deque[float] = collections.deque()
        self._run_started = time.monotonic()
        self._written_this_run = 0

    # --- events ---------------------------------------------------------------------------------------
    def request(self, prompt_tokens: int | None, completion_tokens: int | None) -> None:
        """One request answered (any outcome that carried usage)."""
        status = self.status
        status.requests += 1
        status.prompt_tokens += prompt_tokens or 0
        status.completion_tokens += completion_tokens or 0
        status.cost_usd = round(
            status.prompt_tokens * self._prices[0] + status.completion_tokens * self._prices[1], 6
        )

    def failed_request(self, kind: str, message: str) -> None:
        """One request that failed (5xx, timeout, 429, ...): counted and kept among the recent errors."""
        self.status.requests += 1
        self.error(kind, message)

    def error(self, kind: str, message: str) -> None:
        self.status.errors[kind] = self.status.errors.get(kind, 0) + 1
        self._recent.append(f"{datetime.now(UTC).strftime('%H:%M:%S')} {kind}: {message}"[:300])
        self.status.recent_errors = list(self._recent)

    def rate_limited(self) -> None:
        self.status.http_429 += 1

    def waited(self, seconds: float) -> None:
        """Time a request spent waiting for the rate budget or a cool-down."""
        if seconds > 0.001:
            self.status.rate_limit_waits += 1
            self.status.rate_limit_wait_s = round(self.status.rate_limit_wait_s + seconds, 3)

    def rejected(self, reason: str) -> None:
        self.status.rejects[reason] = self.status.rejects.get(reason, 0) + 1

    def written(self, label: str) -> None:
        self.status.done[label] = self.status.done.get(label, 0) + 1
        self._written_at.append(time.monotonic())
        self._written_this_run += 1

    def gave_up(self, item_id: str, reason: str) -> None:
        self.status.gave_up += 1
        self.error("gave_up", f"{item_id} after repeated failures ({reason})")

    def set_limits(self, rpm: int, tpm: int, refunds: bool = False) -> None:
        self.status.limits = {"rpm": rpm, "tpm": tpm}
        self.status.pacing = "usage" if refunds else "reserved"

    # --- output ---------------------------------------------------------------------------------------
    def _update_rate(self) -> None:
        now = time.monotonic()
        while self._written_at and self._written_at[0] < now - 60:
            self._written_at.popleft()
        elapsed = min(60.0, now - self._run_started)
        status = self.status
        if elapsed >= 1 and self._written_at:
            status.rate_per_min = round(len(self._written_at) * 60.0 / elapsed, 2)
        elif self._written_this_run == 0:
            status.rate_per_min = 0.0
        remaining = max(0, status.planned_total - status.done_total)
        status.eta_s = round(remaining * 60.0 / status.rate_per_min, 1) if status.rate_per_min > 0 else None
        if remaining == 0:
            status.eta_s = 0.0

    def flush(self, force: bool = False) -> None:
        """Write the status if ``interval_s`` has passed since the last write (or ``force``)."""
        now = time.monotonic()
        if not force and now - self._last_flush < self._interval:
            return
        self._last_flush = now
        self._update_rate()
        self.status.heartbeat = time.time()
        self.status.updated_at = _now_iso()
        write_status(self.job_dir, self.status)

    def finish(self, state: str, message: str = "") -> None:
        """Record the final state and write it."""
        self.status.state = state
        if message:
            self.status.message = message
        self.flush(force=True)
