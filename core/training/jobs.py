"""Training a new model version as a background job, with its progress in SQLite so a page can poll it.

Why a thread in the server and not a worker process (DESIGN decision 7 asks for a process for long work), as for
screening (``core.screening.jobs``): training needs the encoder, which the server already holds once for every
reviewer; a worker process would load a second copy (about 300 MB and several seconds) per job. Embeddings come
from the shared on-disk cache, so a retrain after adding data embeds only the new texts and the slow part is
short. The thread lives in the server, not in the browser session, so a refresh loses nothing; a job cut off
by a server restart is marked ``interrupted`` on the next start. One job runs at a time, and a second
submission while one is queued or running is refused, so a rerun never starts a second job.

A version is trained in a staging folder and moved into :func:`core.model.registry.user_models_dir` only when it is
complete (artifact, metrics and held-out scores), so the registry never lists a half-written version.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from core.data.catalog import DatasetInfo
from core.data.dataset import LoadedDataset, ResumeRecord, first_of_each_id, load_datasets, read_records
from core.embedding.embedder import WindowEncoder, cached_embedder
from core.errors import ConfigError, DatasetError, ShortlistError
from core.model.artifact import ModelArtifact
from core.model.evaluation import SCORES_FILE, EvaluationReport, ScoredSet, evaluate
from core.model.registry import unused_version_name, user_models_dir
from core.paths import state_dir
from core.storage import SqliteStore, private_dir, write_json
from core.training.trainer import TrainConfig, labels_of, split_indices, train_model

log = logging.getLogger(__name__)

StepCallback = Callable[[str, int, int], None]

SCHEMA = """
CREATE TABLE IF NOT EXISTS training_jobs (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,          -- queued, running, done, failed, interrupted
    step TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL,
    result TEXT NOT NULL DEFAULT '{}'
);
"""


# --- The job -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingRequest:
    """What to train: datasets, records left out (reviewer-rejected), configuration, optional evaluation set."""

    datasets: tuple[DatasetInfo, ...]
    config: TrainConfig = field(default_factory=TrainConfig)
    exclude_ids: tuple[str, ...] = ()
    evaluation: tuple[ResumeRecord, ...] = ()
    evaluation_name: str = ""

    def describe(self) -> dict[str, object]:
        """JSON-ready summary, stored with the job."""
        config = asdict(self.config)
        return {
            "datasets": [{"key": d.key, "name": d.name, "path": str(d.path)} for d in self.datasets],
            "config": config,
            "excluded": len(self.exclude_ids),
            "evaluation": {"name": self.evaluation_name, "records": len(self.evaluation)}
            if self.evaluation
            else None,
        }


@dataclass(frozen=True)
class TrainingJob:
    """A training job's header and, once done, its result."""

    id: str
    created_at: str
    status: str
    step: str
    done: int
    total: int
    error: str
    version: str
    request: dict[str, Any]
    result: dict[str, Any]

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed", "interrupted")


