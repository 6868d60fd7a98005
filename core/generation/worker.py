"""The detached worker process of one job: ``python -m core.generation.worker JOBDIR``.

Started by :func:`core.generation.jobs.start_job` in its own session, with the job's lock handed over as an
open descriptor and the key in ``OPENAI_API_KEY``. It runs the job with the saved settings and exits 0 when
the job completed or was cancelled, 1 when it failed, 3 when another worker already holds the job.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from core.errors import ShortlistError
from core.generation.jobs import adopt_job_lock
from core.generation.runner import run_job
from core.generation.settings import load_settings
from core.generation.status import JobStatus, read_status, write_status


def main(argv: list[str] | None = None) -> int:
    """Run the job in ``argv[0]``; the exit code says how it ended."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m core.generation.worker JOBDIR", file=sys.stderr)
        return 2
    job_dir = Path(args[0])
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The SDK and its HTTP library log request details at DEBUG; keep them quiet whatever the environment
    # asks for.
    for noisy in ("openai", "httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    lock = adopt_job_lock(job_dir)
    if lock is None:
        print(f"Job {job_dir} is already running in another process.", file=sys.stderr)
        return 3
    with lock:
        try:
            settings = load_settings(job_dir)
        except ShortlistError as error:
            print(f"Cannot start job {job_dir}: {error}", file=sys.stderr)
            status = read_status(job_dir) or JobStatus(job_id=job_dir.name)
            status.state, status.message = "failed", str(error)
            write_status(job_dir, status)
            return 1
        logging.getLogger(__name__).info("worker %d started for %s", os.getpid(), job_dir.name)
        status = run_job(settings, job_dir, api_key=os.environ.get("OPENAI_API_KEY"))
        logging.getLogger(__name__).info(
            "worker %d finished: %s %s", os.getpid(), status.state, status.message
        )
        return 1 if status.state == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())
