"""One shared pacer for requests and tokens per minute, tightened by the server's rate-limit headers.

Every request of a job reserves one request and an upper bound of its tokens (prompt estimate plus
``max_tokens``) before it is sent. Reservations live in a sliding window: a new one is admitted only while the
window holds fewer than ``rpm`` requests and at most ``tpm`` tokens, so no window the server can observe ever
holds more. When the reply arrives the reservation is reconciled with the real usage, which frees the unused
part early.

Sends are also smoothed: never faster than ``smoothing`` times the average rate the limits allow, with no
saved-up burst. Without it a full window's budget would leave at once and, a window later, expire at once, so
every window would open with a burst; providers may enforce limits over shorter periods than a minute, and
bursts are what trips them.

Each reservation stays in the window for ``window + margin`` seconds: the margin covers the delay between our
clock at send time and the server's clock at arrival, which would otherwise let a window on the server's side
catch one request more than ours.

The headers tighten the limiter: a smaller ``x-ratelimit-limit-*`` lowers our limit, and usage the server
reports beyond what we reserved ourselves (another client on the same key, a different tokenizer) is added as
a "phantom" reservation that expires when the server says its window resets. A 429 sets a global cool-down
honouring ``Retry-After``.

Servers differ in what they count. Some count what a request really used; OpenAI counts the prompt plus
``max_tokens`` when the request arrives and refunds nothing. The headers tell them apart, so reconciliation is
earned: the first request of a job goes out alone, and the usage its reply's headers report is its own charge,
either closer to what it used (refunds start) or to what it reserved (they never do). A server without rate
headers counts nothing we can see, so usage is what we pace by. Should the server later report more than our
refunded ledger explains, refunds stop and are taken back. Only while refunds hold does
:class:`CompletionEstimator` shrink the reservation of requests in flight to what replies actually need, which
is what lets a job use nearly all of the budget.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import heapq
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_duration(value: str | None) -> float | None:
    """Seconds in an OpenAI reset value (``"1s"``, ``"6m0s"``, ``"120ms"``, ``"1h2m3.5s"``, ``"12"``)."""
    if value is None:
        return None
    value = value.strip().lower()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parts = _DURATION.findall(value)
    if not parts or "".join(number + unit for number, unit in parts) != value:
        return None
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    return sum(float(number) * scale[unit] for number, unit in parts)


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The wait a reply asks for: ``retry-after-ms``, else ``retry-after`` (seconds or an HTTP date)."""
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return max(0.0, float(value) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class RateLimitInfo:
    """What one reply's headers say about the account's limits (None where a header was absent)."""

    limit_requests: int | None = None
    remaining_requests: int | None = None
    reset_requests_s: float | None = None
    limit_tokens: int | None = None
    remaining_tokens: int | None = None
    reset_tokens_s: float | None = None
    retry_after_s: float | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitInfo:
        """Parse ``x-ratelimit-*`` and ``Retry-After`` (header names are case-insensitive in httpx)."""
        return cls(
            limit_requests=_int_header(headers, "x-ratelimit-limit-requests"),
            remaining_requests=_int_header(headers, "x-ratelimit-remaining-requests"),
            reset_requests_s=parse_duration(headers.get("x-ratelimit-reset-requests")),
            limit_tokens=_int_header(headers, "x-ratelimit-limit-tokens"),
            remaining_tokens=_int_header(headers, "x-ratelimit-remaining-tokens"),
            reset_tokens_s=parse_duration(headers.get("x-ratelimit-reset-tokens")),
            retry_after_s=retry_after_seconds(headers),
        )

    def reset_hint_s(self) -> float | None:
        """When an exhausted limit comes back, for a 429 that carries no Retry-After."""
        waits = []
        if self.remaining_requests == 0 and self.reset_requests_s is not None:
            waits.append(self.reset_requests_s)
        if self.remaining_tokens == 0 and self.reset_tokens_s is not None:
            waits.append(self.reset_tokens_s)
        return max(waits) if waits else None


def backoff_delay(attempt: int, base_s: float, cap_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: between half and all of ``min(cap, base * 2**attempt)``."""
    ceiling = min(cap_s, base_s * (2 ** max(0, attempt)))
    return (rng or random).uniform(0.5, 1.0) * ceiling


@dataclass
class Reservation:
    """One request's place in the window. ``tokens`` shrinks to the real usage when the reply arrives."""

    tokens: int
    expires_at: float
    reserved: int = 0
    used: int | None = None
    waited_s: float = 0.0
    # What had left our window when this was sent: with the window now, an upper bound of what the server can
    # have counted from us when this request arrived, whatever order requests arrived in.
    expired_requests_at_send: int = 0
    expired_tokens_at_send: int = 0
    expired_reserved_at_send: int = 0
    settled: bool = False


@dataclass(order=True)
class _Phantom:
    expires_at: float
    requests: int = field(compare=False)
    tokens: int = field(compare=False)


class RateLimiter:
    """Async sliding-window limiter for requests and tokens per window, shared by every request of a job."""

    def __init__(
        self,
        rpm: int,
        tpm: int,
        *,
        window_s: float = 60.0,
        margin_s: float = 0.0,
        smoothing: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rpm = max(1, int(rpm))
        self._tpm = max(1, int(tpm))
        self.window_s = window_s
        self.margin_s = margin_s
        self.smoothing = smoothing
        self._next_send = 0.0
        # Running share of a reservation that replies really use: smoothing paces what is used, not reserved.
        self._fill = 1.0
        self._clock = clock
        self._entries: collections.deque[Reservation] = collections.deque()
        self._tokens = 0
        self._reserved = 0
        self.refunds = False
        # The calibration request (see the module docstring) and how many tries it has had.
        self._calibrated = False
        self._probe: Reservation | None = None
        self._probe_failures = 0
        self._phantoms: list[_Phantom] = []
        self._expired_requests = 0
        self._expired_tokens = 0
        self._expired_reserved = 0
        self._not_before = 0.0
        self._lock: asyncio.Lock | None = None
        self._changed: asyncio.Event | None = None

    def __repr__(self) -> str:
        return f"RateLimiter(rpm={self._rpm}, tpm={self._tpm}, window_s={self.window_s})"

    @property
    def rpm(self) -> int:
        """The requests-per-window limit in force (configured, or lower if the server said so)."""
        return self._rpm

    @property
    def tpm(self) -> int:
        """The tokens-per-window limit in force."""
        return self._tpm

    def usage(self) -> tuple[int, int]:
        """Requests and tokens our window holds now, phantoms included."""
        now = self._clock()
        self._expire(now)
        phantom_requests = sum(p.requests for p in self._phantoms)
        phantom_tokens = sum(p.tokens for p in self._phantoms)
        return len(self._entries) + phantom_requests, self._tokens + phantom_tokens

    def cool_down(self, seconds: float) -> None:
        """Admit nothing for ``seconds`` (after a 429): every waiting request waits with it."""
        self._not_before = max(self._not_before, self._clock() + max(0.0, seconds))

    async def acquire(self, tokens: int) -> Reservation:
        """Wait until one request of ``tokens`` fits the window, then reserve it. FIFO across callers."""
        tokens = max(1, int(tokens))
        if self._lock is None or self._changed is None:
            self._lock, self._changed = asyncio.Lock(), asyncio.Event()
        changed = self._changed
        started = self._clock()
        async with self._lock:
            while True:
                now = self._clock()
                self._expire(now)
                # A request larger than the whole budget could never fit; the server decides what to do.
                tokens = min(tokens, self._tpm)
                wait = max(self._wait_s(now, tokens), self._next_send - now)
                if not self._calibrated and self._probe is not None:
                    wait = max(wait, self._probe.expires_at - now)  # until the calibration reply is in
                if wait <= 0:
                    break
                changed.clear()
                # Woken early when a reply frees tokens or a limit changes.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), timeout=wait)
            reservation = Reservation(
                tokens=tokens,
                expires_at=now + self.window_s + self.margin_s,
                reserved=tokens,
                waited_s=now - started,
                expired_requests_at_send=self._expired_requests,
                expired_tokens_at_send=self._expired_tokens,
                expired_reserved_at_send=self._expired_reserved,
            )
            if not self._calibrated:
                self._probe = reservation
            if self.smoothing > 0:
                # Zero-tolerance GCRA: the next send waits its share of the window at the smoothed rate.
                share = max(tokens * (self._fill if self.refunds else 1.0) / self._tpm, 1 / self._rpm)
                self._next_send = max(now, self._next_send) + share * self.window_s / self.smoothing
            self._entries.append(reservation)
            self._tokens += tokens
            self._reserved += tokens
            return reservation

    def settle(self, reservation: Reservation, used_tokens: int | None) -> None:
        """Reconcile ``reservation`` with the tokens the reply really used (None: keep the estimate)."""
        if reservation.settled or used_tokens is None:
            return
        used = max(0, int(used_tokens))
        reservation.settled, reservation.used = True, used
        self._fill = 0.9 * self._fill + 0.1 * min(1.0, used / max(1, reservation.reserved))
        if reservation.expires_at <= self._clock():
            return  # already out of the window
        # Not yet expired means still in the window: entries leave it only by expiring.
        target = used if self.refunds else max(used, reservation.tokens)
        delta = target - reservation.tokens
        reservation.tokens += delta
        self._tokens += delta
        if delta < 0:
            self._wake()

    def observe(self, info: RateLimitInfo, reservation: Reservation | None = None) -> bool:
        """Tighten from one reply's headers; returns True when a limit was lowered."""
        now = self._clock()
        tightened = False
        if info.limit_requests and 0 < info.limit_requests < self._rpm:
            self._rpm, tightened = info.limit_requests, True
        if info.limit_tokens and 0 < info.limit_tokens < self._tpm:
            self._tpm, tightened = info.limit_tokens, True
        if reservation is None:
            return tightened
        self._expire(now)
        requests_now, tokens_now = self._counts()
        phantom_tokens = tokens_now - self._tokens
        extra_requests = extra_tokens = 0
        if info.limit_requests is not None and info.remaining_requests is not None:
            ours = requests_now + self._expired_requests - reservation.expired_requests_at_send
            extra_requests = info.limit_requests - info.remaining_requests - ours
        if info.limit_tokens is not None and info.remaining_tokens is not None:
            server_used = info.limit_tokens - info.remaining_tokens
            # Tokenizers disagree a little; only a clear excess means anything.
            slack = max(16, self._tpm // 200)
            reserved = (
                self._reserved
                + phantom_tokens
                + self._expired_reserved
                - reservation.expired_reserved_at_send
            )
            extra_tokens = server_used - reserved - slack
            counted = tokens_now + self._expired_tokens - reservation.expired_tokens_at_send
            if extra_tokens <= 0 and self.refunds and server_used > counted + slack:
                # The server still counts what we refunded: it charges reservations, not usage.
                self._stop_refunds()
        if reservation is self._probe:
            self._calibrate(info, reservation)
        if extra_requests > 0 or extra_tokens > 0:
            reset = max(info.reset_requests_s or 0.0, info.reset_tokens_s or 0.0) or self.window_s
            phantom = _Phantom(
                now + min(reset, self.window_s) + self.margin_s, max(0, extra_requests), max(0, extra_tokens)
            )
            heapq.heappush(self._phantoms, phantom)
        return tightened

    def failed(self, reservation: Reservation) -> None:
        """The request of ``reservation`` got no usable reply (a timeout, a dropped connection)."""
        if reservation is self._probe:
            self._calibrate(RateLimitInfo(), reservation)

    # --- internals -------------------------------------------------------------------------------------
    def _calibrate(self, info: RateLimitInfo, probe: Reservation) -> None:
        self._probe = None
        close = max(16, probe.reserved // 10)
        if probe.used is None or (info.remaining_tokens is not None and probe.reserved - probe.used < close):
            # No reply, or one that used what it reserved: nothing to tell the two kinds of server apart.
            self._probe_failures += 1
            # After a few failed tries, go on without refunds: safe with every kind of server.
            self._calibrated = self._probe_failures >= 3
        elif info.limit_tokens is None or info.remaining_tokens is None:
            self._calibrated = True
            self._start_refunds()
        else:
            self._calibrated = True
            charged = info.limit_tokens - info.remaining_tokens
            if abs(charged - probe.used) < abs(charged - probe.reserved):
                self._start_refunds()
        self._wake()

    def _start_refunds(self) -> None:
        self.refunds = True
        for entry in self._entries:
            if entry.used is not None and entry.used < entry.tokens:
                self._tokens -= entry.tokens - entry.used
                entry.tokens = entry.used
        self._wake()

    def _stop_refunds(self) -> None:
        self.refunds = False
        for entry in self._entries:
            if entry.tokens < entry.reserved:
                self._tokens += entry.reserved - entry.tokens
                entry.tokens = entry.reserved

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()

    def _counts(self) -> tuple[int, int]:
        return (
            len(self._entries) + sum(p.requests for p in self._phantoms),
            self._tokens + sum(p.tokens for p in self._phantoms),
        )

    def _expire(self, now: float) -> None:
        while self._entries and self._entries[0].expires_at <= now:
            entry = self._entries.popleft()
            self._tokens -= entry.tokens
            self._reserved -= entry.reserved
            self._expired_requests += 1
            self._expired_tokens += entry.tokens
            self._expired_reserved += entry.reserved
        if self._probe is not None and self._probe.expires_at <= now:
            self._calibrate(RateLimitInfo(), self._probe)  # its reply never came back to tell us anything
        while self._phantoms and self._phantoms[0].expires_at <= now:
            phantom = heapq.heappop(self._phantoms)
            self._expired_requests += phantom.requests
            self._expired_tokens += phantom.tokens
            self._expired_reserved += phantom.tokens

    def _expiries(self) -> Iterator[tuple[float, int, int]]:
        """(expiry, requests, tokens) of everything in the window, soonest first."""
        entries = ((e.expires_at, 1, e.tokens) for e in self._entries)
        phantoms = ((p.expires_at, p.requests, p.tokens) for p in sorted(self._phantoms))
        return heapq.merge(entries, phantoms)

    def _wait_s(self, now: float, tokens: int) -> float:
        """Seconds until a request of ``tokens`` fits (0 when it fits now)."""
        wait = self._not_before - now
        requests_used, tokens_used = self._counts()
        free_requests = requests_used + 1 - self._rpm
        free_tokens = tokens_used + tokens - self._tpm
        if free_requests <= 0 and free_tokens <= 0:
            return wait
        freed_requests = freed_tokens = 0
        for expires_at, requests, entry_tokens in self._expiries():
            freed_requests += requests
            freed_tokens += entry_tokens
            if freed_requests >= free_requests and freed_tokens >= free_tokens:
                return max(wait, expires_at - now)
        return max(wait, self.window_s)


class CompletionEstimator:
    """How many completion tokens a request will need, learned from recent replies.

    Reserving ``max_tokens`` for every request in flight is safe but wastes budget, since replies are usually
    much shorter. After ``min_samples`` replies this reserves ``headroom`` times the largest share of
    ``max_tokens`` any of the last ``samples`` replies used (truncated replies count as all of it).
    """

    def __init__(self, samples: int = 64, min_samples: int = 16, headroom: float = 1.2) -> None:
        self._ratios: collections.deque[float] = collections.deque(maxlen=samples)
        self._min_samples = min_samples
        self._headroom = headroom

    def observe(self, completion_tokens: int | None, max_tokens: int) -> None:
        """Learn from one reply."""
        if completion_tokens is not None and max_tokens > 0:
            self._ratios.append(min(1.0, completion_tokens / max_tokens))

    def budget(self, max_tokens: int) -> int:
        """Completion tokens to reserve for a request allowed ``max_tokens``."""
        if len(self._ratios) < self._min_samples:
            return max_tokens
        share = min(1.0, self._headroom * max(self._ratios))
        return min(max_tokens, max(1, round(max_tokens * share)))
