"""What every page shares: cached core objects, the reviewer token, and safe text helpers.

Streamlit caches live here so each page stays a short script. Nothing here holds screening logic.
"""

from __future__ import annotations

import re

import streamlit as st

from core.data import VerdictStore
from core.embedding import WindowEncoder, create_encoder, resolve_device
from core.model import ModelVersion, active_version
from core.safe_text import without_controls
from core.screening import RunStore, Screener, ScreeningJobs, load_screener, new_reviewer_token
from core.training import TrainingJobs

BACKTICK_RUNS = re.compile(r"`+")
LINE_BREAKS = re.compile(r"[\r\n\t]+")


@st.cache_resource(show_spinner="Loading the encoder…")
def encoder() -> WindowEncoder:
    """The sentence encoder, loaded once per server for every reviewer and model version."""
    model = create_encoder(device="auto")
    model.encode(["warm up"], 1)  # load now, inside the spinner, rather than in the middle of a batch
    return model


@st.cache_resource(show_spinner="Loading the model…")
def screener_for(model_path: str, arrays_sha256: str) -> Screener:
    """A screener per model version; the hash in the key makes a re-trained version load afresh."""
    from pathlib import Path

    return load_screener(Path(model_path), device=device(), encoder=encoder())


def active_screener() -> tuple[ModelVersion, Screener]:
    """The active model version and its screener: a switch on the Train page applies at the next rerun."""
    version = active_version()
    return version, screener_for(str(version.path), str(version.metadata.get("arrays_sha256", "")))


@st.cache_resource
def device() -> str:
    return resolve_device("auto")


@st.cache_resource
def run_store() -> RunStore:
    return RunStore()


@st.cache_resource
def screening_jobs() -> ScreeningJobs:
    return ScreeningJobs(run_store())


def reviewer_token() -> str:
    """This reviewer's token, kept in the URL so a refresh or restart reopens their runs and nobody else's."""
    token = st.query_params.get("reviewer")
    if not token or not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token):
        token = new_reviewer_token()
        st.query_params["reviewer"] = token
    return token


def md_escape(text: str) -> str:
    """``text`` as Markdown that shows it literally: an inline code span, for every name, id, path or message
    that comes from a file, an archive, a dataset or a server.

    Backslash escapes are not enough in Streamlit: its Markdown turns ``www.x.example`` and ``jane@x.example``
    into links and ``:smile:`` into an emoji after escapes are resolved, in the text itself. Nothing inside a
    code span is Markdown, HTML, a link, an emoji or a directive. The fence is one backtick longer than the
    longest run of backticks in ``text``. Line breaks and tabs become spaces (as a code span would show them),
    other control characters U+FFFD.
    """
    text = without_controls(LINE_BREAKS.sub(" ", text))
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in BACKTICK_RUNS.findall(text)), default=0) + 1)
    # CommonMark strips one space from each side of a code span, so the padding keeps a leading or trailing
    # backtick from joining the fence and leaves the text's own spaces alone.
    return f"{fence} {text} {fence}"


@st.cache_resource
def verdict_store() -> VerdictStore:
    """Reviewer verdicts on training samples (accept / reject), shared by Explore and Train."""
    return VerdictStore()


@st.cache_resource
def training_jobs() -> TrainingJobs:
    """The server's training queue: one job at a time, in a background thread, progress in SQLite."""
    return TrainingJobs()
