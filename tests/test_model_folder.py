"""What the OpenVINO encoder reads from a model folder, and the models it refuses rather than mis-embeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.embedding.backends import create_encoder
from core.embedding.model_folder import (
    encoder_name,
    model_fingerprint,
    read_token_pipeline,
)
from core.embedding.openvino_encoder import OpenVINOEncoder, openvino_available
from core.embedding.torch_encoder import SentenceTransformerEncoder, default_encoder_path
from core.errors import EncoderError

TRANSFORMER = {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}
POOLING = {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}
NORMALIZE = {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}
DENSE = {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}
MEAN_FLAGS = {
    "pooling_mode_mean_tokens": True,
    "pooling_mode_cls_token": False,
    "pooling_mode_max_tokens": False,
}


def model_folder(
    root: Path,
    modules: list[dict[str, object]] | None = None,
    pooling: dict[str, object] | None = None,
    settings: dict[str, object] | None = None,
    name: str = "my-encoder",
) -> Path:
    """A sentence-transformers folder with its configuration files (no weights: nothing here loads them)."""
    folder = root / name
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "modules.json").write_text(json.dumps(modules or [TRANSFORMER, POOLING, NORMALIZE]))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling or MEAN_FLAGS))
    if settings is not None:
        (folder / "sentence_bert_config.json").write_text(json.dumps(settings))
    (folder / "config.json").write_text(json.dumps({"max_position_embeddings": 512}))
    (folder / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 1e30}))
    return folder


def test_the_shipped_model_reads_as_mean_pooling_over_256_tokens() -> None:
    pipeline = read_token_pipeline(default_encoder_path())
    assert (pipeline.pooling, pipeline.max_tokens, pipeline.lower_case) == ("mean", 256, False)
    assert encoder_name(default_encoder_path()) == "all-MiniLM-L6-v2"


@pytest.mark.parametrize(
    ("pooling", "expected"),
    [
        (MEAN_FLAGS, "mean"),
        ({"pooling_mode_cls_token": True}, "cls"),
        ({"pooling_mode": "max"}, "max"),
        ({"pooling_mode": ["cls"]}, "cls"),
    ],
)
def test_pooling_is_read_in_either_format(tmp_path: Path, pooling: dict[str, object], expected: str) -> None:
    folder = model_folder(tmp_path, pooling=pooling, settings={"max_seq_length": 128, "do_lower_case": True})
    pipeline = read_token_pipeline(folder)
    assert (pipeline.pooling, pipeline.max_tokens, pipeline.lower_case) == (expected, 128, True)


def test_without_a_declared_length_the_position_embeddings_cap_it(tmp_path: Path) -> None:
    assert read_token_pipeline(model_folder(tmp_path)).max_tokens == 512


@pytest.mark.parametrize(
    ("modules", "pooling", "reason"),
    [
        ([TRANSFORMER, POOLING, DENSE], MEAN_FLAGS, "Dense"),
        ([TRANSFORMER, POOLING], {"pooling_mode": "weightedmean"}, "weightedmean"),
        ([TRANSFORMER, POOLING], {"pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": True}, "max"),
        ([{**TRANSFORMER, "path": "0_Transformer"}, POOLING], MEAN_FLAGS, "sub-folder"),
    ],
)
def test_a_model_it_cannot_reproduce_is_refused_with_the_reason(
    tmp_path: Path, modules: list[dict[str, object]], pooling: dict[str, object], reason: str
) -> None:
    folder = model_folder(tmp_path, modules, pooling)
    with pytest.raises(EncoderError, match=reason):
        read_token_pipeline(folder)
    with pytest.raises(EncoderError, match="--backend torch"):
        OpenVINOEncoder(folder).encode(["a resume"], 8)  # refused before any conversion


def test_auto_runs_such_a_model_with_torch_and_an_explicit_openvino_refuses_it(tmp_path: Path) -> None:
    if not openvino_available():
        pytest.skip("openvino is not installed")
    folder = model_folder(tmp_path, [TRANSFORMER, POOLING, DENSE])
    assert isinstance(create_encoder("cpu", backend="auto", model_path=folder), SentenceTransformerEncoder)
    with pytest.raises(EncoderError):
        create_encoder("cpu", backend="openvino", model_path=folder)
    supported = model_folder(tmp_path, name="plain")
    assert isinstance(create_encoder("cpu", backend="auto", model_path=supported), OpenVINOEncoder)


def test_the_fingerprint_follows_every_file_that_changes_a_vector(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    before = model_fingerprint(folder)
    assert model_fingerprint(folder) == before
    copy = shutil.copytree(folder, tmp_path / "elsewhere" / folder.name)
    assert model_fingerprint(copy) == before  # the same files anywhere are the same model
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode": "cls"}))
    assert model_fingerprint(folder) != before
    (folder / "README.md").write_text("notes")  # documentation does not change a vector
    after = model_fingerprint(folder)
    (folder / "README.md").write_text("other notes")
    assert model_fingerprint(folder) == after


def test_runtimes_share_the_model_name_but_not_the_cache_identity() -> None:
    torch_fp32 = SentenceTransformerEncoder(device="cpu", precision="fp32")
    torch_bf16 = SentenceTransformerEncoder(device="cpu", precision="bf16")
    openvino = OpenVINOEncoder(precision="bf16")
    assert torch_fp32.encoder_id == torch_bf16.encoder_id == openvino.encoder_id == "all-MiniLM-L6-v2"
    identities = {torch_fp32.cache_identity, torch_bf16.cache_identity, openvino.cache_identity}
    assert len(identities) == 3
    fingerprint = model_fingerprint(default_encoder_path())
    assert all(fingerprint in identity for identity in identities)
