"""The bundled model with the real encoder: behaviour a hiring manager relies on, and reproducibility.

Texts come from the starter records held out of training (data/samples/held_out.jsonl), so the model has not
seen them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.artifact import load_artifact
from core.dataset import read_records
from core.embedding import DocumentEmbedder, SentenceTransformerEncoder
from core.paths import bundled_model_dir, samples_dir, starter_corpus_path
from core.screening import Screener, load_screener
from core.training import TrainConfig, train_model

pytestmark = pytest.mark.slow

CORE_DEVOPS_EXPERIENCE = """
Platform Engineering (2021 - present)
- Built GitLab CI and Argo CD pipelines deploying 60 services to Kubernetes (EKS) several times a day
- Wrote Terraform modules for AWS VPCs, IAM and RDS; moved all infrastructure to code review
- Ran Prometheus, Grafana and PagerDuty on-call; defined SLOs and led blameless postmortems
"""


@pytest.fixture(scope="module")
def screener() -> Screener:
    return load_screener(device="cpu", use_cache=False)


@pytest.fixture(scope="module")
def held_out() -> dict[str, str]:
    records, _ = read_records(samples_dir() / "held_out.jsonl")
    return {
        f"{r.label}{'-hard' if r.extra.get('hard_negative') else ''}-{i}": r.text
        for i, r in enumerate(records)
    }


def test_the_bundled_model_is_small_and_verified() -> None:
    artifact = load_artifact(bundled_model_dir())
    size = sum(path.stat().st_size for path in bundled_model_dir().iterdir())
    assert size < 5 * 1024 * 1024
    assert artifact.encoder_id == "all-MiniLM-L6-v2"


def test_renaming_and_new_contact_details_leave_the_score_unchanged(screener: Screener) -> None:
    body = "Senior DevOps Engineer, Leeds\n" + CORE_DEVOPS_EXPERIENCE
    first = f"Hannah Whitcombe\nhannah.w@mailbox.example | +44 7700 900456 | linkedin.com/in/hwhit\n{body}"
    second = f"Rahul Iyer\nrahul.iyer@post.example | +91 98450 12345 | github.com/riyer\n{body}"
    a, b = screener.score_texts([first, second])
    assert a.probability == b.probability


def test_adding_core_devops_experience_raises_the_score(screener: Screener, held_out: dict[str, str]) -> None:
    hard_negative = next(text for key, text in held_out.items() if key.startswith("other-hard"))
    before, after = screener.score_texts([hard_negative, hard_negative + "\n" + CORE_DEVOPS_EXPERIENCE])
    assert after.probability > before.probability


def test_devops_resumes_rank_above_others(screener: Screener, held_out: dict[str, str]) -> None:
    keys = list(held_out)
    scores = dict(
        zip(keys, (s.probability for s in screener.score_texts([held_out[k] for k in keys])), strict=True)
    )
    devops = [scores[k] for k in keys if k.startswith("devops")]
    others = [scores[k] for k in keys if k.startswith("other")]
    assert min(devops) > max(others)


def test_an_empty_resume_is_never_shortlisted(screener: Screener) -> None:
    for text in ("", "   \n  "):
        [score] = screener.score_texts([text])
        assert screener.thresholds.band(score.probability) == "reject"


def test_retraining_from_the_corpus_reproduces_the_bundled_model(tmp_path: Path) -> None:
    bundled = load_artifact(bundled_model_dir())
    config = TrainConfig(
        **{
            key: value
            for key, value in bundled.metadata["training"]["config"].items()
            if key in ("classifier", "C", "gamma", "balancing", "test_fraction", "seed")
        },
        chunking=bundled.chunking,
    )
    embedder = DocumentEmbedder(SentenceTransformerEncoder(device="cpu", precision="fp32"), bundled.chunking)
    result = train_model([starter_corpus_path()], tmp_path / "retrained", embedder, config)
    retrained = load_artifact(result.model_dir)
    probe = np.random.default_rng(0).normal(size=(50, 384))
    probe /= np.linalg.norm(probe, axis=1, keepdims=True)
    from core.scoring import TorchScorer

    ours = TorchScorer(retrained.model).decision(probe)
    reference = TorchScorer(bundled.model).decision(probe)
    assert np.allclose(ours, reference, atol=1e-6)
    assert retrained.thresholds == bundled.thresholds
    assert json.dumps(retrained.metadata["metrics"], sort_keys=True) == json.dumps(
        bundled.metadata["metrics"], sort_keys=True
    )
