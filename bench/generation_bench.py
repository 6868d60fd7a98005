"""Benchmark: share of the token budget used, our limiter versus the original once-a-minute process pool.

Both approaches run in the same invocation against the fake OpenAI server from the test suite (real HTTP on
loopback), each against a fresh server with the same requests- and tokens-per-minute limits, over the same
number of simulated minutes (a "minute" is a few seconds here), with the same prompts.

- **ours**: :func:`core.generation.runner.run_job_async`: asyncio workers paced by the shared limiter.
- **original**: a process pool that, at the start of every minute, fires a batch of requests and then sleeps
  out the rest of the minute. Its batch is sized to the token budget from the average request size measured
  in a calibration round (the best a fixed schedule can do), using the SDK with its default retries (two, with
  backoff; ``--original-retries 0`` shows what its 429s cost without them).

Budget share = tokens the server counted during the measured minutes / (TPM x minutes). By default the server
counts a request's prompt plus completion tokens when it arrives; ``--charge reserved`` makes it count the
prompt plus ``max_tokens``, as OpenAI does. Over the limit it answers 429.

Run: ``python bench/generation_bench.py`` (``--help`` for the knobs).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a script from anywhere
    sys.path.insert(0, str(ROOT))

from core.data.roles import DEVOPS
from core.generation.planner import build_plan
from core.generation.prompts import build_messages, max_tokens_for
from core.generation.runner import run_job_async
from core.generation.settings import GenerationSettings
from tools.fake_openai import FakeConfig, FakeOpenAI


@dataclass(frozen=True)
class Outcome:
    """What one approach achieved over the measured minutes."""

    name: str
    tokens: int
    budget: int
    requests: int
    http_429: int

    @property
    def share(self) -> float:
        return self.tokens / self.budget if self.budget else 0.0


def _server(args: argparse.Namespace) -> FakeOpenAI:
    server = FakeOpenAI(
        FakeConfig(
            rpm=args.rpm,
            tpm=args.tpm,
            window_s=args.window,
            latency_s=args.latency,
            latency_jitter_s=args.jitter,
            charge=args.charge,
        )
    )
    server.start()
    return server


def _measure(name: str, server: FakeOpenAI, start: float, args: argparse.Namespace) -> Outcome:
    end = start + args.minutes * args.window
    arrivals = [a for a in server.arrivals if start <= a.t < end]
    return Outcome(
        name=name,
        tokens=sum(a.tokens for a in arrivals),
        budget=args.tpm * args.minutes,
        requests=len(arrivals),
        http_429=sum(1 for a in arrivals if a.status == 429),
    )


async def _first_arrival(server: FakeOpenAI) -> float:
    while not server.arrivals:
        await asyncio.sleep(0.005)
    return server.arrivals[0].t


def run_ours(args: argparse.Namespace) -> Outcome:
    """Our engine for ``args.minutes`` simulated minutes."""
    server = _server(args)
    settings = GenerationSettings(
        per_class=5000,
        base_url=server.base_url,
        rpm=args.rpm,
        tpm=args.tpm,
        window_s=args.window,
        concurrency=args.concurrency,
        use_starter_corpus=False,
        request_timeout_s=30,
        status_interval_s=0.5,
    )

    async def go() -> float:
        stop = asyncio.Event()
        with tempfile.TemporaryDirectory() as folder:
            job = asyncio.create_task(
                run_job_async(settings, Path(folder) / "bench", api_key=server.config.api_key, stop=stop)
            )
            start = await _first_arrival(server)
            await asyncio.sleep(start + args.minutes * args.window - time.monotonic())
            stop.set()
            await job
        return start

    try:
        start = asyncio.run(go())
        return _measure("ours", server, start, args)
    finally:
        server.stop()


def original_request(
    base_url: str, api_key: str, messages: list[dict[str, str]], max_tokens: int, retries: int
) -> int:
    """One request the way the original did it: the synchronous SDK and its retries. Returns tokens used."""
    import openai

    client = openai.OpenAI(api_key=api_key, base_url=base_url, timeout=30, max_retries=retries)
    try:
        reply = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=cast(Any, messages),
            max_tokens=max_tokens,
            response_format={"type": "json_object"},
        )
        return reply.usage.total_tokens if reply.usage else 0
    except openai.OpenAIError:
        return 0
    finally:
        client.close()


def _requests(count: int, offset: int) -> list[tuple[list[dict[str, str]], int]]:
    plan = build_plan(GenerationSettings(per_class=(count + offset) // 2 + 1))
    return [
        (build_messages(item, DEVOPS), max_tokens_for(item, 0.3)) for item in plan[offset : offset + count]
    ]


def run_original(args: argparse.Namespace) -> tuple[Outcome, int]:
    """The once-a-minute pool for ``args.minutes`` simulated minutes; also returns its batch size."""
    server = _server(args)
    try:
        with ProcessPoolExecutor(args.pool, mp_context=get_context("spawn")) as pool:
            key = server.config.api_key
            # Calibration, outside the measurement: the average tokens a request uses.
            calibration = [
                pool.submit(original_request, server.base_url, key, m, t, args.original_retries)
                for m, t in _requests(16, 0)
            ]
            used = [f.result() for f in calibration]
            average = sum(used) / max(1, sum(1 for u in used if u))
            batch = max(1, min(args.rpm, int(args.tpm / average)))
            time.sleep(args.window * 1.2)  # let the calibration leave the server's window
            start = time.monotonic()
            work = _requests(batch * args.minutes, 16)
            for minute in range(args.minutes):
                begun = time.monotonic()
                chunk = work[minute * batch : (minute + 1) * batch]
                wait(
                    [
                        pool.submit(original_request, server.base_url, key, m, t, args.original_retries)
                        for m, t in chunk
                    ]
                )
                time.sleep(max(0.0, begun + args.window - time.monotonic()))
        first = min((a.t for a in server.arrivals if a.t >= start), default=start)
        return _measure("original", server, first, args), batch
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rpm", type=int, default=500, help="requests per simulated minute")
    parser.add_argument("--tpm", type=int, default=60_000, help="tokens per simulated minute")
    parser.add_argument("--window", type=float, default=3.0, help="seconds in a simulated minute")
    parser.add_argument("--minutes", type=int, default=4, help="simulated minutes measured")
    parser.add_argument("--latency", type=float, default=0.3, help="server time per request, seconds")
    parser.add_argument("--jitter", type=float, default=0.3, help="extra random server time, up to seconds")
    parser.add_argument("--concurrency", type=int, default=32, help="our requests in flight at most")
    parser.add_argument("--pool", type=int, default=16, help="processes in the original's pool")
    parser.add_argument(
        "--original-retries",
        type=int,
        default=2,
        help="the SDK retries the original relied on (2, the SDK's default)",
    )
    parser.add_argument(
        "--charge",
        choices=("usage", "reserved"),
        default="usage",
        help="what the server counts: tokens used, or prompt + max_tokens (as OpenAI does)",
    )
    args = parser.parse_args(argv)

    print(
        f"limits: {args.rpm} requests and {args.tpm} tokens per simulated minute of {args.window:g} s; "
        f"{args.minutes} minutes measured; server latency {args.latency:g}-{args.latency + args.jitter:g} s; "
        f"server counts {'tokens used' if args.charge == 'usage' else 'prompt + max_tokens'}"
    )
    ours = run_ours(args)
    original, batch = run_original(args)
    for outcome in (ours, original):
        print(
            f"{outcome.name:>8}: {outcome.tokens:>8} of {outcome.budget} tokens = {outcome.share:6.1%} of the "
            f"budget, {outcome.requests} requests, {outcome.http_429} x 429"
        )
    print(
        f"original fired {batch} requests at the start of each minute from a pool of {args.pool} processes, "
        f"SDK retries {args.original_retries}"
    )
    ratio = ours.share / original.share if original.share else float("inf")
    print(f"ratio ours / original: {ratio:.2f}x")
    met = ours.share >= 0.90 and ours.http_429 == 0
    print(f"target (>= 90% of the budget, no 429 from our pacing): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
