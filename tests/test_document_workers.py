"""The worker pool's reply channel: JSON only, and a reply the parent cannot decode retires the worker."""

from __future__ import annotations

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
