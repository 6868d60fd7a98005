"""Generation jobs as detached worker processes: start, watch, cancel, list. This is the page's API.

A job is a folder under :func:`core.paths.jobs_dir` holding ``settings.json`` (never the key),
``resumes.jsonl``, ``status.json`` and ``worker.log``. :func:`start_job` spawns
``python -m core.generation.worker JOBDIR`` in a new session, so the job outlives Streamlit reruns, a closed
browser and a restarted app server; the key reaches it only through its environment.

A job runs at most once at a time: the worker holds an exclusive ``flock`` on ``JOBDIR/worker.lock`` for its
whole life. :func:`start_job` takes that lock *before* spawning and hands the locked descriptor to the child,
so two clicks on Start cannot both spawn a worker, and the lock frees itself when the worker dies, even by
SIGKILL. The status file's pid and heartbeat are shown to users; the lock is what decides.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from core.errors import ConfigError
from core.generation.settings import GenerationSettings, key_for, load_settings, save_settings
from core.generation.status import (
    CANCEL_FILE,
    INTERRUPTED,
    RESUMES_FILE,
    JobStatus,
    read_status,
    write_status,
)
from core.paths import jobs_dir, repo_root
from core.storage import open_private, private_file

LOCK_FILE = "worker.lock"
LOG_FILE = "worker.log"
LOCK_FD_ENV = "SHORTLIST_JOB_LOCK_FD"
WORKER_MODULE = "core.generation.worker"
_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


class JobLock:
    """The exclusive lock of a job folder; released by :meth:`release` or when the process ends."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> JobLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire_job_lock(job_dir: Path) -> JobLock | None:
    """The job's lock, or None when a live worker holds it."""
    fd = open_private(job_dir / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return JobLock(fd)


def adopt_job_lock(job_dir: Path) -> JobLock | None:
    """In the worker: the lock handed over by :func:`start_job`, else a freshly acquired one (or None)."""
    inherited = os.environ.pop(LOCK_FD_ENV, None)
    if inherited is not None:
        try:
            fd = int(inherited)
            os.fstat(fd)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # already ours: a no-op that proves it
            return JobLock(fd)
        except (ValueError, OSError):
            pass
    return acquire_job_lock(job_dir)


def is_running(job_dir: Path) -> bool:
    """True while a worker (or a foreground CLI run) holds the job."""
    path = job_dir / LOCK_FILE
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the probe's shared lock
    return False


def resolve_job_dir(job: str | Path) -> Path:
    """A job folder from a job id (under :func:`jobs_dir`) or a path."""
    if isinstance(job, Path) or os.sep in str(job):
        return Path(job)
    if not _JOB_ID.match(job):
        raise ConfigError(f"Invalid job id {job!r}")
    return jobs_dir() / job


def new_job_id(settings: GenerationSettings) -> str:
    """A readable, unique id: time, model, size and a random suffix (two starts in one second differ)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    model = re.sub(r"[^A-Za-z0-9.-]+", "-", settings.model)[:30].strip("-") or "model"
    return f"{stamp}-{model}-{settings.per_class}x2-{os.urandom(2).hex()}"


def start_job(settings: GenerationSettings, *, job_id: str | None = None, api_key: str | None = None) -> str:
    """Start (or resume) a job in a detached worker; returns its id.

    Raises ConfigError when the job is already running or no key is available for the endpoint.
    """
    job_id = job_id or new_job_id(settings)
    job_dir = resolve_job_dir(job_id)
    key = key_for(settings, api_key)
    lock = acquire_job_lock(job_dir)
    if lock is None:
        status = read_status(job_dir)
        pid = f" (pid {status.pid})" if status and status.pid else ""
        raise ConfigError(f"Job {job_dir.name} is already running{pid}.")
    try:
        save_settings(job_dir, settings)
        cancel_marker(job_dir).unlink(missing_ok=True)
        status = read_status(job_dir) or JobStatus(job_id=job_dir.name)
        # The worker writes its own pid once its signal handlers are in place; until then cancel uses the
        # marker file.
        status.state, status.message, status.pid, status.heartbeat = "starting", "", None, time.time()
        status.model, status.mode = settings.model, "batch" if settings.batch else "realtime"
        write_status(job_dir, status)
        env = dict(os.environ)
        env["OPENAI_API_KEY"] = key
        env[LOCK_FD_ENV] = str(lock.fd)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo_root()), env.get("PYTHONPATH")]))
        with os.fdopen(open_private(job_dir / LOG_FILE, os.O_WRONLY | os.O_APPEND), "ab") as log:
            subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULE, str(job_dir)],
                cwd=repo_root(),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(lock.fd,),
                start_new_session=True,
                close_fds=True,
            )
    finally:
        # The child holds the same open file description, so the lock stays held by it.
        lock.release()
    return job_dir.name


def resume_job(job: str | Path, *, api_key: str | None = None) -> str:
    """Start a stopped, failed or interrupted job again with its saved settings."""
    job_dir = resolve_job_dir(job)
    return start_job(load_settings(job_dir), job_id=str(job_dir), api_key=api_key)


def cancel_marker(job_dir: Path) -> Path:
    """The file whose presence asks the job to stop (polled by the worker; works before it has a pid)."""
    return job_dir / CANCEL_FILE


def job_status(job: str | Path) -> JobStatus | None:
    """The job's status for display, with ``alive`` set; a dead worker's "running" reads as "interrupted"."""
    job_dir = resolve_job_dir(job)
    status = read_status(job_dir)
    if status is None:
        return None
    status.alive = is_running(job_dir)
    if not status.alive and status.state in ("starting", "running"):
        status.state = "cancelled" if cancel_marker(job_dir).exists() else INTERRUPTED
    return status


def cancel_job(job: str | Path, *, wait_s: float = 0.0) -> bool:
    """Ask the job to stop cleanly (it ends as "cancelled"); True when a running job was asked.

    The request is a marker file the worker polls, plus SIGTERM to its pid when known, so it works both for
    a worker still starting and for a foreground CLI run. With ``wait_s`` it waits that long for the exit.
    """
    job_dir = resolve_job_dir(job)
    if not is_running(job_dir):
        return False
    private_file(cancel_marker(job_dir))
    status = read_status(job_dir)
    if status is not None and status.pid and status.state == "running" and _is_worker_of(status.pid, job_dir):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(status.pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and is_running(job_dir):
        time.sleep(0.05)
    return True


def _is_worker_of(pid: int, job_dir: Path) -> bool:
    """False only when ``pid`` is provably not running this job (a recycled pid), so it is never signalled."""
    try:
        parts = [p.decode(errors="replace") for p in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")]
    except OSError:
        return True  # no /proc (macOS): the held lock is the evidence
    if WORKER_MODULE in parts:
        return any(Path(part).resolve() == job_dir.resolve() for part in parts if os.sep in part)
    return True  # a foreground CLI run


def list_jobs() -> list[JobStatus]:
    """Every job under :func:`jobs_dir` with a status, newest first."""
    root = jobs_dir()
    if not root.is_dir():
        return []
    statuses = [status for path in root.iterdir() if path.is_dir() and (status := job_status(path))]
    return sorted(statuses, key=lambda s: s.started_at, reverse=True)


def job_records_path(job: str | Path) -> Path:
    """The job's ``resumes.jsonl`` (for the Explore page and training)."""
    return resolve_job_dir(job) / RESUMES_FILE
