"""Evaluation sets users bring: labelled JSONL, and PDFs labelled by the folder they sit in."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from core.documents.labelled import label_of, labelled_pdf_records, read_evaluation_upload
from core.errors import DatasetError
from tests.conftest import toy_text
from tests.pdf_factory import resume_pdf, scanned_pdf


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("devops/a.pdf", "devops"),
        ("batch.zip/2025/Other/b.pdf", "other"),
        ("other/devops/c.pdf", "devops"),  # the innermost label folder wins
        ("devops\\d.pdf", "devops"),
        ("devops.pdf", None),
        ("applicants/e.pdf", None),
    ],
)
def test_the_label_is_the_innermost_label_folder(name: str, label: str | None) -> None:
    assert label_of(name) == label


def pdf_set() -> list[tuple[str, bytes]]:
    rng = np.random.default_rng(4)
    return [
        ("devops/ops-lead.pdf", resume_pdf(toy_text(rng, True, 150))),
        ("other/chef.pdf", resume_pdf(toy_text(rng, False, 150))),
        ("unsorted/who.pdf", resume_pdf(toy_text(rng, True, 150))),
        ("devops/scan.pdf", scanned_pdf()),
    ]


def test_usable_files_become_records_and_the_rest_are_skipped_with_a_reason() -> None:
    records, skipped = labelled_pdf_records(pdf_set())
    assert [(r.id, r.label) for r in records] == [
        ("devops/ops-lead.pdf", "devops"),
        ("other/chef.pdf", "other"),
    ]
    assert all(r.text.strip() for r in records)
    reasons = {s.name: s.reason for s in skipped}
    assert set(reasons) == {"unsorted/who.pdf", "devops/scan.pdf"}
    assert "folder named devops" in reasons["unsorted/who.pdf"]
    assert "text layer" in reasons["devops/scan.pdf"]


def test_a_set_with_nothing_usable_is_refused_with_the_first_reason() -> None:
    with pytest.raises(DatasetError, match=r"unsorted/who\.pdf"):
        labelled_pdf_records(pdf_set()[2:3])


def test_an_uploaded_zip_is_read_as_labelled_pdfs() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in pdf_set():
            archive.writestr(f"real/{name}", data)
    records, notes = read_evaluation_upload(buffer.getvalue(), "Real.ZIP")
    assert sorted(r.label for r in records) == ["devops", "other"]
    assert len(notes) == 2 and any("Real.ZIP/real/devops/scan.pdf" in note for note in notes)


def test_an_uploaded_jsonl_reports_its_skipped_lines() -> None:
    data = b'{"text": "Kubernetes and Terraform", "label": "devops"}\n{"text": "x"}\nnot json\n'
    records, notes = read_evaluation_upload(data, "set.jsonl")
    assert len(records) == 1 and notes == ["2 lines without a text and a label (devops or other)"]


def test_a_damaged_zip_says_why_nothing_could_be_used() -> None:
    with pytest.raises(DatasetError, match=r"broken\.zip: Not a readable ZIP archive"):
        read_evaluation_upload(b"PK\x03\x04 not really a zip", "broken.zip")
