"""Page tests run the real app script with a toy model and the fake encoder in place of the real one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

import app_pages.shared
from core.embedding.embedder import DocumentEmbedder
from core.model.registry import activate, user_models_dir
from core.training.trainer import TrainConfig, train_model
from tests.conftest import FakeEncoder, toy_records


@pytest.fixture
def page_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_embedder: DocumentEmbedder
) -> Iterator[Path]:
    """A toy model version, active, with every server-wide cache cleared before and after the test."""
    data = tmp_path / "toy.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in toy_records(60)), encoding="utf-8")
    config = TrainConfig(chunking=fake_embedder.chunking)
    model_dir = train_model([data], user_models_dir() / "toy-v1", fake_embedder, config).model_dir
    activate("toy-v1")
    monkeypatch.setattr(app_pages.shared, "encoder", FakeEncoder)
    st.cache_resource.clear()
    yield model_dir
    st.cache_resource.clear()
