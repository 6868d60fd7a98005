"""AppTest tests for the Screen page: upload, ranking, filters, rejected files, export, blind mode, saved runs
and isolation between reviewers. A toy model with the fake encoder stands in for the real one."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.documents import DocumentLimits, InputCaps, upload_limits
from core.screening.runs import RunStore
from tests.conftest import toy_text
from tests.pdf_factory import resume_pdf, scanned_pdf

APP = str(Path(__file__).resolve().parents[2] / "app.py")


# A dated position makes the toy texts resumes with experience; without one they are too little to judge.
POSITION = "Experience\nEngineer, Example Ltd, 2015 - present\n"


def devops_resume(name: str) -> bytes:
    return resume_pdf(f"{name}\n{POSITION}" + toy_text(np.random.default_rng(len(name)), True, 150))


def other_resume(name: str) -> bytes:
    return resume_pdf(f"{name}\n{POSITION}" + toy_text(np.random.default_rng(len(name) + 7), False, 150))


def new_session(token: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if token:
        at.query_params["reviewer"] = token
    return at.run()


def wait_for_runs(timeout: float = 60.0) -> None:
    store = RunStore()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store._connect() as conn:
            pending = conn.execute(
                "SELECT count(*) FROM runs WHERE status IN ('queued', 'running')"
            ).fetchone()[0]
        if pending == 0:
            return
        time.sleep(0.2)
    raise AssertionError("screening did not finish in time")


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    """Put PDFs in the PDF uploader and archives in the ZIP uploader, submit, and wait for the run."""
    archives = [(name, data, "application/zip") for name, data in files if name.lower().endswith(".zip")]
    pdfs = [(name, data, "application/pdf") for name, data in files if not name.lower().endswith(".zip")]
    if pdfs:
        at.file_uploader(key="uploads").set_value(pdfs)
    if archives:
        at.file_uploader(key="archive_uploads").set_value(archives)
    at.button[0].click()  # the form's submit button comes first on the page
    at.run()
    wait_for_runs()
    return at.run()


def table_with(at: AppTest, column: str) -> pd.DataFrame | None:
    """The first dataframe on the page with ``column`` (AppTest does not expose dataframe keys)."""
    return next((frame.value for frame in at.dataframe if column in frame.value.columns), None)


def ranked(at: AppTest) -> pd.DataFrame:
    table = table_with(at, "rank")
    assert table is not None, "the ranked table is not on the page"
    return table


@pytest.fixture
def screened(page_model) -> AppTest:
    at = new_session()
    return upload(
        at,
        [
            ("alice.pdf", devops_resume("Alice Okafor")),
            ("bob.pdf", other_resume("Bob Lindqvist")),
            ("carol.pdf", devops_resume("Carol Mendes")),
            ("scan.pdf", scanned_pdf()),
        ],
    )


def test_upload_ranks_candidates_best_first(screened: AppTest) -> None:
    assert not screened.exception
    table = ranked(screened)
    assert list(table["rank"]) == [1, 2, 3]
    bands = ["shortlist", "review", "reject"]
    order = [(bands.index(band), -fit) for band, fit in zip(table["band"], table["fit"], strict=True)]
    assert order == sorted(order)  # band first, then fit
    assert set(table["file"][:2]) == {"alice.pdf", "carol.pdf"}
    assert table["candidate"].iloc[-1] == "Bob Lindqvist"


def test_rejected_files_are_listed_with_reasons_and_never_ranked(screened: AppTest) -> None:
    rejected = table_with(screened, "reason")
    assert rejected is not None
    assert list(rejected["file"]) == ["scan.pdf"]
    assert "scan" in rejected["reason"].iloc[0].lower() or "text" in rejected["reason"].iloc[0].lower()
    assert "scan.pdf" not in set(ranked(screened)["file"])


def test_band_filter_and_search(screened: AppTest) -> None:
    screened.multiselect(key="band_filter").set_value(["reject"]).run()
    table = table_with(screened, "rank")
    assert table is None or set(table["band"]) <= {"reject"}
    screened.multiselect(key="band_filter").set_value(["shortlist", "review", "reject"]).run()
    screened.text_input(key="search").set_value("lindqvist").run()
    assert list(ranked(screened)["file"]) == ["bob.pdf"]


def test_threshold_control_moves_bands(screened: AppTest) -> None:
    screened.slider(key="thresholds").set_value((0.0, 0.0)).run()
    assert set(ranked(screened)["band"]) == {"shortlist"}
    screened.slider(key="thresholds").set_value((1.0, 1.0)).run()
    assert set(ranked(screened)["band"]) == {"reject"}


def test_blind_mode_hides_names_in_table_and_detail(screened: AppTest) -> None:
    screened.toggle(key="blind").set_value(True).run()
    table = ranked(screened)
    assert set(table["candidate"]) == {"[hidden]"}
    assert not any(
        name in " ".join(table.astype(str).values.ravel()) for name in ("Alice", "Okafor", "alice.pdf")
    )
    detail = " ".join(code.value for code in screened.code)
    assert "Okafor" not in detail and "Alice" not in detail


def test_export_is_offered_as_csv_and_excel(screened: AppTest) -> None:
    labels = [button.label for button in screened.get("download_button")]
    assert "Export CSV" in labels and "Export Excel" in labels


def test_detail_view_marks_the_evidence(screened: AppTest) -> None:
    assert any(">>>>> EVIDENCE >>>>>" in code.value for code in screened.code)


def test_detail_view_breaks_the_fit_down(screened: AppTest) -> None:
    report = next(code.value for code in screened.code if code.value.startswith("Fit "))
    assert "role match" in report and "Experience" in report
    assert "2015-07 to " in report  # the dated position it counted


def test_a_thin_text_goes_to_review_whatever_the_thresholds(page_model) -> None:
    at = upload(
        new_session(),
        [
            ("thin.pdf", resume_pdf("DevOps. Kubernetes. AWS. Terraform. 5 yrs.")),
            ("alice.pdf", devops_resume("Alice Okafor")),
        ],
    )
    at.slider(key="thresholds").set_value((0.0, 0.0)).run()
    table = ranked(at)
    assert dict(zip(table["file"], table["band"], strict=True)) == {
        "alice.pdf": "shortlist",
        "thin.pdf": "review",
    }
    assert "too_little_to_judge" in table.set_index("file").loc["thin.pdf", "flags"]


def test_saved_run_reopens_after_refresh_and_can_be_deleted(screened: AppTest) -> None:
    token = screened.query_params["reviewer"]
    token = token[0] if isinstance(token, list) else token
    reopened = new_session(token)
    assert list(ranked(reopened)["rank"]) == [1, 2, 3]
    reopened.button(key="delete_run").click().run()
    assert any("No screening runs yet" in info.value for info in reopened.info)


def test_a_second_reviewer_sees_none_of_the_first_reviewers_runs(screened: AppTest) -> None:
    other = new_session()
    assert any("No screening runs yet" in info.value for info in other.info)
    assert not other.dataframe and not other.code


def test_zip_upload_is_expanded(page_model) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("batch/dana.pdf", devops_resume("Dana Whitfield"))
        archive.writestr("batch/eli.pdf", other_resume("Eli Novak"))
    at = new_session()
    at = upload(at, [("batch.zip", buffer.getvalue())])
    assert len(ranked(at)) == 2


def test_everything_skipped_in_an_upload_stays_in_the_run_with_its_reason(page_model) -> None:
    """Nested, unsafe, non-PDF and damaged inputs used to vanish, or flash an error until the run finished."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("batch/dana.pdf", devops_resume("Dana Whitfield"))
        archive.writestr("batch/inner.zip", b"PK\x05\x06" + bytes(18))
        archive.writestr("../../etc/evil.pdf", devops_resume("Mallory"))
        archive.writestr("batch/cover-letter.docx", b"PK word")
    at = upload(new_session(), [("batch.zip", buffer.getvalue()), ("broken.zip", b"PK\x03\x04 junk")])
    assert not at.exception and not at.error
    assert list(ranked(at)["file"]) == ["batch.zip/batch/dana.pdf"]
    rejected = table_with(at, "reason")
    assert rejected is not None
    reasons = dict(zip(rejected["file"], rejected["reason"], strict=True))
    assert "archive inside the archive" in reasons["batch.zip/batch/inner.zip"]
    assert "leads outside" in reasons["batch.zip/../../etc/evil.pdf"]
    assert "Not a PDF (a .docx file)" in reasons["batch.zip/batch/cover-letter.docx"]
    assert "Not a readable ZIP archive" in reasons["broken.zip"]
    assert not any("Every file in this run was readable" in s.value for s in at.success)
    assert "2 ZIP archives" in at.selectbox(key="run_id").format_func(at.selectbox(key="run_id").value)


