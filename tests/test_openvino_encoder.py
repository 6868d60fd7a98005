"""The OpenVINO backend against full-precision torch: same spans, vectors within cosine 0.99, same ranking."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.dataset import read_records
from core.embedding.backends import create_encoder, resolve_backend
from core.embedding.chunking import Chunking
from core.embedding.embedder import DocumentEmbedder
from core.embedding.openvino_encoder import OpenVINOEncoder
from core.embedding.torch_encoder import SentenceTransformerEncoder
from core.errors import ConfigError, EncoderError
from core.paths import samples_dir, starter_corpus_path
from core.screening.screener import load_screener

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def texts() -> list[str]:
    records, _ = read_records(starter_corpus_path())
    held_out, _ = read_records(samples_dir() / "held_out.jsonl")
    return [r.text for r in held_out] + [r.text for r in records[:: len(records) // 24]]


def test_openvino_vectors_match_full_precision_torch(texts: list[str]) -> None:
    torch_fp32 = DocumentEmbedder(SentenceTransformerEncoder(device="cpu", precision="fp32"), Chunking())
    openvino = DocumentEmbedder(OpenVINOEncoder(), Chunking())
    reference = torch_fp32.embed(texts)
    fast = openvino.embed(texts)
    for a, b in zip(reference, fast, strict=True):
        assert a.spans == b.spans  # same tokenizer, same windows
        window_cosines = (a.window_vectors * b.window_vectors).sum(axis=1)
        assert window_cosines.min() > 0.99
        assert float(a.vector @ b.vector) > 0.999


def test_openvino_keeps_the_ranking(texts: list[str]) -> None:
    full = load_screener(device="cpu", use_cache=False, backend="torch", precision="fp32")
    fast = load_screener(device="cpu", use_cache=False, backend="openvino")
    p_full = np.array([s.probability for s in full.score_texts(texts)])
    p_fast = np.array([s.probability for s in fast.score_texts(texts)])
    assert np.array_equal(np.argsort(-p_full, kind="stable")[:8], np.argsort(-p_fast, kind="stable")[:8])
    assert np.max(np.abs(p_full - p_fast)) < 0.02
    assert [full.thresholds.band(p) for p in p_full] == [fast.thresholds.band(p) for p in p_fast]


def test_backend_choice() -> None:
    assert resolve_backend("auto", "cpu") == "openvino"
    assert resolve_backend("auto", "cuda") == "torch"
    assert resolve_backend("torch", "cpu") == "torch"
    with pytest.raises(ConfigError):
        resolve_backend("openvino", "cuda")
    with pytest.raises(ConfigError):
        resolve_backend("onnx", "cpu")
    assert isinstance(create_encoder("cpu", backend="torch"), SentenceTransformerEncoder)


def test_an_explicit_ir_replaces_the_converted_one(texts: list[str], tmp_path) -> None:
    converted = OpenVINOEncoder(precision="fp32")
    explicit = OpenVINOEncoder(precision="fp32", ir_path=converted.converted_ir())
    assert np.array_equal(converted.encode(texts[:3], 8), explicit.encode(texts[:3], 8))
    with pytest.raises(EncoderError):
        OpenVINOEncoder(ir_path=tmp_path / "missing.xml").encode(texts[:1], 8)


def test_full_precision_after_a_default_run_is_fresh_full_precision(texts: list[str]) -> None:
    """Issue 14: after a default run, ``--backend torch --precision fp32`` returned the default run's cached
    scores (up to 0.0052 away from a fresh fp32 run)."""
    load_screener(device="cpu").score_texts(texts)  # the default: OpenVINO, bf16 where the CPU has bf16 units
    cached = load_screener(device="cpu", backend="torch", precision="fp32").score_texts(texts)
    fresh = load_screener(device="cpu", backend="torch", precision="fp32", use_cache=False).score_texts(texts)
    assert [s.probability for s in cached] == [s.probability for s in fresh]
