"""Train: train a new model version in the background, see how it does on held-out data, manage versions."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from app_pages.shared import encoder, md_escape, training_jobs, verdict_store
from core.data import list_datasets, resolve_datasets
from core.documents import read_evaluation_upload
from core.errors import ShortlistError
from core.model import (
    Thresholds,
    activate,
    active_version,
    delete_version,
    evaluate,
    list_versions,
    load_scored_sets,
    parse_gamma,
    previous_version,
    rollback,
    save_thresholds_as_version,
    versions_frame,
)
from core.training import TrainConfig, TrainingRequest

CLASSIFIERS = {"svm": "SVM (RBF kernel)", "linear": "Linear SVM", "logreg": "Logistic regression"}
BALANCING = {"weights": "Class weights", "downsample": "Downsample the larger class", "none": "None"}
SETS = {"held_out": "Held-out synthetic split", "uploaded": "Uploaded labelled set"}

st.title("Train a model")
st.caption(
    "Train on the synthetic data minus the samples reviewers rejected, check the new version on data it never "
    "saw, and choose which version Screen uses."
)
if "train_flash" in st.session_state:
    st.success(st.session_state.pop("train_flash"))

jobs = training_jobs()
running = jobs.store.running()

st.subheader("New version")
datasets = list_datasets()
if not datasets:
    st.info("No datasets to train on yet: build the starter corpus or generate one on the Generate page.")
else:
    names = {info.key: info.name for info in datasets}
    chosen = st.multiselect(
        "Datasets", list(names), default=list(names)[:1], format_func=names.__getitem__, key="train_datasets"
    )
    rejected = verdict_store().rejected_ids(chosen)
    st.caption(f"{len(rejected)} samples rejected on the Explore page will be left out.")
    left, middle, right = st.columns(3)
    kind = left.selectbox(
        "Classifier", list(CLASSIFIERS), format_func=CLASSIFIERS.__getitem__, key="train_classifier"
    )
    balancing = middle.selectbox(
        "Class balancing", list(BALANCING), format_func=BALANCING.__getitem__, key="train_balancing"
    )
    test_fraction = right.slider("Held-out share", 0.1, 0.4, 0.2, step=0.05, key="train_test_fraction")
    left, middle, right = st.columns(3)
    c_value = left.number_input(
        "C (larger fits the training data more closely)",
        min_value=0.001,
        max_value=1000.0,
        value=1.0,
        format="%.3f",
        key="train_C",
    )
    gamma = middle.text_input(
        "gamma (RBF only: scale, auto or a number)", "scale", key="train_gamma", disabled=kind != "svm"
    )
    seed = right.number_input("Seed", min_value=0, max_value=100_000, value=0, key="train_seed")
    upload = st.file_uploader(
        "Optional: a labelled set to evaluate on: a JSONL (one object per line with text and label: devops or "
        "other), or a ZIP of PDF resumes in folders named devops and other",
        type=["jsonl", "zip"],
        key="train_eval_upload",
        help="Real, labelled resumes are the honest test of how well synthetic training transfers.",
    )
    start = st.button(
        "Train a new version", type="primary", key="train_start", disabled=running is not None or not chosen
    )
    if running is not None:
        st.info("A training job is running; a new one can start when it finishes.")
    elif not chosen:
        st.info("Choose at least one dataset.")
    elif start:
        try:
            with st.spinner("Reading the evaluation set…"):
                evaluation, skipped = (
                    read_evaluation_upload(upload.getvalue(), upload.name) if upload else ([], [])
                )
            config = TrainConfig(
                classifier=kind,  # type: ignore[arg-type]
                C=float(c_value),
                gamma=parse_gamma(gamma),
                balancing=balancing,  # type: ignore[arg-type]
                test_fraction=float(test_fraction),
                seed=int(seed),
            )
            request = TrainingRequest(
                datasets=tuple(resolve_datasets(chosen)),
                config=config,
                exclude_ids=tuple(sorted(rejected)),
                evaluation=tuple(evaluation),
                evaluation_name=upload.name if upload else "",
            )
            jobs.submit(request, encoder())
        except ShortlistError as exc:
            st.error(f"Training could not start: {md_escape(str(exc))}")
        else:
            note = f" Left out of the evaluation set: {md_escape('; '.join(skipped[:5]))}" if skipped else ""
            more = f" and {len(skipped) - 5} more." if len(skipped) > 5 else ""
            st.session_state["train_flash"] = "Training started." + note + more
            st.rerun()


@st.fragment(run_every=1.0)
def progress(job_id: str) -> None:
    job = jobs.store.job(job_id)
    if job is None or job.finished:
        st.rerun()
    assert job is not None
    share = job.done / job.total if job.total else 0.0
    detail = f": {job.done} of {job.total} resumes" if job.total else ""
    st.progress(min(1.0, share), text=f"{job.step.capitalize()}{detail}")
    st.caption("Training runs on the server: you can leave this page and come back.")


latest = jobs.store.jobs(limit=1)
last_job = latest[0] if latest else None
if last_job is None:
    st.info("No model has been trained in the app yet.")
elif not last_job.finished:
    progress(last_job.id)
elif last_job.status == "done":
    result = last_job.result
    held_out = result.get("held_out") or {}
    auc = held_out.get("roc_auc")
    st.success(
        f"Trained version {md_escape(last_job.version)} on {result.get('n_train')} resumes"
        + (f": ROC-AUC {auc:.3f} on {result.get('n_test')} held out." if auc is not None else ".")
    )
else:
    st.error(f"The last training job did not finish: {md_escape(last_job.error)}")

versions = list_versions()
try:
    active: str | None = active_version().version
except ShortlistError as exc:
    active = None
    st.error(str(exc))
by_name = {version.version: version for version in versions}
if not versions:
    st.warning("No model versions are available.")
    st.stop()

st.subheader("How a version does on data it never saw")
names_list = list(by_name)
trained = last_job.version if last_job and last_job.status == "done" else None
if last_job is not None and trained in by_name and st.session_state.get("eval_shown_job") != last_job.id:
    # A job finished since this page last drew: show its version rather than the one picked before.
    st.session_state["eval_shown_job"] = last_job.id
    st.session_state["eval_version"] = trained
if st.session_state.get("eval_version") not in by_name:
    st.session_state["eval_version"] = active if active in by_name else names_list[0]
pick = st.selectbox("Version", names_list, key="eval_version")
version = by_name[pick]
sets = load_scored_sets(version.path)
if not sets:
    summary = version.held_out
    st.info("This version's held-out scores were not saved (it was trained outside the app): summary only.")
    if summary:
        summary_cols = st.columns(3)
        summary_cols[0].metric("Accuracy", f"{summary.get('accuracy', 0):.3f}")
        summary_cols[1].metric(
            "ROC-AUC", f"{summary['roc_auc']:.3f}" if summary.get("roc_auc") is not None else "n/a"
        )
        summary_cols[2].metric(
            "Avg. precision",
            f"{summary['average_precision']:.3f}" if summary.get("average_precision") is not None else "n/a",
        )
else:
    set_name = st.radio(
        "Evaluated on", list(sets), format_func=SETS.__getitem__, horizontal=True, key="eval_set"
    )
    scored = sets[set_name]
    stored = version.metadata.get("thresholds", {})
    low, high = st.slider(
        "Band boundaries: review from, shortlist from",
        0.0,
        1.0,
        (float(stored.get("review", 0.5)), float(stored.get("shortlist", 0.5))),
        step=0.01,
        key=f"eval_thresholds_{pick}",
        help="Try other boundaries here; Screen has the same control for each run.",
    )
    chosen_bands = Thresholds(shortlist=high, review=low)
    report = evaluate(scored.labels, scored.probabilities, chosen_bands, group=set_name)
    unchanged = (low, high) == (float(stored.get("review", 0.5)), float(stored.get("shortlist", 0.5)))
    if st.button(
        "Save these boundaries as a new version",
        key=f"save_bands_{pick}",
        disabled=unchanged,
        help="Same model, same scores, new band boundaries. Activate the new version below to use it on Screen.",
    ):
        try:
            saved = save_thresholds_as_version(version, chosen_bands)
        except ShortlistError as exc:
            st.error(f"Could not save the boundaries: {md_escape(str(exc))}")
        else:
            st.session_state["train_flash"] = (
                f"Saved {saved.version}: review from {low:.2f}, shortlist from {high:.2f}. "
                "Activate it below to use it on Screen."
            )
            st.rerun()
    at_half = scored.at(0.5)
    for column, (label, value) in zip(
        st.columns(5),
        [
            ("Accuracy", at_half["accuracy"]),
            ("Precision", at_half["precision"]),
            ("Recall", at_half["recall"]),
            ("F1", at_half["f1"]),
            ("ROC-AUC", report.roc_auc),
        ],
        strict=True,
    ):
        column.metric(label, "n/a" if value is None else f"{value:.3f}")
    st.caption(f"{report.n} resumes, {report.n_positive} DevOps. Accuracy, precision, recall and F1 at 0.5.")
    left, right = st.columns(2)
    matrix = pd.DataFrame(
        [[at_half["tp"], at_half["fn"]], [at_half["fp"], at_half["tn"]]],
        index=["devops (true)", "other (true)"],
        columns=["devops (predicted)", "other (predicted)"],
    )
    left.plotly_chart(
        px.imshow(matrix, text_auto=True, color_continuous_scale="Blues", title="Confusion matrix at 0.5"),
        key="chart_confusion",
    )
    right.dataframe(
        pd.DataFrame(report.confusion).T.rename_axis("class").reset_index(),
        hide_index=True,
        key="band_table",
    )
    right.caption("Resumes per band with the boundaries above.")
    if scored.has_both_classes():
        roc, pr = scored.roc(), scored.precision_recall()
        left.plotly_chart(
            px.line(roc, x="fpr", y="tpr", title=f"ROC curve (AUC {report.roc_auc:.3f})"), key="chart_roc"
        )
        right.plotly_chart(
            px.line(pr, x="recall", y="precision", title="Precision-recall curve"), key="chart_pr"
        )
    else:
        st.info("ROC and precision-recall curves need both classes in the set.")
    histogram = px.histogram(
        scored.frame(),
        x="probability",
        color="label",
        nbins=40,
        barmode="overlay",
        range_x=(0, 1),
        title="Scores per class (dashed: review from, solid: shortlist from)",
    )
    histogram.add_vline(x=low, line_dash="dash")
    histogram.add_vline(x=high)
    st.plotly_chart(histogram, key="chart_scores")

st.subheader("Model versions")
st.dataframe(versions_frame(versions, active), hide_index=True, key="registry_table")
chosen_version = st.selectbox("Version", names_list, key="registry_version")
try:
    previous = previous_version()
except ShortlistError:
    previous = None
actions = st.columns(4, vertical_alignment="bottom")
do_activate = actions[0].button(
    "Activate", key="registry_activate", type="primary", disabled=chosen_version == active
)
do_rollback = actions[1].button(
    f"Roll back to {previous}" if previous else "Roll back",
    key="registry_rollback",
    disabled=previous is None,
)
confirm = actions[2].checkbox("Confirm delete", key="registry_confirm_delete")
do_delete = actions[3].button(
    "Delete",
    key="registry_delete",
    disabled=by_name[chosen_version].bundled or chosen_version == active,
)
try:
    if do_activate:
        activate(chosen_version)
        st.session_state["train_flash"] = f"{chosen_version} is now active: Screen uses it from now on."
        st.rerun()
    elif do_rollback:
        restored = rollback()
        st.session_state["train_flash"] = f"Rolled back: {restored.version} is active again."
        st.rerun()
    elif do_delete and not confirm:
        st.warning("Tick Confirm delete first.")
    elif do_delete:
        delete_version(chosen_version)
        st.session_state["train_flash"] = f"Deleted {chosen_version}."
        st.rerun()
    else:
        st.caption(
            f"Active: {md_escape(active or 'none')}. Switching applies to Screen at once, with no restart."
        )
except ShortlistError as exc:
    st.error(str(exc))
