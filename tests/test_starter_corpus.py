"""The bundled starter corpus keeps the rules it was written to, and the sample PDFs behave as labelled."""

from __future__ import annotations

from collections import Counter

import pytest

from core.data.dataset import ResumeRecord, read_records
from core.data.roles import DEVOPS
from core.documents.batch import parse_documents
from core.documents.types import RejectionReason
from core.generation.dedup import near_duplicate_pairs
from core.paths import samples_dir, starter_corpus_path


@pytest.fixture(scope="module")
def corpus() -> list[ResumeRecord]:
    records, broken = read_records(starter_corpus_path())
    assert broken == 0
    return records


def test_size_and_class_mix(corpus: list[ResumeRecord]) -> None:
    labels = Counter(r.label for r in corpus)
    assert len(corpus) >= 800 and labels["devops"] >= 400 and labels["other"] >= 400
    others = [r for r in corpus if r.label == "other"]
    hard = [r for r in others if r.extra["hard_negative"]]
    assert len(hard) / len(others) >= 0.6
    fields = {r.role for r in others if not r.extra["hard_negative"]}
    assert len(fields) >= 20
    assert {r.role for r in corpus if r.label == "devops"} == {role.name for role in DEVOPS.positives}


def test_every_record_carries_its_plan_fields(corpus: list[ResumeRecord]) -> None:
    assert len({r.id for r in corpus}) == len(corpus)
    for record in corpus:
        assert record.extra["source"] == "starter"
        assert {"seniority", "style"} <= set(record.extra)
    assert len({r.extra["style"] for r in corpus}) >= 6


def test_lengths_are_like_real_resumes(corpus: list[ResumeRecord]) -> None:
    words = [len(r.text.split()) for r in corpus]
    assert min(words) >= 135 and max(words) <= 990  # 150 to 900 planned, 10% tolerance
    assert sum(w > 500 for w in words) / len(words) >= 1 / 3


def test_no_two_records_are_near_duplicates(corpus: list[ResumeRecord]) -> None:
    assert near_duplicate_pairs([r.text for r in corpus], threshold=0.5) == []


def test_the_near_duplicate_check_can_fail() -> None:
    base = " ".join(f"word{i}" for i in range(200))
    [(first, second, similarity)] = near_duplicate_pairs([base, "something else " * 20, base + " extra tail"])
    assert (first, second) == (0, 2) and similarity > 0.9


def test_sample_pdfs_behave_as_their_names_say() -> None:
    paths = sorted(samples_dir().glob("*.pdf"))
    assert len(paths) >= 6
    documents = {d.name: d for d in parse_documents([(p.name, p.read_bytes()) for p in paths])}
    assert documents["sample-scan-no-text-layer.pdf"].rejection is RejectionReason.no_text
    assert documents["sample-password-protected.pdf"].rejection is RejectionReason.encrypted
    readable = [d for name, d in documents.items() if "scan" not in name and "password" not in name]
    assert len(readable) >= 4 and all(d.ok and len(d.text.split()) > 150 for d in readable)
