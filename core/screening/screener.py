"""Documents to ranked candidates: score, band, fit, evidence passage, flags and rejection reasons.

A ``Screener`` bundles one verified model version with the encoder it was trained with, and the requirements of
the role it screens for. It scores the redacted text (``core.screening.redaction.model_input``) with visible
stuffing cut out, so names, contact details and pasted keywords never move a score, and the same file with the
same model always gets the same score. Candidates are ranked by band, then by fit (``core.screening.fit``), then
by score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from core.documents.batch import parse_documents
from core.documents.inputs import InputCaps, collect_uploads
from core.documents.types import DocumentLimits, ParsedDocument
from core.embedding.backends import Backend, create_encoder
from core.embedding.device import Precision
from core.embedding.embedder import DocumentEmbedder, WindowEncoder, cached_embedder
from core.errors import ModelError
from core.model.artifact import ModelArtifact
from core.model.classifier import Thresholds
from core.paths import bundled_model_dir
from core.screening.duplicates import mark_repeats
from core.screening.fit import BANDS, Fit, assess_text, fit_score
from core.screening.quality import without_spans
from core.screening.redaction import find_name, model_input
from core.screening.requirements import RoleRequirements

ProgressCallback = Callable[[int, int], None]
StepCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TextScore:
    """The model's verdict on one text."""

    probability: float
    decision: float
    evidence: str
    window_probabilities: tuple[float, ...]


@dataclass(frozen=True)
class Candidate:
    """One screened file. ``status`` is ``scored`` or ``rejected``; rejected files have no score or rank."""

    file: str
    sha256: str
    status: str
    name: str | None
    text: str
    pages: int
    model_version: str
    score: float | None = None
    band: str | None = None
    evidence: str = ""
    rank: int | None = None
    rejection: str | None = None
    reason: str = ""
    flags: tuple[str, ...] = field(default_factory=tuple)
    # A file that repeats a higher-ranked one (core.screening.duplicates): how, which file, and its rank.
    duplicate_kind: str | None = None
    duplicate_of: str | None = None
    duplicate_of_rank: int | None = None
    fit: Fit | None = None  # None for rejected files, and for runs screened before fit existed

    @property
    def scored(self) -> bool:
        return self.status == "scored"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Candidate:
        """A candidate from ``dataclasses.asdict`` values read back from JSON (lists become tuples again)."""
        return _candidate_adapter().validate_python(dict(data))


@cache
def _candidate_adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Candidate)


def text_read_by_model(candidate: Candidate) -> str:
    """The text the model read for ``candidate``: visible stuffing cut out, personal details removed."""
    stuffing = candidate.fit.stuffing if candidate.fit else ()
    text = (
        without_spans(candidate.text, [(item.start, item.end) for item in stuffing])
        if stuffing
        else candidate.text
    )
    return model_input(text)


class Screener:
    """A model version plus its encoder: texts in, calibrated scores and evidence out.

    ``role`` holds the requirements and minimum years the fit score checks; without it, fit is the probability.
    """

    def __init__(
        self,
        artifact: ModelArtifact,
        embedder: DocumentEmbedder,
        device: str = "cpu",
        role: RoleRequirements | None = None,
    ):
        from core.model.scoring import TorchScorer

        self.artifact = artifact
        self.embedder = embedder
        self.scorer = TorchScorer(artifact.model, device=device)
        self.role = role

    @property
    def thresholds(self) -> Thresholds:
        return self.artifact.thresholds

    def score_texts(
        self, texts: Sequence[str], on_progress: ProgressCallback | None = None
    ) -> list[TextScore]:
        """Scores for ``texts`` in order. The evidence is the window whose own score is highest."""
        inputs = [model_input(text) for text in texts]
        embedded = self.embedder.embed(inputs, on_progress)
        if not embedded:
            return []
        decisions = self.scorer.decision(np.stack([item.vector for item in embedded]))
        window_counts = [len(item.spans) for item in embedded]
        all_windows = [item.window_vectors for item in embedded if len(item.spans)]
        window_decisions = self.scorer.decision(np.concatenate(all_windows)) if all_windows else np.zeros(0)
        calibration = self.artifact.calibration
        results: list[TextScore] = []
        cursor = 0
        for text, item, decision, count in zip(inputs, embedded, decisions, window_counts, strict=True):
            windows = window_decisions[cursor : cursor + count]
            cursor += count
            evidence = ""
            if count:
                start, end = item.spans[int(np.argmax(windows))]
                evidence = text[start:end]
            results.append(
                TextScore(
                    probability=float(calibration.probability(np.array([decision]))[0]) if count else 0.0,
                    decision=float(decision),
                    evidence=evidence,
                    window_probabilities=tuple(float(p) for p in calibration.probability(windows)),
                )
            )
        return results


def load_screener(
    model_dir: Path | None = None,
    device: str = "auto",
    encoder: WindowEncoder | None = None,
    use_cache: bool = True,
    precision: Precision = "auto",
    backend: Backend = "auto",
    role: RoleRequirements | None = None,
) -> Screener:
    """A screener for ``model_dir`` (the bundled model by default) on ``device``, checking fit against ``role``.

    The real encoder is loaded unless one is given; a model trained with another encoder is refused.
    ``backend`` ``auto`` runs the encoder with OpenVINO on the CPU (torch on CUDA); ``precision`` ``auto`` uses
    bf16 on CPUs with bf16 units and fp16 on CUDA. ``backend="torch", precision="fp32"`` is the full-precision
    path.
    """
    from core.embedding.device import resolve_device

    artifact = ModelArtifact.load(model_dir or bundled_model_dir())
    resolved = resolve_device(device)
    window_encoder = encoder or create_encoder(resolved, precision, backend)
    if window_encoder.encoder_id != artifact.encoder_id:
        raise ModelError(
            f"Model {artifact.version} was trained with encoder {artifact.encoder_id!r}, "
            f"but {window_encoder.encoder_id!r} is loaded"
        )
    return Screener(
        artifact, cached_embedder(window_encoder, artifact.chunking, use_cache), device=resolved, role=role
    )


