"""``shortlist generate``: run a generation job in the foreground, with a progress bar; run again to resume.

The output folder is the job folder (``resumes.jsonl``, ``status.json``, ``settings.json``), so a CLI run and
the Generate page can watch, resume or cancel each other's jobs. The key comes from the environment
(``OPENAI_API_KEY``) or ``.streamlit/secrets.toml``, never from the command line, where it would land in the
shell history.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.errors import ShortlistError
from core.progress import progress_bar
from core.safe_text import echo


def add_generate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``generate`` command to an ``argparse`` subparsers object; returns its parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "generate",
        help="generate labelled synthetic resumes from an OpenAI-compatible API (resumable)",
        description="Generate a balanced, validated synthetic corpus into DIR/resumes.jsonl. Running the "
        "same command again resumes. The key is read from OPENAI_API_KEY.",
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="job folder (created if needed)"
    )
    parser.add_argument("--per-class", required=True, type=int, metavar="N", help="resumes per class")
    parser.add_argument("--model", default=None, help="model name (default gpt-4o-mini)")
    parser.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="OpenAI-compatible endpoint (default OPENAI_BASE_URL or OpenAI)",
    )
    parser.add_argument("--rpm", type=int, default=None, metavar="R", help="requests per minute allowed")
    parser.add_argument("--tpm", type=int, default=None, metavar="T", help="tokens per minute allowed")
    parser.add_argument(
        "--concurrency", type=int, default=None, metavar="C", help="requests in flight at most"
    )
    parser.add_argument("--batch", action="store_true", help="use the Batch API (half price, up to 24 hours)")
    parser.add_argument("--seed", type=int, default=None, help="plan seed (default 0)")
    parser.set_defaults(func=run_generate)
    return parser


def _settings(args: argparse.Namespace) -> Any:
    from core.generation.settings import GenerationSettings, load_settings

    out: Path = args.out
    # A resumed run keeps what the first run chose unless the command overrides it.
    base = load_settings(out) if (out / "settings.json").is_file() else GenerationSettings()
    changes = {
        name: value
        for name, value in (
            ("per_class", args.per_class),
            ("model", args.model),
            ("base_url", args.base_url),
            ("rpm", args.rpm),
            ("tpm", args.tpm),
            ("concurrency", args.concurrency),
            ("seed", args.seed),
        )
        if value is not None
    }
    changes["batch"] = bool(args.batch)
    return base.with_changes(**changes)


def run_generate(args: argparse.Namespace) -> int:
    """Run ``shortlist generate``; returns the exit code (0 done, 1 failed, 2 bad usage, 130 cancelled)."""
    from core.generation.jobs import acquire_job_lock, cancel_marker
    from core.generation.runner import run_job
    from core.generation.settings import key_for, save_settings

    try:
        settings = _settings(args)
        key = key_for(settings)
    except ShortlistError as error:
        echo(f"error: {error}", file=sys.stderr)
        return 2
    out: Path = args.out
    lock = acquire_job_lock(out)
    if lock is None:
        echo(f"error: a job is already running in {out}", file=sys.stderr)
        return 1
    with lock:
        save_settings(out, settings)
        cancel_marker(out).unlink(missing_ok=True)
        with progress_bar("generating", "resume") as update:
            status = run_job(settings, out, api_key=key, on_progress=update)
    rejects = ", ".join(f"{k} {v}" for k, v in sorted(status.rejects.items())) or "none"
    echo(
        f"{status.state}: {status.done_total}/{status.planned_total} resumes in {out / 'resumes.jsonl'}; "
        f"{status.requests} requests, {status.prompt_tokens + status.completion_tokens} tokens, "
        f"~${status.cost_usd:.4f}; rejects: {rejects}; 429s: {status.http_429}",
        file=sys.stderr,
    )
    if status.message:
        echo(
            status.message, file=sys.stderr
        )  # the endpoint's own words: no escape sequences reach the terminal
    return {"completed": 0, "cancelled": 130}.get(status.state, 1)
