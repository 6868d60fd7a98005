"""A batch of files parsed in isolated worker processes (:mod:`core.isolation`) with a wall-clock timeout and a
memory cap per file, so a hostile file costs at most one worker, never the batch or the server. Results come
back in input order.

Inputs are read when a worker is free to parse them (:class:`core.documents.inputs.InputFile`), so a batch of
archive members holds one member per worker in memory, never the whole expanded archive. Inputs skipped while
collecting, or that cannot be read, come back as rejections with their reason.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence

from core.documents.inputs import InputFile, UnreadableInput, as_input
from core.documents.pdf import parse_pdf, precheck_document
from core.documents.types import (
    DEFAULT_LIMITS,
    DocumentLimits,
    ParsedDocument,
    RejectionReason,
    document_from_json,
    document_to_json,
    sha256_of,
    skipped_document,
    too_large_message,
)
from core.errors import ConfigError
from core.isolation import IsolatedPool, Outcome, TaskResult

ProgressCallback = Callable[[int, int], None]
Parser = Callable[[bytes, str, DocumentLimits], ParsedDocument]


def _prepare_worker() -> None:
    """Worker initializer: import pypdf before the first file's clock starts, and keep the logs quiet."""
    import pypdf  # noqa: F401  (the import is the point: about 0.1 s that no file's timeout should pay)

    # pypdf logs a warning for every defect it repairs, and hostile files have plenty.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")


def _from_task(name: str, sha256: str, result: TaskResult, limits: DocumentLimits) -> ParsedDocument:
    """A worker's result, or the rejection for a worker that failed at the task."""
    if result.outcome is Outcome.done and isinstance(result.value, ParsedDocument):
        return result.value
    if result.outcome is Outcome.timeout:
        reason, detail = RejectionReason.timeout, result.detail
    elif result.outcome is Outcome.out_of_memory:
        reason, detail = (
            RejectionReason.too_complex,
            f"{result.detail} with {limits.memory_mb} MB of parse memory",
        )
    elif result.outcome is Outcome.died:
        reason, detail = RejectionReason.too_complex, result.detail
    else:
        reason, detail = RejectionReason.corrupt, f"parser raised {result.detail}"
    return ParsedDocument(name=name, sha256=sha256, rejection=reason, detail=detail)


class _Settled(Exception):
    """Raised by :class:`_ParseTasks` for an input decided while reading it: the pool reports the task as failed
    without a worker, and the decision is kept in ``_ParseTasks.settled``."""


class _ParseTasks(Sequence[tuple[bytes, str, DocumentLimits]]):
    """The parse tasks of the queued inputs, each read when the pool takes it (see ``IsolatedPool.run``).

    An input that cannot be read, or that the cheap checks reject (empty, not a PDF, too large), never reaches a
    worker: its document is kept in :attr:`settled`. Each read input's hash is kept for the rejections that only
    the parent can report (a timeout, a dead worker).
    """

    def __init__(self, inputs: Sequence[InputFile], limits: DocumentLimits) -> None:
        self._inputs = inputs
        self._limits = limits
        self.sha256: dict[int, str] = {}
        self.settled: dict[int, ParsedDocument] = {}

    def __len__(self) -> int:
        return len(self._inputs)

    def __getitem__(self, index: int) -> tuple[bytes, str, DocumentLimits]:  # type: ignore[override]
        item = self._inputs[index]
        try:
            data = item.read()
        except UnreadableInput as error:
            self.settled[index] = skipped_document(item.name, error.reason, error.message)
            raise _Settled from error
        early = precheck_document(data, item.name, self._limits)
        if early is not None:
            self.settled[index] = early
            raise _Settled
        self.sha256[index] = sha256_of(data)
        return data, item.name, self._limits


def parse_documents(
    files: Sequence[InputFile | tuple[str, bytes]],
    limits: DocumentLimits = DEFAULT_LIMITS,
    workers: int = 2,
    on_progress: ProgressCallback | None = None,
    *,
    parser: Parser = parse_pdf,
) -> list[ParsedDocument]:
    """Parse inputs (or ``(name, bytes)`` pairs) in worker processes; one result per input, in input order.

    Each file gets ``limits.timeout_s`` of wall-clock time (a hung worker is killed and replaced: ``timeout``)
    and ``limits.memory_mb`` of extra address space (``MemoryError`` or a dead worker: ``too_complex``). No
    file's content can make this raise. An input is read only when a worker is free for it; one skipped while
    collecting, or that cannot be read, is a rejection with its reason. ``on_progress(done, total)`` is called
    after every input. ``parser`` replaces :func:`parse_pdf` in the workers (tests inject misbehaving ones); it
    must be an importable top-level function.

    Raises:
        ConfigError: ``workers`` is below 1.
        DocumentError: the worker processes themselves cannot start.
    """
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    inputs = [as_input(file) for file in files]
    total = len(inputs)
    results: list[ParsedDocument | None] = [None] * total
    done = 0

    def finish(position: int, document: ParsedDocument) -> None:
        nonlocal done
        results[position] = document
        done += 1
        if on_progress is not None:
            on_progress(done, total)

    queued: list[int] = []
    for position, item in enumerate(inputs):
        if item.skipped is not None:
            finish(position, skipped_document(item.name, item.skipped, item.message))
        elif item.size > limits.max_bytes:  # known without reading: no need to read or ship it to learn that
            detail = f"over the {limits.max_bytes:,}-byte limit"
            message = too_large_message(limits)
            finish(position, skipped_document(item.name, RejectionReason.too_large, message, detail))
        else:
            queued.append(position)
    if queued:
        tasks = _ParseTasks([inputs[position] for position in queued], limits)
        pool = IsolatedPool(
            parser,
            workers=min(workers, len(queued)),
            timeout_s=limits.timeout_s + _kill_grace_s(limits),
            memory_mb=limits.memory_mb,
            initializer=_prepare_worker,
            encode=document_to_json,
            decode=document_from_json,
        )
        with pool:
            for index, result in pool.run(tasks):
                settled = tasks.settled.pop(index, None)
                name = inputs[queued[index]].name
                finish(
                    queued[index], settled or _from_task(name, tasks.sha256.pop(index, ""), result, limits)
                )
    return [document for document in results if document is not None]


def _kill_grace_s(limits: DocumentLimits) -> float:
    """Extra time before a kill, so a parse that notices its own deadline between pages can report it."""
    return min(1.0, 0.1 * limits.timeout_s)
