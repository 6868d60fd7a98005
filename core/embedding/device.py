"""Where the encoder runs and in which precision: resolved when asked, never at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from core.errors import ConfigError

Precision = Literal["auto", "fp32", "bf16", "fp16"]


def resolve_device(device: str = "auto") -> str:
    """``auto`` picks CUDA when torch sees a GPU, else CPU; ``cuda`` without a GPU is an error."""
    if device not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"Unknown device {device!r}: use auto, cpu or cuda")
    import torch

    has_cuda = torch.cuda.is_available()
    if device == "cuda" and not has_cuda:
        raise ConfigError("--device cuda was asked for, but torch sees no CUDA GPU")
    if device == "auto":
        return "cuda" if has_cuda else "cpu"
    return device


def cpu_has_fast_bf16() -> bool:
    """True when /proc/cpuinfo lists amx_bf16 or avx512_bf16 (Intel AMX, or AVX-512 BF16 on Intel and AMD Zen 4), where bf16 matmuls beat fp32 several times over."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


def resolve_precision(precision: Precision, device: str) -> str:
    """``auto``: fp16 on CUDA, bf16 on CPUs with bf16 units, fp32 elsewhere."""
    if precision != "auto":
        return precision
    if device == "cuda":
        return "fp16"
    return "bf16" if cpu_has_fast_bf16() else "fp32"