def band_of(candidate: Candidate, thresholds: Thresholds) -> str:
    """The candidate's band at ``thresholds``, after the fit rules (too little to judge, stuffing, seniority)."""
    band = thresholds.band(candidate.score or 0.0)
    return candidate.fit.band(band) if candidate.fit else band


def rank_key(candidate: Candidate) -> tuple[int, float, float]:
    """Where a scored candidate sits in a ranking: band, then fit, then probability (lower sorts first)."""
    band = BANDS.index(candidate.band) if candidate.band in BANDS else len(BANDS)
    return band, -(candidate.fit.score if candidate.fit else 0.0), -(candidate.score or 0.0)


def rank_candidates(candidates: Sequence[Candidate], thresholds: Thresholds | None = None) -> list[Candidate]:
    """Scored candidates ranked 1..n by band, then fit, then score (ties by file name); rejected files after,
    unranked.

    With ``thresholds``, bands are recomputed: a reviewer moving the band boundaries changes no score or fit.
    Runs saved before fit existed have no fit and are ranked by score inside each band. A repeat's reference to
    the file it repeats is numbered with that file's rank.
    """
    scored = [replace(c, band=band_of(c, thresholds)) if thresholds else c for c in candidates if c.scored]
    rejected = sorted((c for c in candidates if not c.scored), key=lambda c: c.file)
    ordered = sorted(scored, key=lambda c: (*rank_key(c), c.file))
    ranked = [replace(c, rank=rank) for rank, c in enumerate(ordered, start=1)]
    everyone = ranked + [replace(c, rank=None) for c in rejected]
    rank_of = {c.file: c.rank for c in everyone}
    return [
        replace(c, duplicate_of_rank=rank_of.get(c.duplicate_of)) if c.duplicate_of is not None else c
        for c in everyone
    ]


def screen_documents(
    documents: Sequence[ParsedDocument],
    screener: Screener,
    on_progress: ProgressCallback | None = None,
    as_of: date | None = None,
) -> list[Candidate]:
    """Candidates for parsed documents, ranked. Rejected documents are listed with their reason, never scored.

    Each text is checked for stuffing, requirements and years (as of ``as_of``, default today) before the
    model scores what is left. Files that repeat a higher-ranked one (same file, same resume, same applicant)
    say which.
    """
    version = screener.artifact.version
    usable = [doc for doc in documents if doc.ok]
    assessments = [assess_text(doc.text, screener.role, as_of) for doc in usable]
    scores = screener.score_texts([a.model_text for a in assessments], on_progress)
    by_key = {id(doc): pair for doc, pair in zip(usable, zip(scores, assessments, strict=True), strict=True)}
    candidates = []
    for doc in documents:
        candidate = Candidate(
            file=doc.name,
            sha256=doc.sha256,
            status="rejected",
            name=find_name(doc.text) if doc.text else None,
            text=doc.text,
            pages=doc.pages,
            model_version=version,
            flags=tuple(str(flag) for flag in doc.flags),
            rejection=str(doc.rejection),
            reason=doc.reason_message or "",
        )
        pair = by_key.get(id(doc))
        if pair is not None:
            score, assessment = pair
            fit = fit_score(score.probability, assessment, screener.role)
            candidate = replace(
                candidate,
                status="scored",
                rejection=None,
                score=score.probability,
                band=fit.band(screener.thresholds.band(score.probability)),
                evidence=score.evidence,
                reason="; ".join([*doc.flag_messages, *(flag.message for flag in fit.flags)]),
                flags=candidate.flags + tuple(str(flag) for flag in fit.flags),
                fit=fit,
            )
        candidates.append(candidate)
    return rank_candidates(mark_repeats(rank_candidates(candidates)))


def screen_files(
    files: Sequence[tuple[str, bytes]],
    screener: Screener,
    limits: DocumentLimits | None = None,
    on_step: StepCallback | None = None,
    caps: InputCaps | None = None,
) -> list[Candidate]:
    """Screen uploaded ``files`` (name, bytes): PDFs, and ``.zip`` archives expanded into their members.

    Archive members are read one at a time as they are parsed, within ``caps`` for the whole upload; every input
    that is not scored (skipped while collecting, or rejected by the parser) is a rejected candidate with its
    reason. ``on_step(step, done, total)`` reports the parsing and scoring phases.
    """
    limits = limits or DocumentLimits()
    inputs = collect_uploads(files, limits, caps or InputCaps())
    if on_step is not None:
        on_step("parsing", 0, len(inputs))
    parse_progress = (lambda done, total: on_step("parsing", done, total)) if on_step else None
    documents = parse_documents(inputs, limits=limits, on_progress=parse_progress)
    score_progress = (lambda done, total: on_step("scoring", done, total)) if on_step else None
    return screen_documents(documents, screener, score_progress)


def filter_candidates(
    candidates: Sequence[Candidate], bands: Sequence[str], query: str = ""
) -> list[Candidate]:
    """Candidates in ``bands`` whose name, file or text contains ``query`` (case-insensitive)."""
    needle = query.strip().casefold()
    return [
        c
        for c in candidates
        if c.band in bands and (not needle or needle in f"{c.name or ''}\n{c.file}\n{c.text}".casefold())
    ]
