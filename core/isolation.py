"""Run one function over many inputs in long-lived worker processes, each task under a time and memory cap.

Used by :func:`core.documents.parse_documents` to parse hostile PDFs away from the caller (a Streamlit server,
the CLI). The design goals, in order:

* **Isolation.** A task that hangs is killed at its deadline and its worker replaced; a task that exhausts
  memory (``MemoryError`` under ``RLIMIT_AS``) or kills its process is reported, never raised. Other tasks
  and the caller carry on.
* **A clean interpreter.** Each worker is a fresh ``python -c`` process that imports only this module and the
  task's function: spawn semantics, never a ``fork`` of a caller that may hold torch's threads and locks.
  ``multiprocessing``'s spawn and forkserver contexts would also re-run the caller's ``__main__`` in every
  worker; under Streamlit that is the app script (the Streamlit runner installs it as ``__main__``), which
  loads torch. Starting the interpreter ourselves keeps the ML stack out of the workers.
* **Throughput.** Workers stay alive across tasks: a task costs one socket round trip, not a process start.

The parent's messages to a worker are pickled over a socket pair (:class:`multiprocessing.connection.Connection`);
they come from trusted code. A worker's replies are JSON only: a worker is what hostile input reaches first,
and a compromised worker must not be able to run code in the parent through an unpickled reply. The caller
passes ``encode`` (run in the worker, result to JSON-able values) and ``decode`` (run in the parent). Nothing
here knows about PDFs: the function, its arguments and its results are the caller's. POSIX only (``pass_fds``,
``RLIMIT_AS``), like the rest of the deployment.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from multiprocessing.connection import Connection, wait
from typing import Any

from core.errors import DocumentError

_READY = "ready"
# A worker that cannot even start (broken environment) would otherwise be restarted forever.
_MAX_CONSECUTIVE_START_FAILURES = 3
_KILL_WAIT_S = 2.0
_MIB = 1 << 20
_BOOTSTRAP = "import sys; from core.isolation import serve_forever; serve_forever(int(sys.argv[1]))"


class Outcome(StrEnum):
    """How a task ended."""

    done = "done"  # the function returned; the value is its result
    failed = "failed"  # the function raised an exception (its type is in the detail)
    out_of_memory = "out_of_memory"  # MemoryError under the worker's address-space cap
    timeout = "timeout"  # ran past the deadline; the worker was killed
    died = "died"  # the worker process exited mid-task (crash, abort, OOM killer)


@dataclass(frozen=True)
class TaskResult:
    """One task's outcome; ``value`` is set only when ``outcome`` is ``done``."""

    outcome: Outcome
    value: Any = None
    detail: str = ""


# -------------------------------------------------------------------------------------------- worker side


