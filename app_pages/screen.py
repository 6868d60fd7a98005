"""Screen: upload a batch of PDF resumes (or a .zip), watch it run, work through the ranked list."""

from __future__ import annotations

import streamlit as st

from app_pages.shared import active_screener, md_escape, reviewer_token, run_store, screening_jobs
from core.documents import DocumentLimits, InputCaps, upload_limits, upload_summary
from core.errors import ShortlistError
from core.model import Thresholds
from core.paths import samples_dir
from core.screening import (
    blind,
    candidates_frame,
    filter_candidates,
    fit_report,
    flag_message,
    pseudonym,
    rank_candidates,
    repeat_note,
    text_read_by_model,
    to_csv_bytes,
    to_excel_bytes,
)

BANDS = ["shortlist", "review", "reject"]
FLAG_HELP = {
    "hidden_text": "Hidden text (white, invisible, tiny or off-page) was found and ignored: possible keyword stuffing.",
    "partial_text": "Only part of the text could be read; the score covers what was read.",
}

st.title("Screen resumes")
st.caption("Upload applicant PDFs and get a ranked list. Resumes are read and scored on this machine only.")

owner = reviewer_token()
store = run_store()
try:
    version, screener = active_screener()
except ShortlistError as exc:
    st.error(f"No model can be loaded: {md_escape(str(exc))}")
    st.stop()


def start_run(title: str, files: list[tuple[str, bytes]], keep: bool) -> None:
    run_id, _ = screening_jobs().submit(owner, title, files, screener, keep_files=keep)
    st.session_state["run_id"] = run_id


limits, caps = DocumentLimits(), InputCaps()
with st.form("upload_form", clear_on_submit=True):
    # One uploader per kind, so that each states the limit that really applies to it.
    pdf_uploads = st.file_uploader(
        "PDF resumes",
        type=["pdf"],
        accept_multiple_files=True,
        key="uploads",
        max_upload_size=max(1, limits.max_bytes >> 20),
    )
    zip_uploads = st.file_uploader(
        "ZIP archives of PDF resumes",
        type=["zip"],
        accept_multiple_files=True,
        key="archive_uploads",
        max_upload_size=caps.max_upload_mb,
    )
    st.caption(upload_limits(limits, caps))
    keep_files = st.checkbox(
        "Keep the uploaded files with this run",
        value=False,
        key="keep_files",
        help="Off by default: only the extracted results are saved.",
    )
    submitted = st.form_submit_button("Screen uploaded files", type="primary")
if submitted:
    # Archives are unpacked by the run itself, one member at a time; what cannot be screened is listed with it.
    files = [(upload.name, upload.getvalue()) for upload in [*(pdf_uploads or []), *(zip_uploads or [])]]
    if files:
        start_run(upload_summary([name for name, _ in files]), files, keep_files)
    else:
        st.warning("Choose at least one PDF or .zip file first.")

samples = sorted(samples_dir().glob("*.pdf")) if samples_dir().is_dir() else []
if st.button(
    "Try sample resumes",
    key="try_samples",
    disabled=not samples,
    help="Screen the sample PDFs shipped with Shortlist.",
):
    start_run("Sample resumes", [(path.name, path.read_bytes()) for path in samples], False)

runs = store.runs(owner)
if not runs:
    st.info("No screening runs yet. Upload resumes above, or try the sample resumes.")
    st.stop()

run_ids = [run.id for run in runs]
if st.session_state.get("run_id") not in run_ids:
    st.session_state["run_id"] = run_ids[0]
# A finished run's status can change between reads; only the states that need attention are named.
labels = {
    run.id: f"{run.title} · {run.created_at.replace('T', ' ')[:16]}"
    + (f" · {run.status}" if run.status in ("failed", "interrupted") else "")
    for run in runs
}
col_pick, col_delete = st.columns([4, 1], vertical_alignment="bottom")
run_id = col_pick.selectbox("Screening run", run_ids, format_func=labels.__getitem__, key="run_id")
if col_delete.button("Delete run", key="delete_run"):
    store.delete(owner, run_id)
    st.session_state.pop("run_id", None)
    st.rerun()


@st.fragment(run_every=1.0)
def progress() -> None:
    info = store.run(owner, run_id)
    if info is None or info.finished:
        st.rerun()
    assert info is not None
    share = info.done / info.total if info.total else 0.0
    st.progress(share, text=f"{info.step.capitalize() or 'Queued'}: {info.done} of {info.total} files")
    st.caption("You can keep working or close the tab: the run continues and is saved.")


run = store.run(owner, run_id)
if run is None:
    st.warning("That run no longer exists.")
    st.stop()
if not run.finished:
    progress()
    st.stop()
if run.status != "done":
    st.error(f"This run did not finish: {md_escape(run.error)}")
    st.stop()

