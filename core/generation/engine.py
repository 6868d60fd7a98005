"""Real-time generation: concurrent requests paced by one shared limiter, each reply validated and stored.

Concurrency is a fixed number of asyncio workers pulling planned items from a queue, not a process per
request. Each item is tried until a reply passes validation and the store's checks, up to
``max_item_attempts``; each request is retried on 5xx, timeouts and 429s with backoff, up to ``max_attempts``.
Quota and key failures stop every worker at once.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from core.data.plan import PlannedItem
from core.errors import GenerationError
from core.generation.client import ChatReply, LLMClient, RateLimited, RequestRejected, TransientError
from core.generation.context import JobContext
from core.generation.limiter import CompletionEstimator, RateLimiter, backoff_delay
from core.generation.prompts import estimate_prompt_tokens
from core.generation.validation import validate_reply

# A run of refused requests (400/404/422) means the endpoint cannot serve this job (model name, JSON mode).
MAX_REFUSED_IN_A_ROW = 5


class RealtimeEngine:
    """Generates every pending item of a job through the chat-completions endpoint."""

    def __init__(
        self,
        ctx: JobContext,
        client: LLMClient,
        limiter: RateLimiter,
        stop: asyncio.Event,
        rng: random.Random | None = None,
    ) -> None:
        self.ctx = ctx
        self.client = client
        self.limiter = limiter
        self.stop = stop
        self.rng = rng or random.Random()
        self._queue: asyncio.Queue[PlannedItem] = asyncio.Queue()
        self._refused_in_a_row = 0
        self.completions = CompletionEstimator()

    async def run(self) -> str:
        """Work until every item is done or given up ("completed"), or ``stop`` is set ("cancelled")."""
        pending = self.ctx.pending()
        for item in pending:
            self._queue.put_nowait(item)
        size = min(self.ctx.settings.concurrency, len(pending))
        workers: set[asyncio.Task[Any]] = {asyncio.create_task(self._worker()) for _ in range(size)}
        heartbeat: asyncio.Task[Any] = asyncio.create_task(self._heartbeat())
        stopped: asyncio.Task[Any] = asyncio.create_task(self.stop.wait())
        try:
            while workers:
                done, _ = await asyncio.wait(workers | {stopped}, return_when=asyncio.FIRST_COMPLETED)
                if stopped in done:
                    return "cancelled"
                for task in done:
                    workers.discard(task)
                    error = task.exception()
                    if error is not None:
                        raise error
            return "cancelled" if self.stop.is_set() else "completed"
        finally:
            leftover = [*workers, heartbeat, stopped]
            for task in leftover:
                task.cancel()
            await asyncio.gather(*leftover, return_exceptions=True)

    async def _heartbeat(self) -> None:
        tracker = self.ctx.tracker
        while True:
            tracker.set_limits(self.limiter.rpm, self.limiter.tpm, self.limiter.refunds)
            tracker.flush(force=True)
            await asyncio.sleep(self.ctx.settings.status_interval_s)

    async def _worker(self) -> None:
        while not self.stop.is_set():
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            await self._generate(item)

    async def _generate(self, item: PlannedItem) -> None:
        ctx = self.ctx
        messages = ctx.messages(item)
        max_tokens = ctx.max_tokens(item)
        prompt_tokens = estimate_prompt_tokens(messages)
        reason = "no usable reply"
        for _ in range(ctx.settings.max_item_attempts):
            reply = await self._request(messages, prompt_tokens, max_tokens)
            if reply is None:
                reason = "request failures"
                break
            verdict = validate_reply(reply.content, reply.finish_reason, item, ctx.settings.length_tolerance)
            if verdict.text is None:
                reason = verdict.reason or "invalid"
                ctx.tracker.rejected(reason)
                continue
            outcome = await asyncio.to_thread(ctx.store.add, ctx.record(item, verdict.text, reply.model))
            if ctx.stored(item, outcome):
                return
            reason = outcome.value
        ctx.tracker.gave_up(item.id, reason)

    async def _request(
        self, messages: list[dict[str, str]], prompt_tokens: int, max_tokens: int
    ) -> ChatReply | None:
        """One reply, retrying transient failures and 429s; None when the attempts run out."""
        settings, tracker, limiter = self.ctx.settings, self.ctx.tracker, self.limiter
        for attempt in range(settings.max_attempts):
            # A server that charges the whole max_tokens up front must be paid that; others what replies need.
            completion = self.completions.budget(max_tokens) if limiter.refunds else max_tokens
            reservation = await limiter.acquire(prompt_tokens + completion)
            tracker.waited(reservation.waited_s)
            try:
                # The SDK's timeouts bound each read; this bounds the whole request (a trickling server).
                async with asyncio.timeout(settings.request_timeout_s + settings.connect_timeout_s):
                    reply = await self.client.chat(
                        messages,
                        max_tokens=max_tokens,
                        temperature=settings.temperature,
                        json_mode=settings.json_mode,
                    )
            except TimeoutError:
                limiter.failed(reservation)
                tracker.failed_request("timeout", "The request timed out")
                await asyncio.sleep(self._backoff(attempt))
                continue
            except RateLimited as error:
                tracker.failed_request("rate_limited", str(error))
                tracker.rate_limited()
                limiter.observe(error.info, reservation)
                limiter.failed(reservation)
                wait = error.retry_after_s if error.retry_after_s is not None else self._backoff(attempt)
                # Everyone cools down, not just this request: the budget is shared.
                limiter.cool_down(wait)
                continue
            except TransientError as error:
                tracker.failed_request(error.kind, str(error))
                limiter.observe(error.info, reservation)
                limiter.failed(reservation)
                await asyncio.sleep(self._backoff(attempt))
                continue
            except RequestRejected as error:
                limiter.failed(reservation)
                tracker.failed_request(f"http_{error.status}", str(error))
                self._refused_in_a_row += 1
                if self._refused_in_a_row >= MAX_REFUSED_IN_A_ROW:
                    raise GenerationError(
                        f"The endpoint refused {self._refused_in_a_row} requests in a row; check the model "
                        f"name and that it supports JSON mode. Last answer: {error}"
                    ) from None
                return None
            self._refused_in_a_row = 0
            if reply.finish_reason == "length":
                self.completions.observe(max_tokens, max_tokens)
            else:
                self.completions.observe(reply.completion_tokens, max_tokens)
            limiter.settle(reservation, reply.total_tokens)
            limiter.observe(reply.info, reservation)
            tracker.request(reply.prompt_tokens, reply.completion_tokens)
            return reply
        return None

    def _backoff(self, attempt: int) -> float:
        settings = self.ctx.settings
        return backoff_delay(attempt, settings.backoff_base_s, settings.backoff_max_s, self.rng)
