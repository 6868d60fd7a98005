"""Where things live. Every path comes from a function, so nothing happens at import time.

Bundled, read-only inputs live in the repository (``data/``, ``models/``). Runtime state (embedding cache,
SQLite, generation jobs) lives under one folder, ``data/state/`` by default (git-ignored), or
``SHORTLIST_STATE_DIR`` when set.
"""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """The checkout (or installed source tree) holding ``core/``."""
    return Path(__file__).resolve().parent.parent


def _env_path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else default


def data_dir() -> Path:
    """Bundled data: the starter corpus and sample PDFs (``SHORTLIST_DATA_DIR`` overrides)."""
    return _env_path("SHORTLIST_DATA_DIR", repo_root() / "data")


def bundled_model_dir() -> Path:
    """The model version shipped with the repository."""
    return repo_root() / "models" / "default"


def starter_corpus_path() -> Path:
    """The bundled synthetic training corpus."""
    return data_dir() / "starter" / "resumes.jsonl"


def samples_dir() -> Path:
    """Sample PDFs for the README demo and the 'try sample resumes' action."""
    return data_dir() / "samples"


def state_dir() -> Path:
    """Runtime state root (``SHORTLIST_STATE_DIR`` overrides); created on first use by callers."""
    return _env_path("SHORTLIST_STATE_DIR", data_dir() / "state")


def cache_dir() -> Path:
    """The embedding cache."""
    return state_dir() / "cache"


def jobs_dir() -> Path:
    """Generation and training jobs: their outputs, status files and logs."""
    return state_dir() / "jobs"


def database_path() -> Path:
    """The SQLite file for app state: screening runs, training jobs and reviewer verdicts. (The active model is
    a JSON file beside it, ``active_model.json``; see ``core.model.registry``.)"""
    return state_dir() / "shortlist.sqlite3"