def test_a_repeated_file_is_flagged_in_the_table_and_the_detail(page_model) -> None:
    same = devops_resume("Dana Whitfield")
    at = upload(
        new_session(), [("dana.pdf", same), ("dana-again.pdf", same), ("eli.pdf", other_resume("Eli"))]
    )
    table = ranked(at).set_index("file")
    # Equal scores rank by file name: dana-again.pdf first, so dana.pdf is the repeat.
    assert table.loc["dana.pdf", "duplicate"] == f"Same file as #{table.loc['dana-again.pdf', 'rank']}"
    assert table.loc["dana-again.pdf", "duplicate"] == "" and table.loc["eli.pdf", "duplicate"] == ""
    picked = list(ranked(at)["file"]).index("dana.pdf")
    at.selectbox(key="detail").set_value(picked).run()
    assert any(w.value.startswith("Same file as #") for w in at.warning)


def test_each_uploader_states_the_limit_the_parser_applies(page_model) -> None:
    at = new_session()
    pdf_uploader = at.file_uploader(key="uploads").proto
    zip_uploader = at.file_uploader(key="archive_uploads").proto
    assert pdf_uploader.max_upload_size_mb == DocumentLimits().max_bytes >> 20
    assert zip_uploader.max_upload_size_mb == InputCaps().max_upload_mb
    assert any(upload_limits() == caption.value for caption in at.caption)


def test_submitting_nothing_warns(page_model) -> None:
    at = new_session()
    at.button[0].click().run()
    assert any("at least one" in warning.value for warning in at.warning)
