"""Shared fixtures: a small deterministic fake encoder, toy datasets, an isolated state folder."""

from __future__ import annotations

import json
import re
import tomllib
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from core.embedding.chunking import Chunking, Span
from core.embedding.embedder import DocumentEmbedder
from core.screening.requirements import RoleRequirements

WORD = re.compile(r"\w+")
# The Senior DevOps role's requirements and minimum years, until the role profiles land in data/roles/.
DEVOPS_ROLE_FILE = Path(__file__).parent / "fixtures" / "roles" / "senior-devops.toml"


class FakeEncoder:
    """Bag of hashed words: deterministic, fast, and similar texts get similar vectors, like a real encoder."""

    encoder_id = "fake-bow-64"
    cache_identity = "fake-bow-64|exact"
    dimension = 64

    def token_spans(self, text: str) -> list[Span]:
        return [(m.start(), m.end()) for m in WORD.finditer(text)]

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                vectors[row, zlib.crc32(word.encode()) % self.dimension] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)


DEVOPS_WORDS = [
    "kubernetes",
    "terraform",
    "jenkins",
    "pipelines",
    "ansible",
    "helm",
    "prometheus",
    "grafana",
    "oncall",
    "incident",
    "aws",
    "docker",
    "gitops",
    "argocd",
    "sre",
    "reliability",
    "infrastructure",
    "automation",
    "cicd",
]
OTHER_WORDS = [
    "patients",
    "nursing",
    "lesson",
    "classroom",
    "sales",
    "quota",
    "invoices",
    "ledger",
    "recipes",
    "kitchen",
    "marketing",
    "campaign",
    "react",
    "frontend",
    "css",
    "figma",
    "payroll",
    "tenants",
    "freight",
    "welding",
]
COMMON_WORDS = [
    "team",
    "managed",
    "delivered",
    "improved",
    "years",
    "experience",
    "responsible",
    "worked",
    "led",
    "company",
    "project",
]


def toy_text(rng: np.random.Generator, positive: bool, words: int = 120) -> str:
    vocab = DEVOPS_WORDS if positive else OTHER_WORDS
    picks = [rng.choice(vocab) if rng.random() < 0.45 else rng.choice(COMMON_WORDS) for _ in range(words)]
    return "Jordan Example\n" + " ".join(str(p) for p in picks)


def toy_records(n_per_class: int = 40, seed: int = 0) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    records: list[dict[str, object]] = []
    for label in ("devops", "other"):
        for i in range(n_per_class):
            records.append(
                {
                    "id": f"{label}-{i}",
                    "text": toy_text(rng, label == "devops", int(rng.integers(40, 400))),
                    "label": label,
                    "role": label,
                    "source": "toy",
                }
            )
    return records


@pytest.fixture(autouse=True)
def isolated_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes runtime state (cache, SQLite, jobs) to its own temporary folder."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("SHORTLIST_STATE_DIR", str(state))
    return state


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def fake_embedder(fake_encoder: FakeEncoder) -> DocumentEmbedder:
    return DocumentEmbedder(fake_encoder, Chunking(window_tokens=40, overlap_tokens=8))


@pytest.fixture
def toy_dataset(tmp_path: Path) -> Path:
    path = tmp_path / "toy.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in toy_records()), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def devops_role() -> RoleRequirements:
    with DEVOPS_ROLE_FILE.open("rb") as handle:
        return RoleRequirements.from_mapping(tomllib.load(handle))