def new_version_name(classifier: str) -> str:
    """A readable, unused version name: time and classifier kind."""
    return unused_version_name(f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{classifier}", _staging_dir())


def _staging_dir() -> Path:
    return state_dir() / "training-staging"


def _dataset_details(datasets: Sequence[DatasetInfo], exclude: set[str]) -> list[dict[str, object]]:
    """Per dataset: records used from it and the sha256 over them, after rejections and earlier duplicates."""
    seen: set[str] = set()
    details = []
    for info in datasets:
        records, broken = read_records(info.path)
        used = first_of_each_id(records, seen, exclude)
        digest = LoadedDataset(used, broken, (str(info.path),)).content_hash() if used else ""
        details.append({"key": info.key, "name": info.name, "records": len(used), "sha256": digest})
    return details


def run_training(
    request: TrainingRequest,
    encoder: WindowEncoder,
    version: str | None = None,
    on_step: StepCallback | None = None,
) -> dict[str, Any]:
    """Train, evaluate and save a new version under ``user_models_dir()``; returns the job result.

    The result holds the version name, the held-out report, the report on the uploaded set (when one was
    given) and the split sizes. The held-out scores are saved with the version for curves and histograms.
    """
    from core.screening.screener import Screener

    if not request.datasets:
        raise ConfigError("Choose at least one dataset to train on")
    step = on_step or (lambda _step, _done, _total: None)
    config = request.config
    version = version or new_version_name(config.classifier)
    staging = _staging_dir() / version
    final = user_models_dir() / version
    if final.exists():
        raise ConfigError(f"A version called {version!r} already exists")
    embedder = cached_embedder(encoder, config.chunking)
    paths = [info.path for info in request.datasets]
    exclude = set(request.exclude_ids)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        step("loading", 0, 0)
        details = _dataset_details(request.datasets, exclude)

        def embedding(done: int, total: int) -> None:
            step("embedding" if done < total else "fitting", done, total)

        trained = train_model(paths, staging, embedder, config, request.exclude_ids, on_progress=embedding)
        to_score = trained.n_test + len(request.evaluation)
        step("evaluating", 0, to_score)
        dataset = load_datasets(paths, exclude_ids=request.exclude_ids)
        if dataset.content_hash() != trained.metadata["training"]["data_sha256"]:  # type: ignore[index]
            raise DatasetError("A dataset changed while the model was training; train again")
        labels = labels_of(dataset.records)
        _, test_idx = split_indices(labels, config.test_fraction, config.seed)
        # The held-out set is scored again through the screening path (torch, not scikit-learn): the curves
        # show exactly what Screen will compute, and the split is the one train_model used (same seed).
        artifact = ModelArtifact.load(staging)
        screener = Screener(artifact, embedder, device="cpu")
        test_records = [dataset.records[i] for i in test_idx]
        test_scores = screener.score_texts(
            [r.text for r in test_records], lambda done, _total: step("evaluating", done, to_score)
        )
        held_out = ScoredSet(
            ids=tuple(r.id for r in test_records),
            labels=labels[test_idx],
            probabilities=np.array([s.probability for s in test_scores]),
        )
        sets = {"held_out": held_out}
        uploaded: EvaluationReport | None = None
        if request.evaluation:
            records = list(request.evaluation)
            scores = screener.score_texts(
                [r.text for r in records],
                lambda done, _total: step("evaluating", trained.n_test + done, to_score),
            )
            sets["uploaded"] = ScoredSet(
                ids=tuple(r.id for r in records),
                labels=labels_of(records),
                probabilities=np.array([s.probability for s in scores]),
            )
            uploaded = evaluate(
                sets["uploaded"].labels, sets["uploaded"].probabilities, screener.thresholds, group="uploaded"
            )
        step("saving", 0, 0)
        write_json(staging / SCORES_FILE, {name: scored.to_json() for name, scored in sets.items()})
        metadata = artifact.metadata
        training = {**metadata["training"], "dataset_details": details, "excluded_by_reviewers": len(exclude)}
        metrics = dict(metadata["metrics"])
        if uploaded is not None:
            metrics["uploaded"] = {**uploaded.to_dict(), "name": request.evaluation_name}
        replace(artifact, metadata={**metadata, "training": training, "metrics": metrics}).save_metadata()
        private_dir(final.parent)
        staging.replace(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {
        "version": version,
        "n_train": trained.n_train,
        "n_test": trained.n_test,
        "excluded": len(exclude),
        "held_out": trained.report.to_dict(),
        "uploaded": uploaded.to_dict() if uploaded is not None else None,
    }


class TrainingJobStore(SqliteStore):
    """Training jobs in SQLite (the app database). Safe to share across threads."""

    schema = SCHEMA

    def create(self, request: dict[str, object], version: str) -> str | None:
        """A new queued job, or None when another job is queued or running (one at a time)."""
        job_id = secrets.token_hex(8)
        with self._lock, self._connect() as conn:
            busy = conn.execute(
                "SELECT count(*) FROM training_jobs WHERE status IN ('queued', 'running')"
            ).fetchone()[0]
            if busy:
                return None
            conn.execute(
                "INSERT INTO training_jobs (id, created_at, status, step, version, request) "
                "VALUES (?, ?, 'queued', 'queued', ?, ?)",
                (job_id, datetime.now(UTC).isoformat(timespec="seconds"), version, json.dumps(request)),
            )
        return job_id

    def update(self, job_id: str, step: str, done: int, total: int) -> None:
        with self._lock, self._connect() as conn:
            conn.execute(
                "UPDATE training_jobs SET status='running', step=?, done=?, total=? WHERE id=?",
                (step, done, total, job_id),
            )

    def finish(self, job_id: str, result: dict[str, Any]) -> None:
        with self._lock, self._connect() as conn:
            conn.execute(
                "UPDATE training_jobs SET status='done', step='done', done=total, result=? WHERE id=?",
                (json.dumps(result), job_id),
            )

    def fail(self, job_id: str, message: str) -> None:
        with self._lock, self._connect() as conn:
            conn.execute("UPDATE training_jobs SET status='failed', error=? WHERE id=?", (message, job_id))

    def mark_interrupted(self) -> int:
        """Jobs left queued or running by a previous server process; returns how many."""
        with self._lock, self._connect() as conn:
            cursor = conn.execute(
                "UPDATE training_jobs SET status='interrupted', error='The app restarted while this job "
                "was running.' WHERE status IN ('queued', 'running')"
            )
            return cursor.rowcount

    def jobs(self, limit: int = 20) -> list[TrainingJob]:
        """The latest jobs, newest first."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM training_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_job(row) for row in rows]

    def job(self, job_id: str) -> TrainingJob | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM training_jobs WHERE id=?", (job_id,)).fetchone()
        return _job(row) if row is not None else None

    def running(self) -> TrainingJob | None:
        """The queued or running job, if any."""
        return next((job for job in self.jobs() if not job.finished), None)


_COLUMNS = "id, created_at, status, step, done, total, error, version, request, result"


def _job(row: Sequence[Any]) -> TrainingJob:
    return TrainingJob(
        id=row[0],
        created_at=row[1],
        status=row[2],
        step=row[3],
        done=row[4],
        total=row[5],
        error=row[6],
        version=row[7],
        request=json.loads(row[8]),
        result=json.loads(row[9]),
    )


class TrainingJobs:
    """Runs training jobs one at a time in a background thread of the server."""

    def __init__(self, store: TrainingJobStore | None = None):
        self.store = store or TrainingJobStore()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="training")
        self.store.mark_interrupted()
        # Whatever is staged belongs to a job the restart cut off: it never became a version.
        shutil.rmtree(_staging_dir(), ignore_errors=True)

    def submit(self, request: TrainingRequest, encoder: WindowEncoder) -> tuple[str, Future[None]]:
        """Queue ``request``; returns the job id at once. Refused while another job is queued or running."""
        if not request.datasets:
            raise ConfigError("Choose at least one dataset to train on")
        version = new_version_name(request.config.classifier)
        job_id = self.store.create(request.describe(), version)
        if job_id is None:
            raise ConfigError("A training job is already running; wait for it to finish")
        return job_id, self._pool.submit(self._run, job_id, request, encoder, version)

    def _run(self, job_id: str, request: TrainingRequest, encoder: WindowEncoder, version: str) -> None:
        try:
            result = run_training(
                request,
                encoder,
                version,
                on_step=lambda step, done, total: self.store.update(job_id, step, done, total),
            )
            self.store.finish(job_id, result)
        except ShortlistError as exc:
            self.store.fail(job_id, str(exc))
        except Exception:  # one broken job must never take the server down
            log.exception("Training job %s failed", job_id)
            self.store.fail(job_id, "Training failed unexpectedly; the details are in the server log.")
