"""Batch API mode: half the price, results within 24 hours, into the same store with the same validation.

A round writes the pending items as a JSONL batch input file, uploads it (``purpose="batch"``), starts a batch
with a 24-hour window, polls it, downloads the output and validates and stores every reply. Items whose reply
was rejected are submitted again in the next round, up to ``max_item_attempts`` rounds.

The active batch is remembered in ``batch.json`` in the job folder, so a cancelled or crashed worker picks up
polling the batch it already paid for instead of submitting a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.data.plan import PlannedItem
from core.errors import GenerationError
from core.generation.client import BatchInfo, LLMClient, RetryableError, TransientError, parse_chat_body
from core.generation.context import JobContext
from core.generation.limiter import RateLimitInfo
from core.generation.store import AddOutcome
from core.generation.validation import validate_reply
from core.storage import atomic_file, write_json

BATCH_STATE_FILE = "batch.json"
# Rounds that end with the batch failed and nothing collected before the job gives up.
MAX_FAILED_ROUNDS = 2


@dataclass
class BatchState:
    """Persistent batch bookkeeping of a job."""

    rounds: int = 0
    failed_rounds: int = 0
    active: dict[str, Any] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, job_dir: Path) -> BatchState:
        try:
            values = json.loads((job_dir / BATCH_STATE_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return cls()
        known = ("rounds", "failed_rounds", "active", "history")
        return cls(**{k: v for k, v in values.items() if k in known})

    def save(self, job_dir: Path) -> None:
        write_json(job_dir / BATCH_STATE_FILE, asdict(self), indent=1)


def batch_request(ctx: JobContext, item: PlannedItem) -> dict[str, Any]:
    """One line of the batch input file."""
    body: dict[str, Any] = {
        "model": ctx.settings.model,
        "messages": ctx.messages(item),
        "max_tokens": ctx.max_tokens(item),
        "temperature": ctx.settings.temperature,
    }
    if ctx.settings.json_mode:
        body["response_format"] = {"type": "json_object"}
    return {"custom_id": item.id, "method": "POST", "url": "/v1/chat/completions", "body": body}


async def _wait_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


class BatchEngine:
    """Generates every pending item of a job through the Batch API."""

    def __init__(self, ctx: JobContext, client: LLMClient, stop: asyncio.Event) -> None:
        self.ctx = ctx
        self.client = client
        self.stop = stop
        self.job_dir = ctx.tracker.job_dir
        self.state = BatchState.load(self.job_dir)

    async def run(self) -> str:
        """Submit, poll and collect rounds until done ("completed") or ``stop`` is set ("cancelled")."""
        ctx = self.ctx
        while not self.stop.is_set():
            if self.state.active is None:
                pending = ctx.pending()
                if not pending:
                    return "completed"
                if self.state.rounds >= ctx.settings.max_item_attempts:
                    for item in pending:
                        ctx.tracker.gave_up(item.id, "rejected in every batch round")
                    return "completed"
                await self._submit(pending[: ctx.settings.batch_max_requests])
            info = await self._poll()
            if info is None:
                # Stopped while waiting: the batch keeps running remotely; the next start collects it.
                ctx.tracker.status.message = (
                    f"Batch {self._active_id()} left running; start again to collect it."
                )
                return "cancelled"
            collected = await self._collect(info)
            self._finish_round(info, collected)
        return "cancelled"

    def _active_id(self) -> str:
        return str((self.state.active or {}).get("batch_id", ""))

    def _show(self, info: BatchInfo | None = None, **extra: Any) -> None:
        active = self.state.active or {}
        view = {
            "batch_id": active.get("batch_id"),
            "round": self.state.rounds,
            "items": len(active.get("items", [])),
            **extra,
        }
        if info is not None:
            view.update(status=info.status, total=info.total, completed=info.completed, failed=info.failed)
        self.ctx.tracker.status.batch = view
        self.ctx.tracker.flush(force=True)

    async def _submit(self, items: list[PlannedItem]) -> None:
        ctx = self.ctx
        number = self.state.rounds + 1
        path = self.job_dir / f"batch-input-{number}.jsonl"
        with atomic_file(path) as handle:
            handle.writelines(json.dumps(batch_request(ctx, item)) + "\n" for item in items)
        file_id = await self.client.upload_batch_file(path)
        info = await self.client.create_batch(file_id, {"shortlist_job": ctx.job_id, "round": str(number)})
        self.state.rounds = number
        self.state.active = {
            "batch_id": info.id,
            "input_file_id": file_id,
            "items": [i.id for i in items],
            "submitted_at": time.time(),
        }
        self.state.save(self.job_dir)
        ctx.tracker.request(None, None)
        self._show(info)

    async def _poll(self) -> BatchInfo | None:
        """Poll the active batch until it ends; None when stopped first."""
        batch_id = self._active_id()
        while True:
            try:
                info = await self.client.retrieve_batch(batch_id)
            except RetryableError as error:
                # A failed poll is not a failed batch; keep polling at the same pace.
                self.ctx.tracker.error(getattr(error, "kind", "error"), str(error))
            else:
                self._show(info)
                if info.finished:
                    return info
            if await _wait_or_stop(self.stop, self.ctx.settings.batch_poll_s):
                return None

    async def _collect(self, info: BatchInfo) -> int:
        """Validate and store every reply in the batch output; returns how many were written."""
        ctx = self.ctx
        if not info.output_file_id:
            return 0
        try:
            content = await self.client.file_content(info.output_file_id)
        except TransientError as error:
            ctx.tracker.error(error.kind, f"could not download batch output: {error}")
            return 0
        items = {item.id: item for item in ctx.plan}
        written = 0
        for line in content.decode("utf-8", errors="replace").splitlines():
            written += await self._collect_line(line, items)
        return written

    async def _collect_line(self, line: str, items: dict[str, PlannedItem]) -> int:
        ctx = self.ctx
        try:
            result = json.loads(line)
        except json.JSONDecodeError:
            ctx.tracker.error("malformed_response", "unreadable batch output line")
            return 0
        item = items.get(str(result.get("custom_id")))
        response = result.get("response") or {}
        if item is None:
            return 0
        if response.get("status_code") != 200:
            error = result.get("error") or (response.get("body") or {}).get("error") or {}
            ctx.tracker.failed_request(
                f"batch_http_{response.get('status_code')}",
                str(error.get("message", "batch request failed"))[:200],
            )
            return 0
        try:
            reply = parse_chat_body(response.get("body"), RateLimitInfo())
        except TransientError as error:
            ctx.tracker.failed_request(error.kind, str(error))
            return 0
        ctx.tracker.request(reply.prompt_tokens, reply.completion_tokens)
        verdict = validate_reply(reply.content, reply.finish_reason, item, ctx.settings.length_tolerance)
        if verdict.text is None:
            ctx.tracker.rejected(verdict.reason or "invalid")
            return 0
        outcome = await asyncio.to_thread(ctx.store.add, ctx.record(item, verdict.text, reply.model))
        ctx.stored(item, outcome)
        return 1 if outcome is AddOutcome.WRITTEN else 0

    def _finish_round(self, info: BatchInfo, collected: int) -> None:
        active = self.state.active or {}
        self.state.history.append(
            {
                "batch_id": active.get("batch_id"),
                "status": info.status,
                "items": len(active.get("items", [])),
                "written": collected,
            }
        )
        if info.status != "completed" and collected == 0:
            self.state.failed_rounds += 1
        self.state.active = None
        self.state.save(self.job_dir)
        self._show(info, written=collected)
        if self.state.failed_rounds >= MAX_FAILED_ROUNDS:
            detail = "; ".join(info.errors) or info.status
            raise GenerationError(f"Batch {info.id} ended '{info.status}' with nothing to collect: {detail}")
