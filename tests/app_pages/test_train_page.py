"""AppTest tests for the Train page: a training run end to end in the background, rejected samples left out,
evaluation on an uploaded set, and the registry (activate, roll back, delete) switching the sidebar's model."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import app_pages.shared
from core.data.verdicts import VerdictStore
from core.training.jobs import TrainingJob, TrainingJobStore
from tests.conftest import FakeEncoder, toy_records
from tests.pdf_factory import resume_pdf

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def starter(page_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    path = data / "starter" / "resumes.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in toy_records(20)), encoding="utf-8")
    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(data))
    return path


def train_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page("app_pages/train.py").run()


def wait_for_training(timeout: float = 60.0) -> TrainingJob:
    store = TrainingJobStore()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = store.jobs(limit=1)
        if jobs and jobs[0].finished:
            return jobs[0]
        time.sleep(0.1)
    raise AssertionError("training did not finish in time")


def train(at: AppTest) -> TrainingJob:
    at.button(key="train_start").click().run()
    assert not at.exception
    job = wait_for_training()
    at.run()
    return job


def screen_sidebar_model() -> str:
    """The active version named in the sidebar of a fresh session on the Screen page (the default page).

    A fresh session, because AppTest drops the entry script's sidebar after ``switch_page``.
    """
    screen = AppTest.from_file(APP, default_timeout=60).run()
    assert not screen.exception
    assert not screen.error, [e.value for e in screen.error]
    return screen.sidebar.markdown[0].value.strip("*`").strip()  # the name is shown as code: **`name`**


def registry(at: AppTest) -> pd.DataFrame:
    table = next((frame.value for frame in at.dataframe if "bundled" in frame.value.columns), None)
    assert table is not None, "the registry table is not on the page"
    return table


def test_train_activate_roll_back_and_screen_uses_the_active_version(starter: Path) -> None:
    assert screen_sidebar_model() == "toy-v1"
    at = train_page()
    job = train(at)
    assert job.status == "done", job.error
    assert any(f"Trained version ` {job.version} `" in s.value for s in at.success)
    row = registry(at).set_index("version").loc[job.version]
    assert row["datasets"] == "Starter corpus" and row["classifier"] == "svm" and row["ROC-AUC"] > 0.9
    assert len(row["data sha256"]) == 12 and not row["active"]
    assert len(at.get("plotly_chart")) == 4  # confusion matrix, ROC, precision-recall, score histogram
    assert not at.exception

    at.selectbox(key="registry_version").set_value(job.version).run()
    at.button(key="registry_activate").click().run()
    assert any("is now active" in s.value for s in at.success)
    assert registry(at).set_index("version").loc[job.version, "active"]
    assert screen_sidebar_model() == job.version  # Screen picks it up with no restart

    at.button(key="registry_rollback").click().run()
    assert any("toy-v1 is active again" in s.value for s in at.success)
    assert screen_sidebar_model() == "toy-v1"


def test_progress_shows_while_training_and_a_second_job_cannot_start(
    starter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()

    class HeldEncoder(FakeEncoder):
        def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
            gate.wait(timeout=30)
            return super().encode(texts, batch_size)

    monkeypatch.setattr(app_pages.shared, "encoder", HeldEncoder)
    at = train_page()
    try:
        at.button(key="train_start").click().run()
        assert at.button(key="train_start").disabled
        assert any("A training job is running" in info.value for info in at.info)
        assert at.get("progress")
        at.run()  # a rerun, or a second reviewer, starts nothing new
        assert len(TrainingJobStore().jobs()) == 1
    finally:
        gate.set()
    assert wait_for_training().status == "done"
    at.run()
    assert not at.button(key="train_start").disabled


def test_rejected_samples_are_left_out_and_an_uploaded_set_is_evaluated(starter: Path) -> None:
    VerdictStore().record("starter", ["devops-0", "other-0"], "reject")
    at = train_page()
    assert any("2 samples rejected" in c.value for c in at.caption)
    labelled = "".join(
        json.dumps({"text": r["text"], "label": r["label"]}) + "\n" for r in toy_records(4, seed=3)
    )
    at.file_uploader(key="train_eval_upload").set_value(
        [("real.jsonl", labelled.encode(), "application/json")]
    )
    at.selectbox(key="train_classifier").set_value("logreg")
    at.selectbox(key="train_balancing").set_value("downsample")
    job = train(at)
    assert job.status == "done", job.error
    assert job.result["excluded"] == 2 and job.result["n_train"] + job.result["n_test"] == 38
    assert job.result["uploaded"]["n"] == 8
    at.radio(key="eval_set").set_value("uploaded").run()
    assert not at.exception
    assert any(m.label == "ROC-AUC" for m in at.metric)
    row = registry(at).set_index("version").loc[job.version]
    assert row["classifier"] == "logreg" and row["balancing"] == "downsample" and row["excluded"] == 2


def test_a_zip_of_labelled_pdfs_is_evaluated_and_unusable_files_are_named(starter: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, record in enumerate(toy_records(3, seed=5)):
            archive.writestr(f"{record['label']}/{i}.pdf", resume_pdf(str(record["text"])))
        archive.writestr("unsorted/who.pdf", resume_pdf("Site reliability engineer, Kubernetes"))
    at = train_page()
    at.file_uploader(key="train_eval_upload").set_value([("real.zip", buffer.getvalue(), "application/zip")])
    at.button(key="train_start").click().run()
    assert any("real.zip/unsorted/who.pdf: not in a folder named devops" in s.value for s in at.success)
    job = wait_for_training()
    assert job.status == "done", job.error
    assert job.result["uploaded"]["n"] == 6


def test_moved_band_boundaries_are_saved_as_a_new_version(starter: Path) -> None:
    at = train_page()
    job = train(at)
    save = at.button(key=f"save_bands_{job.version}")
    assert save.disabled  # nothing moved yet
    at.slider(key=f"eval_thresholds_{job.version}").set_value((0.2, 0.8)).run()
    at.button(key=f"save_bands_{job.version}").click().run()
    assert not at.exception
    assert any("review from 0.20, shortlist from 0.80" in s.value for s in at.success)
    row = registry(at).set_index("version")
    saved = row[row["bands set from"] == job.version]
    assert len(saved) == 1
    assert saved.iloc[0]["review from"] == pytest.approx(0.2) and saved.iloc[0][
        "shortlist from"
    ] == pytest.approx(0.8)


def test_bad_parameters_are_refused_before_training(starter: Path) -> None:
    at = train_page()
    at.text_input(key="train_gamma").set_value("fast")
    at.button(key="train_start").click().run()
    assert any("gamma" in e.value for e in at.error)
    assert TrainingJobStore().jobs() == []


def test_delete_needs_confirmation_and_never_removes_the_active_version(starter: Path) -> None:
    at = train_page()
    at.selectbox(key="registry_version").set_value("toy-v1").run()
    assert at.button(key="registry_delete").disabled  # active
    job = train(at)
    at.selectbox(key="registry_version").set_value(job.version).run()
    at.button(key="registry_delete").click().run()
    assert any("Confirm delete" in w.value for w in at.warning)
    at.checkbox(key="registry_confirm_delete").check().run()
    at.button(key="registry_delete").click().run()
    assert any(f"Deleted {job.version}" in s.value for s in at.success)
    assert job.version not in set(registry(at)["version"])


def test_without_datasets_the_page_says_what_to_do(
    page_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(tmp_path / "empty"))
    at = train_page()
    assert not at.exception
    assert any("No datasets to train on" in info.value for info in at.info)
    assert "toy-v1" in set(registry(at)["version"])
