"""The worker pool's reply channel (JSON only; a reply the parent cannot decode retires the worker) and its
lazy task lists."""

from __future__ import annotations

from collections.abc import Sequence

from core.documents.types import (
    DocumentFlag,
    ParsedDocument,
    RejectionReason,
    document_from_json,
    document_to_json,
)
from core.isolation import IsolatedPool, Outcome
from tests.pdf_factory import echo_task, refuse_to_decode


def test_parsed_documents_round_trip_through_json() -> None:
    document = ParsedDocument(
        name="a.pdf",
        sha256="0" * 64,
        pages=2,
        text="hello",
        rejection=None,
        detail="ok",
        flags=(DocumentFlag.hidden_text,),
        hidden_text_chars=40,
        message="a recruiter's explanation",
    )
    rejected = ParsedDocument(name="b.pdf", sha256="1" * 64, rejection=RejectionReason.encrypted)
    for original in (document, rejected):
        assert document_from_json(document_to_json(original)) == original


def test_an_undecodable_reply_fails_its_task_and_the_pool_goes_on() -> None:
    with IsolatedPool(echo_task, workers=1, timeout_s=10, memory_mb=256, decode=refuse_to_decode) as pool:
        results = dict(pool.run([("first",), ("forged",), ("last",)]))
    assert results[0].outcome is Outcome.done and results[0].value == "first"
    assert results[1].outcome is not Outcome.done and results[1].value is None
    assert results[2].outcome is Outcome.done and results[2].value == "last"


class _LazyTasks(Sequence[tuple[str]]):
    """Tasks built when the pool takes them; the one at ``broken`` cannot be built."""

    def __init__(self, count: int, broken: int) -> None:
        self.count, self.broken, self.taken = count, broken, 0

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> tuple[str]:  # type: ignore[override]
        self.taken += 1
        if index == self.broken:
            raise OSError("the input vanished")
        return (f"task {index}",)


def test_a_lazy_task_that_cannot_be_built_fails_alone() -> None:
    tasks = _LazyTasks(5, broken=2)
    with IsolatedPool(echo_task, workers=2, timeout_s=10, memory_mb=256) as pool:
        results = dict(pool.run(tasks))
    assert tasks.taken == 5  # each task built once, when a worker took it
    assert results[2].outcome is Outcome.failed and results[2].detail == "OSError"
    assert [results[i].value for i in (0, 1, 3, 4)] == ["task 0", "task 1", "task 3", "task 4"]


def test_a_lazy_list_whose_every_task_fails_ends() -> None:
    """Nothing is in flight when the last task fails: waiting for a worker then would block forever."""
    tasks = _LazyTasks(1, broken=0)
    with IsolatedPool(echo_task, workers=1, timeout_s=10, memory_mb=256) as pool:
        [(index, result)] = list(pool.run(tasks))
    assert index == 0 and result.outcome is Outcome.failed
