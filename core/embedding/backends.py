"""Choosing the encoder backend: OpenVINO on the CPU where it is installed, PyTorch on CUDA or when asked.

Both backends load the same all-MiniLM-L6-v2 weights, share the ``WindowEncoder`` protocol and report the same
encoder id (which model), so a model trained with one screens with the other. Their cache identities differ
(which runtime and precision), so the embedding cache never hands one the other's vectors.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from core.embedding.device import Precision, resolve_device
from core.embedding.embedder import WindowEncoder
from core.embedding.openvino_encoder import OpenVINOEncoder, openvino_available
from core.embedding.torch_encoder import SentenceTransformerEncoder
from core.errors import ConfigError, EncoderError

log = logging.getLogger(__name__)

Backend = Literal["auto", "torch", "openvino"]
BACKENDS: tuple[str, ...] = ("auto", "torch", "openvino")


def resolve_backend(backend: str, device: str) -> str:
    """``auto``: torch on CUDA, OpenVINO on the CPU when installed, else torch."""
    if backend not in BACKENDS:
        raise ConfigError(f"Unknown backend {backend!r}: use one of {', '.join(BACKENDS)}")
    if backend == "openvino":
        if device == "cuda":
            raise ConfigError("The OpenVINO backend runs on the CPU; use --backend torch for CUDA")
        if not openvino_available():
            raise ConfigError("The OpenVINO backend was asked for, but the openvino package is not installed")
    if backend == "auto":
        return "openvino" if device == "cpu" and openvino_available() else "torch"
    return backend


def create_encoder(
    device: str = "auto",
    precision: Precision = "auto",
    backend: Backend = "auto",
    model_path: Path | None = None,
) -> WindowEncoder:
    """An encoder on ``device`` (``auto`` picks CUDA when present) with the chosen backend and precision.

    ``auto`` falls back to torch for a model whose pipeline the OpenVINO encoder cannot reproduce; an explicit
    ``openvino`` raises its ``EncoderError``.
    """
    resolved = resolve_device(device)
    if resolve_backend(backend, resolved) == "openvino":
        encoder = OpenVINOEncoder(model_path, precision=precision)
        try:
            encoder.pipeline  # noqa: B018  # a model OpenVINO cannot reproduce is refused here
        except EncoderError as exc:
            if backend != "auto":
                raise
            log.info("Running the encoder with torch: %s", exc)
        else:
            return encoder
    return SentenceTransformerEncoder(model_path, device=resolved, precision=precision)
