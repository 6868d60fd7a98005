"""Screening batches in the background of the app server, with progress in the run store.

Why a thread and not a worker process (DESIGN decision 7 asks for a process for long work): screening needs the
encoder, which the server already holds once for every reviewer; a process per batch would load a second copy
(about 300 MB and several seconds) for every upload. The thread lives in the server, not in the browser
session, so a refresh loses nothing; runs cut off by a server restart are marked ``interrupted`` on the next
start. One batch runs at a time (the CPU is the bottleneck); later batches queue.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from core.documents.types import DocumentLimits
from core.errors import ShortlistError
from core.screening.runs import RunStore
from core.screening.screener import Screener, screen_files

log = logging.getLogger(__name__)


class ScreeningJobs:
    """Queues screening runs and executes them one at a time."""

    def __init__(self, store: RunStore, limits: DocumentLimits | None = None):
        self.store = store
        self.limits = limits or DocumentLimits()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screening")
        self.store.mark_interrupted()

    def submit(
        self,
        owner: str,
        title: str,
        files: Sequence[tuple[str, bytes]],
        screener: Screener,
        keep_files: bool = False,
    ) -> tuple[str, Future[None]]:
        """Queue ``files`` for screening with ``screener``; returns the run id at once."""
        run_id = self.store.create_run(owner, title, screener.artifact.version, len(files), files, keep_files)
        return run_id, self._pool.submit(self._run, run_id, list(files), screener)

    def _run(self, run_id: str, files: list[tuple[str, bytes]], screener: Screener) -> None:
        try:
            self.store.update_progress(run_id, "parsing", 0, len(files))

            def on_step(step: str, done: int, total: int) -> None:
                self.store.update_progress(run_id, step, done, total)

            candidates = screen_files(files, screener, self.limits, on_step=on_step)
            self.store.finish(run_id, candidates)
        except ShortlistError as exc:
            self.store.fail(run_id, str(exc))
        except Exception:  # one broken batch must never take the server down
            log.exception("Screening run %s failed", run_id)
            self.store.fail(run_id, "Screening failed unexpectedly; the details are in the server log.")