def _address_space_in_use() -> int:
    """This process's current virtual size in bytes (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def cap_address_space(budget_mb: int) -> int | None:
    """Limit this process's address space to what it uses now plus ``budget_mb``; returns the cap in bytes.

    The budget is on top of the start-up footprint because that footprint (interpreter, pypdf, cryptography)
    varies between platforms and versions, while what one parse may allocate should not. Returns None where
    the platform cannot enforce it (no ``resource`` module, or macOS refusing ``RLIMIT_AS``).
    """
    try:
        import resource
    except ImportError:
        return None
    cap = _address_space_in_use() + budget_mb * _MIB
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        return None
    return cap


def _cap_cpu_for_next_task(seconds: float) -> None:
    """Let the next task use ``seconds`` more CPU time, after which the kernel ends this process (SIGXCPU).

    The parent kills a late task long before this; the cap is for a task still spinning after the parent
    itself died. Only the soft limit moves, since an unprivileged process cannot raise a lowered hard limit.
    """
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _run_task(function: Callable[..., Any], args: Sequence[Any]) -> tuple[Outcome, Any, str]:
    try:
        return Outcome.done, function(*args), ""
    except MemoryError:
        return Outcome.out_of_memory, None, "MemoryError"
    except Exception as error:  # the function's own bug or an input it did not expect: report, keep serving
        return Outcome.failed, None, type(error).__name__


def _reply(conn: Connection, message: Any) -> None:
    conn.send_bytes(json.dumps(message).encode("utf-8"))


def _identity(value: Any) -> Any:
    """The default codec: results that are already JSON values."""
    return value


def serve_forever(fd: int) -> None:
    """Worker entry point: read the set-up message, then serve tasks until the socket closes or sends None."""
    conn = Connection(fd)
    function, encode, memory_mb, cpu_s, initializer = conn.recv()
    if initializer is not None:
        initializer()
    cap_address_space(memory_mb)
    _reply(conn, _READY)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task_id, args = message
        del message
        _cap_cpu_for_next_task(cpu_s)
        outcome, value, detail = _run_task(function, args)
        if outcome is Outcome.done:
            value = encode(value)
        del args
        # After a MemoryError a fresh worker is cheaper than trusting a heap that just ran dry. The reply says
        # so, so that the parent never hands this worker another task while it exits.
        retire = outcome is Outcome.out_of_memory
        try:
            _reply(conn, [task_id, str(outcome), value, detail, retire])
        except MemoryError:
            _reply(
                conn,
                [task_id, str(Outcome.out_of_memory), None, "MemoryError while sending the result", True],
            )
            retire = True
        if retire:
            return


# -------------------------------------------------------------------------------------------- parent side


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    ready: bool = False
    task: int | None = None
    deadline: float = math.inf  # the start-up deadline until ready, then the current task's; inf when idle


def _worker_environment() -> dict[str, str]:
    """The caller's environment plus its import path, so the worker finds the same modules (as spawn does).

    Only the path travels: the worker imports nothing of the caller's but the task's function.
    """
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(entry for entry in sys.path if isinstance(entry, str))
    return environment


class IsolatedPool:
    """A small pool of worker processes that run ``function(*args)`` with a timeout and a memory cap per task.

    Use as a context manager; :meth:`run` yields ``(task index, TaskResult)`` as tasks finish. ``function``
    and ``initializer`` must be importable top-level functions (they are pickled by reference), and their
    modules must not import heavy libraries at import time.
    """

    def __init__(
        self,
        function: Callable[..., Any],
        *,
        workers: int,
        timeout_s: float,
        memory_mb: int,
        initializer: Callable[[], None] | None = None,
        start_timeout_s: float = 60.0,
        encode: Callable[[Any], Any] = _identity,
        decode: Callable[[Any], Any] = _identity,
    ) -> None:
        self._function = function
        self._encode = encode
        self._decode = decode
        self._size = max(1, workers)
        self._timeout_s = timeout_s
        self._memory_mb = memory_mb
        self._initializer = initializer
        self._start_timeout_s = start_timeout_s
        self._workers: list[_Worker] = []
        self._start_failures = 0
        self._environment: dict[str, str] | None = None

    def __enter__(self) -> IsolatedPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def run(self, tasks: Sequence[tuple[Any, ...]]) -> Iterator[tuple[int, TaskResult]]:
        """Run every task; yield each one's index and result as soon as it finishes (any order).

        ``tasks[index]`` is taken only when a worker is free to start that task, so ``tasks`` may be a lazy
        sequence that reads each task's input then: the caller holds one input per worker, not all of them. If
        taking a task raises, that task fails (``failed``, the exception's type in the detail) and the rest run.
        """
        queue = deque(range(len(tasks)))
        remaining = len(tasks)
        while remaining:
            self._top_up(len(queue))
            # Tasks that failed before reaching a worker are reported first; waiting for workers then could
            # block with nothing in flight.
            for index, result in self._dispatch(queue, tasks) or self._collect():
                remaining -= 1
                yield index, result

    def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy or starting ones are killed."""
        for worker in self._workers:
            if worker.ready and worker.task is None:
                with contextlib.suppress(OSError, ValueError):
                    worker.conn.send(None)
            else:
                worker.process.kill()
        deadline = time.monotonic() + _KILL_WAIT_S
        for worker in self._workers:
            try:
                worker.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.conn.close()
        self._workers.clear()

    # ------------------------------------------------------------------------------------------ internals

    def _top_up(self, queued: int) -> None:
        """Start workers until every queued task has one (up to the pool size)."""
        while len(self._workers) < self._size and queued > sum(w.task is None for w in self._workers):
            self._workers.append(self._start_worker())

    def _start_worker(self) -> _Worker:
        if self._environment is None:
            self._environment = _worker_environment()
        parent_socket, child_socket = socket.socketpair()
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP, str(child_socket.fileno())],
                pass_fds=(child_socket.fileno(),),
                stdin=subprocess.DEVNULL,
                env=self._environment,
                close_fds=True,
            )
        except (OSError, ValueError) as error:  # no processes or file descriptors left
            parent_socket.close()
            raise DocumentError(f"Could not start a document worker process: {error}") from error
        finally:
            child_socket.close()  # the worker holds its own copy; ours would hide the worker's exit (no EOF)
        conn = Connection(parent_socket.detach())
        try:
            # Twice the wall-clock timeout plus slack: a backstop that the parent's kill always beats.
            cpu_s = 2 * self._timeout_s + 5
            conn.send((self._function, self._encode, self._memory_mb, cpu_s, self._initializer))
        except Exception as error:  # unpicklable function (a lambda), or the worker died at once
            process.kill()
            process.wait()
            conn.close()
            raise DocumentError(f"Could not set up a document worker: {error!r}") from error
        return _Worker(process, conn, deadline=time.monotonic() + self._start_timeout_s)

    def _dispatch(self, queue: deque[int], tasks: Sequence[tuple[Any, ...]]) -> list[tuple[int, TaskResult]]:
        """Send queued tasks to idle workers; returns the tasks that failed before reaching one."""
        failed: list[tuple[int, TaskResult]] = []
        for worker in self._workers:
            while queue and worker.ready and worker.task is None:
                index = queue.popleft()
                try:
                    task = tasks[index]
                except Exception as error:  # a lazy task whose input cannot be read fails alone
                    failed.append((index, TaskResult(Outcome.failed, detail=type(error).__name__)))
                    continue
                try:
                    worker.conn.send((index, task))
                except OSError:
                    queue.appendleft(index)  # the worker died while idle; the task is not to blame
                    break
                worker.task = index
                worker.deadline = time.monotonic() + self._timeout_s
        return failed

    def _collect(self) -> list[tuple[int, TaskResult]]:
        """Wait for the next event (a result, a dead worker, a deadline) and return the tasks it finished."""
        nearest = min((w.deadline for w in self._workers), default=math.inf)
        timeout = None if math.isinf(nearest) else max(0.0, nearest - time.monotonic())
        # A worker's socket also turns readable (EOF) when the worker dies, so it is the only thing to watch.
        wait([w.conn for w in self._workers], timeout)
        finished: list[tuple[int, TaskResult]] = []
        for worker in list(self._workers):
            finished.extend(self._read(worker))
        finished.extend(self._enforce_deadlines())
        return finished

    def _read(self, worker: _Worker) -> list[tuple[int, TaskResult]]:
        """Take every message the worker has sent; report it if its socket shows it has exited."""
        finished: list[tuple[int, TaskResult]] = []
        try:
            while worker.conn.poll():
                message = json.loads(worker.conn.recv_bytes())
                if message == _READY:
                    worker.ready = True
                    worker.deadline = math.inf
                    self._start_failures = 0
                    continue
                task_id, outcome, value, detail, retire = message
                if Outcome(outcome) is Outcome.done:
                    value = self._decode(value)
                finished.append((int(task_id), TaskResult(Outcome(outcome), value, str(detail))))
                worker.task = None
                worker.deadline = math.inf
                if retire:
                    self._kill(worker)  # it is exiting anyway; do not wait for it to get there
                    return finished
        except (EOFError, OSError):
            finished.extend(self._reap(worker))
        except (ValueError, TypeError, KeyError):
            # A reply that is not the protocol's JSON: the worker cannot be trusted any more. Kill it; its
            # task is reported like any other worker that died.
            self._kill(worker)
            finished.extend(self._reap(worker))
        return finished

    def _reap(self, worker: _Worker) -> list[tuple[int, TaskResult]]:
        """The worker's socket closed: collect its exit code and blame its task, if it had one."""
        try:
            code = worker.process.wait(_KILL_WAIT_S)
        except subprocess.TimeoutExpired:  # closed its socket but lingers: make sure it is gone
            self._kill(worker)
            code = worker.process.returncode
        self._discard(worker)
        if worker.task is not None:
            return [(worker.task, TaskResult(Outcome.died, detail=f"worker exited with code {code}"))]
        if not worker.ready:
            self._start_failures += 1
            if self._start_failures >= _MAX_CONSECUTIVE_START_FAILURES:
                raise DocumentError(
                    f"Document worker processes exit as soon as they start (exit code {code}); "
                    "check the Python environment."
                )
        return []

    def _enforce_deadlines(self) -> list[tuple[int, TaskResult]]:
        finished: list[tuple[int, TaskResult]] = []
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.deadline > now:
                continue
            if not worker.ready:
                raise DocumentError(
                    f"A document worker process did not start within {self._start_timeout_s:.0f} s."
                )
            if worker.task is None:
                continue
            self._kill(worker)
            detail = f"no result after {self._timeout_s:g} s; worker killed"
            finished.append((worker.task, TaskResult(Outcome.timeout, detail=detail)))
        return finished

    def _kill(self, worker: _Worker) -> None:
        worker.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(_KILL_WAIT_S)
        self._discard(worker)

    def _discard(self, worker: _Worker) -> None:
        worker.conn.close()
        if worker in self._workers:
            self._workers.remove(worker)
