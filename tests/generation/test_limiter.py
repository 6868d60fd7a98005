"""The rate limiter and the header parsing it relies on."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from core.generation.limiter import (
    CompletionEstimator,
    RateLimiter,
    RateLimitInfo,
    Reservation,
    backoff_delay,
    parse_duration,
    retry_after_seconds,
)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1s", 1.0),
        ("6m0s", 360.0),
        ("120ms", 0.12),
        ("1h2m3.5s", 3723.5),
        ("0.5s", 0.5),
        ("12", 12.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("5x", None),
    ],
)
def test_parse_duration(value: str | None, seconds: float | None) -> None:
    assert parse_duration(value) == (pytest.approx(seconds) if seconds is not None else None)


def test_retry_after_prefers_milliseconds() -> None:
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "1"}) == pytest.approx(0.25)
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past


def test_info_from_headers() -> None:
    info = RateLimitInfo.from_headers(
        {
            "x-ratelimit-limit-requests": "500",
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": "120ms",
            "x-ratelimit-limit-tokens": "200000",
            "x-ratelimit-remaining-tokens": "1500",
            "x-ratelimit-reset-tokens": "6m0s",
        }
    )
    assert (info.limit_requests, info.remaining_requests, info.limit_tokens) == (500, 0, 200_000)
    assert info.reset_requests_s == pytest.approx(0.12)
    assert info.reset_tokens_s == 360.0
    assert info.reset_hint_s() == pytest.approx(0.12)  # only the exhausted limit counts


def test_backoff_grows_with_jitter_and_cap() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(attempt, 0.5, 4.0, rng) for attempt in range(8)]
    assert all(0.25 <= d <= 4.0 for d in delays)
    assert delays[0] <= 0.5 and delays[-1] >= 2.0


async def answered(limiter: RateLimiter, tokens: int) -> Reservation:
    """Acquire, then report a reply without rate headers (so the first one calibrates at once)."""
    reservation = await limiter.acquire(tokens)
    limiter.settle(reservation, tokens)
    limiter.observe(RateLimitInfo(), reservation)
    return reservation


def _run_paced(limiter: RateLimiter, requests: int, tokens: int) -> list[float]:
    async def go() -> list[float]:
        times: list[float] = []

        async def one() -> None:
            await answered(limiter, tokens)
            times.append(time.monotonic())

        await asyncio.gather(*(one() for _ in range(requests)))
        return times

    return asyncio.run(go())


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for u in times[i:] if u < t + window) for i, t in enumerate(times))


def test_requests_per_window_are_never_exceeded() -> None:
    limiter = RateLimiter(rpm=5, tpm=10_000, window_s=0.5)
    started = time.monotonic()
    times = _run_paced(limiter, 12, 10)
    assert _max_in_window(times, 0.5) <= 5
    assert time.monotonic() - started >= 1.0  # 12 requests at 5 per half second need two refills


def _calibrated(limiter: RateLimiter, info: RateLimitInfo, used: int = 300) -> Reservation:
    """Run the calibration request: the first reservation, settled at ``used`` and observed with ``info``."""

    async def go() -> Reservation:
        probe = await limiter.acquire(1000)
        limiter.settle(probe, used)
        limiter.observe(info, probe)
        return probe

    return asyncio.run(go())


def test_calibration_tells_usage_servers_from_reservation_servers() -> None:
    usage = RateLimiter(rpm=100, tpm=100_000)
    _calibrated(usage, RateLimitInfo(limit_tokens=100_000, remaining_tokens=100_000 - 310))
    assert usage.refunds and usage.usage()[1] == 300
    openai_like = RateLimiter(rpm=100, tpm=100_000)
    _calibrated(openai_like, RateLimitInfo(limit_tokens=100_000, remaining_tokens=100_000 - 990))
    assert not openai_like.refunds and openai_like.usage()[1] == 1000
    headerless = RateLimiter(rpm=100, tpm=100_000)
    _calibrated(headerless, RateLimitInfo())
    assert headerless.refunds


def test_first_request_goes_alone() -> None:
    async def go() -> tuple[bool, bool]:
        limiter = RateLimiter(rpm=100, tpm=100_000)
        probe = await limiter.acquire(10)
        second = asyncio.create_task(limiter.acquire(10))
        await asyncio.sleep(0.05)
        held = not second.done()
        limiter.failed(probe)  # no reply: the next request becomes the calibration request
        await asyncio.wait_for(second, 1.0)
        return held, limiter.refunds

    held, refunds = asyncio.run(go())
    assert held and not refunds


def test_tokens_per_window_are_never_exceeded_and_settling_frees_budget() -> None:
    async def go() -> tuple[float, float]:
        limiter = RateLimiter(rpm=1000, tpm=2000, window_s=0.6)
        probe = await limiter.acquire(100)
        limiter.settle(probe, 50)
        limiter.observe(RateLimitInfo(limit_tokens=2000, remaining_tokens=1950), probe)
        assert limiter.refunds
        first = await limiter.acquire(900)
        other = await limiter.acquire(900)
        t0 = time.monotonic()
        waiter = asyncio.create_task(limiter.acquire(500))
        await asyncio.sleep(0.05)
        assert not waiter.done()  # 100 + 900 + 900 + 500 > 2000
        limiter.settle(first, 300)  # the reply used far less than reserved
        await asyncio.wait_for(waiter, 1.0)
        del other
        return time.monotonic() - t0, limiter.usage()[1]

    waited, used = asyncio.run(go())
    assert waited < 0.3  # woken by the settlement, not by the window expiring
    assert used == 50 + 300 + 900 + 500


def test_refunds_stop_when_the_server_counts_more() -> None:
    async def go() -> RateLimiter:
        limiter = RateLimiter(rpm=1000, tpm=100_000, window_s=5)
        probe = await limiter.acquire(1000)
        limiter.settle(probe, 100)
        limiter.observe(RateLimitInfo(limit_tokens=100_000, remaining_tokens=99_900), probe)
        first = await limiter.acquire(5000)
        limiter.settle(first, 1000)
        second = await limiter.acquire(5000)
        # The server reports the first request at its full reservation after all.
        limiter.observe(RateLimitInfo(limit_tokens=100_000, remaining_tokens=100_000 - 10_100), second)
        return limiter

    limiter = asyncio.run(go())
    assert not limiter.refunds
    assert limiter.usage()[1] == 1000 + 5000 + 5000  # every reservation counts in full again


def test_headers_tighten_limits_and_count_foreign_usage() -> None:
    async def go() -> RateLimiter:
        limiter = RateLimiter(rpm=100, tpm=100_000, window_s=1.0)
        probe = await limiter.acquire(10)
        limiter.failed(probe)
        reservation = await limiter.acquire(1000)
        # The server allows fewer requests, and has seen 40_000 tokens we did not send (another client).
        limiter.observe(
            RateLimitInfo(
                limit_requests=50,
                remaining_requests=49,
                limit_tokens=100_000,
                remaining_tokens=59_000,
                reset_tokens_s=0.5,
            ),
            reservation,
        )
        return limiter

    limiter = asyncio.run(go())
    assert limiter.rpm == 50
    requests, tokens = limiter.usage()
    assert requests == 2
    assert 40_000 <= tokens <= 41_010


def test_cool_down_holds_everyone() -> None:
    async def go() -> float:
        limiter = RateLimiter(rpm=1000, tpm=1_000_000, window_s=1.0)
        limiter.cool_down(0.3)
        t0 = time.monotonic()
        await asyncio.gather(answered(limiter, 1), answered(limiter, 1))
        return time.monotonic() - t0

    assert asyncio.run(go()) >= 0.29


def test_oversized_request_is_clamped_not_stuck() -> None:
    async def go() -> int:
        limiter = RateLimiter(rpm=10, tpm=100, window_s=0.2)
        reservation = await asyncio.wait_for(limiter.acquire(10_000), 1.0)
        return reservation.tokens

    assert asyncio.run(go()) == 100


def test_completion_estimator_learns_reply_sizes() -> None:
    estimator = CompletionEstimator(min_samples=4, headroom=1.2)
    assert estimator.budget(1000) == 1000  # nothing learned yet
    for used in (300, 420, 350, 400):
        estimator.observe(used, 1000)
    assert estimator.budget(1000) == 504  # 1.2 x the largest share seen
    estimator.observe(1000, 1000)  # a truncated reply: back to the full budget
    assert estimator.budget(1000) == 1000


def test_smoothing_spreads_a_burst() -> None:
    smooth = RateLimiter(rpm=40, tpm=1_000_000, window_s=1.0, smoothing=4.0)
    times = _run_paced(smooth, 10, 10)
    gaps = [b - a for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
    assert min(gaps[1:]) >= 1.0 / 40 / 4 * 0.9  # at most 4x the average rate, no saved-up burst
    bursty = _run_paced(RateLimiter(rpm=40, tpm=1_000_000, window_s=1.0, smoothing=0), 10, 10)
    assert max(bursty) - min(bursty) < 0.05
