"""A batch of files parsed in isolated worker processes (:mod:`core.isolation`) with a wall-clock timeout and a
memory cap per file, so a hostile file costs at most one worker, never the batch or the server. Results come
back in input order.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence

from core.documents.pdf import parse_pdf, precheck
from core.documents.types import (
    DEFAULT_LIMITS,
    DocumentLimits,
    ParsedDocument,
    RejectionReason,
    document_from_json,
    document_to_json,
    rejected_document,
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


def _from_task(name: str, data: bytes, result: TaskResult, limits: DocumentLimits) -> ParsedDocument:
    """A worker's result, or the rejection for a worker that failed at the task."""
    if result.outcome is Outcome.done and isinstance(result.value, ParsedDocument):
        return result.value
    if result.outcome is Outcome.timeout:
        return rejected_document(name, data, RejectionReason.timeout, result.detail)
    if result.outcome is Outcome.out_of_memory:
        detail = f"{result.detail} with {limits.memory_mb} MB of parse memory"
        return rejected_document(name, data, RejectionReason.too_complex, detail)
    if result.outcome is Outcome.died:
        return rejected_document(name, data, RejectionReason.too_complex, result.detail)
    return rejected_document(name, data, RejectionReason.corrupt, f"parser raised {result.detail}")


def parse_documents(
    files: Sequence[tuple[str, bytes]],
    limits: DocumentLimits = DEFAULT_LIMITS,
    workers: int = 2,
    on_progress: ProgressCallback | None = None,
    *,
    parser: Parser = parse_pdf,
) -> list[ParsedDocument]:
    """Parse ``(name, bytes)`` pairs in worker processes; one result per file, in input order.

    Each file gets ``limits.timeout_s`` of wall-clock time (a hung worker is killed and replaced: ``timeout``)
    and ``limits.memory_mb`` of extra address space (``MemoryError`` or a dead worker: ``too_complex``). No
    file's content can make this raise. ``on_progress(done, total)`` is called after every file.
    ``parser`` replaces :func:`parse_pdf` in the workers (tests inject misbehaving ones); it must be an
    importable top-level function.

    Raises:
        ConfigError: ``workers`` is below 1.
        DocumentError: the worker processes themselves cannot start.
    """
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    total = len(files)
    results: list[ParsedDocument | None] = [None] * total
    done = 0

    def finish(position: int, document: ParsedDocument) -> None:
        nonlocal done
        results[position] = document
        done += 1
        if on_progress is not None:
            on_progress(done, total)

    queued: list[int] = []
    for position, (name, data) in enumerate(files):
        early = precheck(data, limits)  # no need to ship a 2 GB upload to a worker to learn it is too large
        if early is None:
            queued.append(position)
        else:
            finish(position, rejected_document(name, data, *early))
    if queued:
        tasks = [(files[position][1], files[position][0], limits) for position in queued]
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
                name, data = files[queued[index]]
                finish(queued[index], _from_task(name, data, result, limits))
    return [document for document in results if document is not None]


def _kill_grace_s(limits: DocumentLimits) -> float:
    """Extra time before a kill, so a parse that notices its own deadline between pages can report it."""
    return min(1.0, 0.1 * limits.timeout_s)