candidates = store.candidates(owner, run_id)
defaults = screener.thresholds
low, high = st.slider(
    "Band boundaries: review from, shortlist from",
    0.0,
    1.0,
    (defaults.review, defaults.shortlist),
    step=0.01,
    key="thresholds",
)
ranked = rank_candidates(candidates, Thresholds(shortlist=high, review=low))
scored = [c for c in ranked if c.scored]
rejected = [c for c in ranked if not c.scored]

counts = st.columns(4)
for column, band in zip(counts, BANDS, strict=False):
    column.metric(band.capitalize(), sum(c.band == band for c in scored))
counts[3].metric("Unreadable files", len(rejected))

col_bands, col_search, col_blind = st.columns([2, 2, 1], vertical_alignment="bottom")
bands = col_bands.multiselect("Bands", BANDS, default=BANDS, key="band_filter")
query = col_search.text_input("Search names, files and text", key="search")
blind_mode = col_blind.toggle("Blind mode", key="blind", help="Hide names, emails and phone numbers.")
shown = filter_candidates(scored, bands, query)
table = candidates_frame(shown, blind=blind_mode)

if not shown:
    st.info("No candidates match these filters.")
else:
    st.dataframe(
        table[["rank", "candidate", "file", "band", "fit", "score", "flags", "duplicate", "evidence"]],
        hide_index=True,
        key="ranked_table",
        column_config={
            "fit": st.column_config.ProgressColumn(
                "Fit",
                min_value=0.0,
                max_value=100.0,
                format="%.1f",
                help="Orders candidates inside a band: role match, requirements and experience (see the detail)",
            ),
            "score": st.column_config.NumberColumn(
                "Score",
                format="%.3f",
                help="Calibrated probability that the resume is the role; sets the band",
            ),
            "evidence": st.column_config.TextColumn("Evidence", width="large"),
        },
    )

export = candidates_frame(ranked, blind=blind_mode)
col_csv, col_xlsx = st.columns(2)
col_csv.download_button(
    "Export CSV", to_csv_bytes(export), file_name="shortlist.csv", mime="text/csv", key="export_csv"
)
col_xlsx.download_button(
    "Export Excel",
    to_excel_bytes(export),
    file_name="shortlist.xlsx",
    key="export_xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

if shown:
    st.subheader("Candidate detail")
    display_names = [str(name or file) for name, file in zip(table["candidate"], table["file"], strict=True)]
    pick = st.selectbox(
        "Candidate",
        range(len(shown)),
        key="detail",
        format_func=lambda i: f"#{shown[i].rank} {display_names[i]}",
    )
    chosen = shown[pick]
    col_band, col_fit, col_score = st.columns(3)
    col_band.metric("Band", str(chosen.band).capitalize())
    col_fit.metric("Fit", f"{chosen.fit.score:.1f} / 100" if chosen.fit else "n/a")
    col_score.metric(
        "Score", f"{chosen.score:.3f}", help="Calibrated probability that the resume is the role"
    )
    for flag in chosen.flags:
        st.warning(FLAG_HELP.get(flag) or flag_message(flag))
    repeat_target = pseudonym(chosen) if blind_mode else (chosen.duplicate_of or "")
    if chosen.duplicate_of:
        st.warning(repeat_note(chosen, md_escape(repeat_target)))
    if chosen.fit:
        st.caption("How the fit was made, and the evidence for each requirement.")
        report = fit_report(chosen.fit)
        st.code(blind(report, chosen.name) if blind_mode else report, language=None, wrap_lines=True)
    else:
        st.info("This run was screened before fit scores existed: screen the files again to see their fit.")
    read_text = text_read_by_model(chosen)
    marked = (
        read_text.replace(
            chosen.evidence, f"\n>>>>> EVIDENCE >>>>>\n{chosen.evidence}\n<<<<< EVIDENCE <<<<<\n", 1
        )
        if chosen.evidence
        else read_text
    )
    st.caption(
        "The text the model read (personal details and any visible keyword stuffing removed); the passage that "
        "drove the score is marked."
    )
    st.code(blind(marked) if blind_mode else marked, language=None, wrap_lines=True)
    with st.expander("Extracted text as found in the file"):
        st.code(
            blind(chosen.text, chosen.name) if blind_mode else chosen.text, language=None, wrap_lines=True
        )
    shown_file = str(table["file"].iloc[pick])
    st.caption(f"File: {md_escape(shown_file)}")

if rejected:
    st.subheader("Files that could not be scored")
    st.dataframe(
        candidates_frame(rejected, blind=blind_mode)[["file", "reason"]],
        hide_index=True,
        key="rejected_table",
    )
else:
    st.success("Every file in this run was readable.")
