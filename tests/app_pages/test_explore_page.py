"""AppTest tests for the Explore page: the sample viewer, verdicts that persist, the analyses after embedding,
one-click rejection of duplicates and of audit suspects. A toy corpus and the fake encoder stand in."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.data.verdicts import VerdictStore
from tests.conftest import toy_records, toy_text

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def starter(page_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A starter corpus with one exact duplicate and one DevOps resume labelled ``other``."""
    records = toy_records(15)
    records.append(dict(records[0], id="dup-devops-0"))
    flipped = toy_text(np.random.default_rng(99), True, 150)
    records.append({"id": "flipped", "text": flipped, "label": "other", "role": "nurse", "source": "toy"})
    data = tmp_path / "data"
    path = data / "starter" / "resumes.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(data))
    return path


def explore() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page("app_pages/explore.py").run()


def table_with(at: AppTest, column: str) -> pd.DataFrame | None:
    """The first dataframe on the page with ``column`` (AppTest does not expose dataframe keys)."""
    return next((frame.value for frame in at.dataframe if column in frame.value.columns), None)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def shown_id(at: AppTest) -> str:
    caption = next(c.value for c in at.caption if c.value.startswith("Sample "))
    return caption.split(" id ")[-1].strip("` ")  # shown as code: `` ` id ` ``


def test_without_datasets_the_page_says_what_to_do(
    page_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(tmp_path / "empty"))
    at = explore()
    assert not at.exception
    assert any("No datasets yet" in info.value for info in at.info)


def test_the_sample_viewer_shows_plain_text_and_steps_through_samples(starter: Path) -> None:
    at = explore()
    assert not at.exception
    assert metric(at, "Records") == "32"
    first = shown_id(at)
    assert at.code[0].value.startswith("Jordan Example")
    at.button(key="sample_next").click().run()
    assert shown_id(at) != first
    at.button(key="sample_reroll").click().run()
    assert shown_id(at)
    at.multiselect(key="sample_labels").set_value(["other"]).run()
    for _ in range(3):
        assert any(m.value.startswith("Label **` other `**") for m in at.markdown)
        at.button(key="sample_next").click().run()


def test_a_rejected_sample_stays_rejected_after_a_restart(starter: Path) -> None:
    at = explore()
    rejected = shown_id(at)
    at.button(key="sample_reject").click().run()
    assert any("Rejected 1 sample" in s.value for s in at.success)
    assert metric(at, "Rejected") == "1"
    assert VerdictStore().rejected_ids(["starter"]) == {rejected}
    st.cache_resource.clear()
    st.cache_data.clear()
    again = explore()
    assert metric(again, "Rejected") == "1"
    again.selectbox(key="sample_verdict").set_value("reject").run()
    assert shown_id(again) == rejected
    again.button(key="sample_clear").click().run()
    assert VerdictStore().rejected_ids(["starter"]) == set()


def test_analyses_run_after_embedding_and_duplicates_are_rejected_in_one_click(starter: Path) -> None:
    at = explore()
    assert any("not embedded yet" in info.value for info in at.info)
    at.button(key="embed_now").click().run()
    assert not at.exception
    assert not any("not embedded yet" in info.value for info in at.info)
    assert len(at.get("plotly_chart")) >= 7  # balance, roles, styles, words, tokens, terms, map
    at.slider(key="dup_threshold").set_value(0.999).run()
    duplicates = table_with(at, "keep")
    assert duplicates is not None
    assert set(duplicates["id"]) == {"devops-0", "dup-devops-0"}
    assert list(duplicates.loc[duplicates["keep"], "id"]) == ["devops-0"]
    at.button(key="dup_reject_all").click().run()
    assert VerdictStore().rejected_ids(["starter"]) == {"dup-devops-0"}
    assert any("No near-duplicates" in s.value for s in at.success)


def test_the_label_audit_flags_the_mislabelled_sample_with_a_reject_button(starter: Path) -> None:
    at = explore()
    at.button(key="embed_now").click().run()
    audit = table_with(at, "label_probability")
    assert audit is not None
    assert audit["id"].iloc[0] == "flipped"
    at.button(key="audit_reject_starter_flipped").click().run()
    assert VerdictStore().rejected_ids(["starter"]) == {"flipped"}
    assert metric(at, "Rejected") == "1"


def test_the_leakage_table_counts_label_words_per_class(starter: Path) -> None:
    at = explore()
    leak = table_with(at, "devops_header_share")
    assert leak is not None
    sre = leak.set_index("term").loc["sre"]
    assert sre["devops_share"] > 0.5 and sre["other_share"] < 0.2
    assert any("sre" in w.value for w in at.warning)
    at.text_input(key="leak_terms").set_value("nursing").run()
    assert list(table_with(at, "devops_header_share")["term"]) == ["nursing"]  # type: ignore[index]
