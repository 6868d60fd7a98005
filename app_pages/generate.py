"""Generate: write labelled synthetic resumes with an OpenAI-compatible LLM, in a background job you can watch,
cancel and resume. The job runs in its own worker process, so it outlives reruns, closed tabs and restarts."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from app_pages.shared import md_escape
from core.data import get_profile
from core.errors import ShortlistError
from core.generation import (
    GenerationSettings,
    JobStatus,
    cancel_job,
    find_api_key,
    is_local_endpoint,
    job_profile,
    job_records_path,
    job_status,
    list_jobs,
    resolve_base_url,
    resume_job,
    start_job,
)

DEFAULTS = GenerationSettings()
KEY_SOURCES = {
    "given": "the API key field",
    "environment": "the OPENAI_API_KEY environment variable",
    "secrets": ".streamlit/secrets.toml",
}
NO_KEY_HELP = (
    "No API key yet. Add one in any of these ways:\n\n"
    "- set the environment variable `OPENAI_API_KEY` and restart the app;\n"
    '- add `OPENAI_API_KEY = "sk-..."` to `.streamlit/secrets.toml`;\n'
    "- paste it in the API key field above (kept in memory only, never saved);\n"
    "- or point the base URL at a local OpenAI-compatible server such as vLLM, Ollama or llama.cpp "
    "(for example `http://localhost:11434/v1`): any key, or none, works there.\n\n"
    "Explore, Train and Screen work without a key."
)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    minutes, rest = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes}m" if hours else f"{minutes}m {rest}s" if minutes else f"{rest}s"


def job_label(status: JobStatus) -> str:
    return f"{status.job_id} · {status.state} · {status.done_total} of {status.planned_total}"


def show_status(status: JobStatus) -> None:
    """Progress and accounting of a job: the same view live (in the fragment) and after it ended."""
    st.progress(
        status.fraction,
        text=f"{status.state.capitalize()}: {status.done_total} of {status.planned_total or '?'} resumes",
    )
    if status.planned:
        for column, (label, planned) in zip(
            st.columns(len(status.planned)), status.planned.items(), strict=True
        ):
            column.metric(label, f"{status.done.get(label, 0)} of {planned}")
    tokens = status.prompt_tokens + status.completion_tokens
    columns = st.columns(5)
    columns[0].metric("Resumes per minute", f"{status.rate_per_min:.1f}")
    columns[1].metric("Requests", f"{status.requests:,}")
    columns[2].metric(
        "Tokens",
        f"{tokens:,}",
        help=f"{status.prompt_tokens:,} prompt, {status.completion_tokens:,} completion",
    )
    columns[3].metric("Estimated cost", f"${status.cost_usd:,.4f}")
    columns[4].metric("ETA", "done" if status.state == "completed" else duration(status.eta_s))
    limits = status.limits
    st.caption(
        f"Rate-limit waits: {status.rate_limit_waits} ({status.rate_limit_wait_s:.1f} s) · HTTP 429: "
        f"{status.http_429} · gave up: {status.gave_up}"
        + (f" · limits {limits.get('rpm', 0):,} RPM, {limits.get('tpm', 0):,} TPM" if limits else "")
        + f" · model {md_escape(status.model)} at {md_escape(status.endpoint or 'the default endpoint')}"
    )
    if status.batch:
        st.text("Batch: " + ", ".join(f"{name} {value}" for name, value in status.batch.items()))
    counts = [("rejected", reason, n) for reason, n in status.rejects.items()]
    counts += [("error", kind, n) for kind, n in status.errors.items()]
    if counts:
        frame = pd.DataFrame(counts, columns=["kind", "reason", "count"])
        st.dataframe(frame, hide_index=True, key="gen_reject_table")
    if status.recent_errors:
        st.caption("Recent errors (as the server sent them, keys removed)")
        st.code("\n".join(status.recent_errors), language=None, wrap_lines=True)


st.title("Generate training data")
st.caption(
    "An LLM behind any OpenAI-compatible API writes labelled synthetic resumes: the target role and everyone "
    "else, hard negatives included. Each record is saved as soon as it arrives; a job can be resumed."
)
if "gen_flash" in st.session_state:
    st.success(st.session_state.pop("gen_flash"))

jobs = list_jobs()
running = [status for status in jobs if status.alive]

st.subheader("Endpoint")
left, middle = st.columns(2)
base_url = left.text_input(
    "Base URL",
    value=os.environ.get("OPENAI_BASE_URL", ""),
    placeholder="https://api.openai.com/v1",
    key="gen_base_url",
    help="Empty: OpenAI. A local server such as vLLM, Ollama or llama.cpp: its /v1 URL.",
).strip()
model = middle.text_input("Model", value=DEFAULTS.model, key="gen_model").strip()
typed_key = st.text_input(
    "API key",
    type="password",
    key="gen_api_key",
    autocomplete="off",
    help="Optional when OPENAI_API_KEY or .streamlit/secrets.toml has one. Kept in memory, never saved.",
)
found = find_api_key(typed_key, secrets=st.secrets if st.secrets.load_if_toml_exists() else {})
api_key = found[0] if found else None
local = is_local_endpoint(resolve_base_url(base_url or None))
if found:
    st.caption(f"Using the key from {KEY_SOURCES[found[1]]}.")
elif local:
    st.caption("No key: fine for a local server, which is sent a placeholder.")
else:
    st.info(NO_KEY_HELP)

st.subheader("What to generate")
profile = get_profile(DEFAULTS.profile_key)
left, middle, right = st.columns(3)
per_class = left.number_input(
    "Resumes per class",
    min_value=1,
    max_value=100_000,
    value=DEFAULTS.per_class,
    key="gen_per_class",
    help=f"As many {profile.positive_label} resumes as others.",
)
share = middle.slider(
    "Hard-negative share of the others",
    0.0,
    1.0,
    DEFAULTS.hard_negative_share,
    step=0.01,
    key="gen_hard_share",
    help="Adjacent tech roles (backend, data, QA, sysadmin...) rather than other fields.",
)
seed = right.number_input("Seed", min_value=0, max_value=1_000_000, value=DEFAULTS.seed, key="gen_seed")
with st.expander("Sub-roles (all by default)"):
    groups = {
        "gen_roles_positive": ("Target-role sub-roles", profile.positives),
        "gen_roles_hard": ("Hard negatives", profile.hard_negatives),
        "gen_roles_other": ("Other fields", profile.other_fields),
    }
    chosen: list[str] = []
    for widget_key, (title, specs) in groups.items():
        names = [spec.name for spec in specs]
        chosen += st.multiselect(title, names, default=names, key=widget_key)
    every_role = len(chosen) == sum(len(specs) for _, specs in groups.values())
    st.caption("Narrowing the roles makes a different plan: its ids differ from an unnarrowed job's.")

st.subheader("Rate limits and price")
left, middle, right = st.columns(3)
rpm = left.number_input("Requests per minute", 1, 1_000_000, DEFAULTS.rpm, key="gen_rpm")
tpm = middle.number_input("Tokens per minute", 1, 100_000_000, DEFAULTS.tpm, key="gen_tpm")
concurrency = right.number_input("Concurrent requests", 1, 512, DEFAULTS.concurrency, key="gen_concurrency")
with st.expander("More settings"):
    left, middle, right = st.columns(3)
    price_in = left.number_input(
        "Input price, USD per 1M tokens",
        0.0,
        1000.0,
        DEFAULTS.price_input_per_m,
        format="%.3f",
        key="gen_price_in",
    )
    price_out = middle.number_input(
        "Output price, USD per 1M tokens",
        0.0,
        1000.0,
        DEFAULTS.price_output_per_m,
        format="%.3f",
        key="gen_price_out",
    )
    temperature = right.slider(
        "Temperature", 0.0, 2.0, DEFAULTS.temperature, step=0.05, key="gen_temperature"
    )
    batch = st.checkbox(
        "Use the Batch API (half price, results within 24 hours; OpenAI only)",
        value=DEFAULTS.batch,
        key="gen_batch",
    )
    starter = st.checkbox(
        "Show the model short style examples from the starter corpus",
        value=DEFAULTS.use_starter_corpus,
        key="gen_starter",
    )

ready = bool(api_key) or local
start = st.button("Start a new job", type="primary", key="gen_start", disabled=bool(running) or not ready)
if running:
    st.info(
        f"Job {md_escape(running[0].job_id)} is running: a new one can start when it finishes or is cancelled."
    )
elif not ready:
    st.info("Add an API key or a local base URL (see above) to start a job.")
elif start:
    try:
        settings = GenerationSettings(
            per_class=int(per_class),
            seed=int(seed),
            hard_negative_share=float(share),
            roles=() if every_role else tuple(chosen),
            model=model,
            base_url=base_url or None,
            rpm=int(rpm),
            tpm=int(tpm),
            concurrency=int(concurrency),
            temperature=float(temperature),
            price_input_per_m=float(price_in),
            price_output_per_m=float(price_out),
            batch=batch,
            use_starter_corpus=starter,
        )
        job_profile(settings)  # an impossible role choice is refused here, not in the worker
        job_id = start_job(settings, api_key=api_key)
    except ShortlistError as exc:
        st.error(f"The job could not start: {md_escape(str(exc))}")
    else:
        st.session_state["gen_job"] = job_id
        st.session_state["gen_flash"] = f"Started job {job_id}."
        st.rerun()
else:
    st.caption(f"Plans {2 * int(per_class):,} resumes in all; results appear on Explore and Train.")

st.subheader("Jobs")
if not jobs:
    st.info("No generation jobs yet. Jobs started here or with `shortlist generate` are listed here.")
    st.stop()
by_id = {status.job_id: status for status in jobs}
if st.session_state.get("gen_job") not in by_id:
    st.session_state["gen_job"] = (running or jobs)[0].job_id
job_id = st.selectbox("Job", list(by_id), format_func=lambda j: job_label(by_id[j]), key="gen_job")
picked = by_id[job_id]
left, right = st.columns(2)
cancel = left.button("Cancel", key="gen_cancel", disabled=not picked.alive)
resume = right.button(
    "Resume", key="gen_resume", disabled=picked.alive or picked.state == "completed" or bool(running)
)
if cancel:
    cancel_job(job_id, wait_s=5.0)
    st.session_state["gen_flash"] = f"Asked job {job_id} to stop; records written so far are kept."
    st.rerun()
if resume:
    try:
        resume_job(job_id, api_key=api_key)
    except ShortlistError as exc:
        st.error(f"The job could not resume: {md_escape(str(exc))}")
    else:
        st.session_state["gen_flash"] = f"Resumed job {job_id}: it skips the resumes already written."
        st.rerun()


@st.fragment(run_every=1.0)
def progress(job: str) -> None:
    status = job_status(job)
    if status is None or not status.alive:
        st.rerun()  # it ended: redraw the whole page with the final state and re-enabled buttons
    assert status is not None
    show_status(status)
    if status.heartbeat_age_s > 30:
        st.warning(f"No progress report for {duration(status.heartbeat_age_s)}: the worker may be stuck.")
    else:
        st.info("Running in the background: you can leave this page or close the tab and come back.")


if picked.alive:
    progress(job_id)
else:
    show_status(picked)
    if picked.state == "completed":
        st.success(
            f"Completed: {picked.done_total} resumes in {md_escape(str(job_records_path(job_id)))}. "
            f"Explore and Train list them as Generated: {job_id}."
        )
    elif picked.state == "failed":
        st.error(f"The job stopped: {md_escape(picked.message or 'no reason was recorded')}")
    elif picked.state == "cancelled":
        st.warning("Cancelled. Resume continues where it stopped, without repeating any resume.")
    else:
        st.warning(
            f"The job is {md_escape(picked.state)}: its worker ended without finishing. Resume continues "
            "where it stopped."
        )
