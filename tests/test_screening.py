from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.screening.redaction import model_input
from core.screening.screener import Candidate, filter_candidates, load_screener, rank_candidates, screen_files
from core.training.trainer import TrainConfig, train_model
from tests.conftest import toy_text
from tests.pdf_factory import resume_pdf, scanned_pdf, truncated_pdf, white_text_pdf


@pytest.fixture
def screener(tmp_path: Path, toy_dataset: Path, fake_embedder, fake_encoder):
    config = TrainConfig(chunking=fake_embedder.chunking)
    model_dir = train_model([toy_dataset], tmp_path / "m", fake_embedder, config).model_dir
    return load_screener(model_dir, device="cpu", encoder=fake_encoder)


def test_batch_is_ranked_and_bad_files_are_listed_not_scored(screener) -> None:
    rng = np.random.default_rng(5)
    files = [
        ("good-devops.pdf", resume_pdf(toy_text(rng, True, 200))),
        ("scan.pdf", scanned_pdf()),
        ("broken.pdf", truncated_pdf()),
        ("other.pdf", resume_pdf(toy_text(rng, False, 200))),
        ("notes.pdf", b"hello, not a pdf"),
    ]
    steps: list[str] = []
    candidates = screen_files(files, screener, on_step=lambda step, done, total: steps.append(step))
    scored = [c for c in candidates if c.scored]
    assert [c.file for c in scored] == ["good-devops.pdf", "other.pdf"]
    assert [c.rank for c in scored] == [1, 2]
    assert scored[0].score is not None and scored[0].score > scored[1].score  # type: ignore[operator]
    assert scored[0].evidence and scored[0].evidence in model_input(scored[0].text)
    rejected = {c.file: c for c in candidates if not c.scored}
    assert set(rejected) == {"scan.pdf", "broken.pdf", "notes.pdf"}
    assert all(c.score is None and c.rank is None and c.reason for c in rejected.values())
    assert {"parsing", "scoring"} <= set(steps)


def test_same_file_same_model_same_score(screener) -> None:
    data = resume_pdf(toy_text(np.random.default_rng(1), True, 300))
    first = screen_files([("a.pdf", data)], screener)[0].score
    again = screen_files([("b.pdf", data), ("c.pdf", resume_pdf("filler " * 50))], screener)
    assert next(c.score for c in again if c.file == "b.pdf") == first


def test_hidden_text_is_flagged_and_not_scored(screener) -> None:
    [candidate] = screen_files([("stuffed.pdf", white_text_pdf())], screener)
    assert candidate.scored and "hidden_text" in candidate.flags and candidate.reason


def test_empty_resume_is_never_shortlisted(screener) -> None:
    [scores] = screener.score_texts([""])
    assert scores.probability == 0.0
    assert screener.thresholds.band(scores.probability) != "shortlist"


def test_renaming_the_candidate_leaves_the_score_unchanged(screener) -> None:
    body = toy_text(np.random.default_rng(2), True, 250).split("\n", 1)[1]
    a = f"Maria Gonzalez\nmaria.g@mail.example | +34 612 345 678\n{body}"
    b = f"Kwame Mensah\nkwame.mensah@post.example | (555) 010-2233\n{body}"
    score_a, score_b = screener.score_texts([a, b])
    assert score_a.probability == score_b.probability


def test_rank_and_filter_candidates() -> None:
    def cand(file: str, score: float | None, name: str = "") -> Candidate:
        return Candidate(
            file=file,
            sha256="0" * 64,
            status="scored" if score is not None else "rejected",
            name=name,
            text=f"text of {file}",
            pages=1,
            model_version="v",
            score=score,
            band="review",
        )

    ranked = rank_candidates([cand("b", 0.2), cand("x", None), cand("a", 0.9, "Ann"), cand("c", 0.2)])
    assert [(c.file, c.rank) for c in ranked] == [("a", 1), ("b", 2), ("c", 3), ("x", None)]
    assert [c.file for c in filter_candidates(ranked, ["review"], "ann")] == ["a"]
