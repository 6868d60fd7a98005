"""Model versions: the bundled default plus versions trained in the app, and which one is active.

The bundled version lives in ``models/default`` (read-only, committed). Versions trained by users live under the
state folder. The active version is a small JSON file, so every page and the CLI see a switch at once.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from core.errors import ConfigError, ModelError
from core.model.artifact import ModelArtifact, read_metadata
from core.paths import bundled_model_dir, state_dir
from core.storage import write_json

HISTORY_LIMIT = 20  # earlier active versions remembered for roll back


@dataclass(frozen=True)
class ModelVersion:
    """A model version on disk and what its metadata says."""

    version: str
    path: Path
    bundled: bool
    metadata: dict[str, Any]

    @property
    def created_at(self) -> str:
        return str(self.metadata.get("created_at", ""))

    @property
    def held_out(self) -> dict[str, Any]:
        return dict(self.metadata.get("metrics", {}).get("held_out", {}))


def user_models_dir() -> Path:
    """Where versions trained in the app are written."""
    return state_dir() / "models"


def unused_version_name(stem: str, *also_reserved: Path) -> str:
    """``stem``, or ``stem-2``, ``stem-3``...: the first name no user version (nor a folder in
    ``also_reserved``, such as a staging area) has taken."""
    name, suffix = stem, 1
    while any((folder / name).exists() for folder in (user_models_dir(), *also_reserved)):
        suffix += 1
        name = f"{stem}-{suffix}"
    return name


def _active_file() -> Path:
    return state_dir() / "active_model.json"


def list_versions() -> list[ModelVersion]:
    """Every readable version, newest first; the bundled one is always listed when present."""
    found: list[ModelVersion] = []
    candidates = [(bundled_model_dir(), True)]
    if user_models_dir().is_dir():
        candidates += [(path, False) for path in sorted(user_models_dir().iterdir()) if path.is_dir()]
    for path, bundled in candidates:
        try:
            meta = read_metadata(path)
        except ModelError:
            continue
        found.append(ModelVersion(version=path.name, path=path, bundled=bundled, metadata=meta))
    return sorted(found, key=lambda v: v.created_at, reverse=True)


def active_version() -> ModelVersion:
    """The active version: the one last activated, else the bundled default."""
    versions = {v.version: v for v in list_versions()}
    chosen = None
    if _active_file().is_file():
        try:
            chosen = json.loads(_active_file().read_text(encoding="utf-8")).get("version")
        except (OSError, json.JSONDecodeError):
            chosen = None
    if chosen in versions:
        return versions[chosen]
    bundled = next((v for v in versions.values() if v.bundled), None)
    if bundled is None:
        raise ModelError("No model is available: the bundled model is missing. Run `make setup` again.")
    return bundled


def activate(version: str) -> ModelVersion:
    """Make ``version`` the active one after verifying its artifact (a tampered model is refused)."""
    match = next((v for v in list_versions() if v.version == version), None)
    if match is None:
        raise ConfigError(f"No model version called {version!r}")
    ModelArtifact.load(match.path)
    history = _history()
    try:
        current: str | None = active_version().version
    except ModelError:
        current = None
    if current is not None and current != version:
        history = [*history, current][-HISTORY_LIMIT:]
    _write_active(version, history)
    return match


def _write_active(version: str, history: list[str]) -> None:
    write_json(_active_file(), {"version": version, "history": history})


def _history() -> list[str]:
    """Versions that were active before the current one, oldest first."""
    try:
        data = json.loads(_active_file().read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    history = data.get("history") if isinstance(data, dict) else None
    return [str(item) for item in history] if isinstance(history, list) else []


def previous_version() -> str | None:
    """The version a :func:`rollback` would activate: the most recent earlier active one that still exists."""
    existing = {v.version for v in list_versions()}
    current = active_version().version
    return next((v for v in reversed(_history()) if v in existing and v != current), None)


def rollback() -> ModelVersion:
    """Activate the version that was active before the current one (verified, as :func:`activate` does).

    Rolling back walks back through the history: versions deleted since are skipped, and the version rolled
    back from is not pushed, so repeated rollbacks go further back instead of toggling.
    """
    existing = {v.version: v for v in list_versions()}
    current = active_version().version
    history = _history()
    while history:
        candidate = history.pop()
        if candidate in existing and candidate != current:
            ModelArtifact.load(existing[candidate].path)
            _write_active(candidate, history)
            return existing[candidate]
    raise ConfigError("There is no earlier version to roll back to")


def delete_version(version: str) -> None:
    """Delete a user-trained version; the bundled one and the active one cannot be deleted."""
    match = next((v for v in list_versions() if v.version == version), None)
    if match is None:
        raise ConfigError(f"No model version called {version!r}")
    if match.bundled:
        raise ConfigError("The bundled model cannot be deleted")
    if active_version().version == version:
        raise ConfigError("The active model cannot be deleted; activate another version first")
    shutil.rmtree(match.path)


def versions_frame(versions: Sequence[ModelVersion], active: str | None) -> pd.DataFrame:
    """The registry as a table: one row per version with its date, data, parameters and metrics."""
    rows = []
    for version in versions:
        meta = version.metadata
        training = meta.get("training", {}) if isinstance(meta.get("training"), dict) else {}
        config = training.get("config", {}) if isinstance(training.get("config"), dict) else {}
        details = training.get("dataset_details") or []
        held_out = version.held_out
        uploaded = meta.get("metrics", {}).get("uploaded") or {}
        thresholds = meta.get("thresholds", {}) if isinstance(meta.get("thresholds"), dict) else {}
        derived = meta.get("derived_from", {}) if isinstance(meta.get("derived_from"), dict) else {}
        rows.append(
            {
                "version": version.version,
                "active": version.version == active,
                "bundled": version.bundled,
                "created": version.created_at.replace("T", " ")[:16],
                "datasets": ", ".join(str(d.get("name", d.get("key"))) for d in details)
                or ", ".join(Path(str(p)).parent.name or str(p) for p in training.get("datasets", [])),
                "dataset sha256": ", ".join(str(d.get("sha256", ""))[:12] for d in details),
                "data sha256": str(training.get("data_sha256", ""))[:12],
                "records": training.get("records"),
                "excluded": training.get("excluded_by_reviewers", 0),
                "classifier": config.get("classifier", meta.get("classifier", {}).get("kind")),
                "C": config.get("C"),
                "gamma": str(config.get("gamma", "")),
                "balancing": config.get("balancing"),
                "review from": thresholds.get("review"),
                "shortlist from": thresholds.get("shortlist"),
                "bands set from": derived.get("version", ""),
                "ROC-AUC": held_out.get("roc_auc"),
                "avg. precision": held_out.get("average_precision"),
                "accuracy": held_out.get("accuracy"),
                "uploaded ROC-AUC": uploaded.get("roc_auc"),
            }
        )
    return pd.DataFrame(rows)
