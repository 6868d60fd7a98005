"""The same encoder run by OpenVINO on the CPU: the fast path for screening without a GPU.

The sentence-transformers model (a transformer, the token pooling its folder declares, and normalisation) is
converted from PyTorch once and cached as OpenVINO IR under the state folder, keyed by the model files' hash;
later starts read the IR and skip torch's model loading altogether. Pooling, maximum length and casing come
from the folder (``core.embedding.model_folder``); a model with other modules is refused. On CPUs with bf16
units (the amx_bf16 or avx512_bf16 flag in /proc/cpuinfo) OpenVINO infers in bf16; its vectors agree with
full-precision torch to cosine 0.9999 (``tests/test_openvino_encoder.py`` checks it).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.embedding.chunking import Span
from core.embedding.device import cpu_has_fast_bf16
from core.embedding.model_folder import (
    TokenPipeline,
    encoder_name,
    model_fingerprint,
    read_token_pipeline,
)
from core.embedding.torch_encoder import default_encoder_path
from core.errors import EncoderError
from core.paths import cache_dir
from core.storage import PRIVATE_FILE_MODE, private_dir

# Bumped when the conversion below changes, so an IR converted by older code is never reused.
CONVERSION_VERSION = 2


def import_openvino() -> Any:
    """The ``openvino`` module, imported with OpenVINO's telemetry switched off.

    OpenVINO reports usage to Google Analytics unless the user opted out with a file in their home folder
    (``~/intel/openvino_telemetry``): about a dozen lookups of a Google host per screening run, and a
    ``~/intel/stats`` file. Resumes are promised to stay on this machine, and no file may be written to a user's
    home, so the ``openvino_telemetry`` package is made unimportable before openvino is first imported; OpenVINO
    then uses its built-in no-op stand-in (``openvino.tools.ovc.telemetry_stub``).
    """
    sys.modules.setdefault("openvino_telemetry", None)  # type: ignore[arg-type]  # None: "cannot import"
    import openvino

    return openvino


def openvino_available() -> bool:
    """True when the ``openvino`` package can be imported."""
    from importlib.util import find_spec

    return find_spec("openvino") is not None


class OpenVINOEncoder:
    """A sentence-transformers model through OpenVINO: same tokenizer, same pooling, same vectors, faster on
    the CPU. A model whose pipeline it cannot reproduce is refused with an ``EncoderError``."""

    def __init__(self, model_path: Path | None = None, precision: str = "auto", ir_path: Path | None = None):
        """``ir_path``: an OpenVINO IR of this same model to run instead of the converted one (for example a
        quantized copy that ``bench/quantization_bench.py`` measures)."""
        self.model_path = Path(model_path) if model_path else default_encoder_path()
        self.precision = precision
        self.ir_path = ir_path
        self._compiled: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def encoder_id(self) -> str:
        return encoder_name(self.model_path)

    @functools.cached_property
    def precision_used(self) -> str:
        """``bf16`` when asked for (or ``auto`` on a CPU with bf16 units), else ``fp32``: what OpenVINO runs."""
        bf16 = self.precision == "bf16" or (self.precision == "auto" and cpu_has_fast_bf16())
        return "bf16" if bf16 else "fp32"

    @functools.cached_property
    def cache_identity(self) -> str:
        """The model files' fingerprint, OpenVINO, the precision, and the IR when one was given."""
        identity = (
            f"{self.encoder_id}@{model_fingerprint(self.model_path)}|openvino-cpu-{self.precision_used}"
        )
        if self.ir_path is not None:
            identity += f"-ir{_files_sha256(Path(self.ir_path), Path(self.ir_path).with_suffix('.bin'))}"
        return identity

    @functools.cached_property
    def pipeline(self) -> TokenPipeline:
        """The pooling, length and casing that the model folder declares (refused when not reproducible)."""
        return read_token_pipeline(self.model_path)

    @property
    def dimension(self) -> int:
        return int(self._model()[0].outputs[0].get_partial_shape()[1].get_length())

    @property
    def tokenizer(self) -> Any:
        return self._model()[1]

    def _model(self) -> tuple[Any, Any]:
        with self._lock:
            if self._compiled is None:
                self._compiled, self._tokenizer = self._load()
            return self._compiled, self._tokenizer

    def _load(self) -> tuple[Any, Any]:
        self.pipeline  # noqa: B018  # refuse a model it cannot reproduce before converting anything
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            ov = import_openvino()
            from transformers import AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(str(self.model_path), local_files_only=True)
            ir_path = self.ir_path or self.converted_ir(tokenizer)
            core = ov.Core()
            precision = "bf16" if self.precision_used == "bf16" else "f32"
            # LATENCY: one stream over every core. THROUGHPUT splits the cores into streams, and a synchronous
            # call uses one of them: half the speed on 2 cores (measured: 84 vs 159 windows/s).
            config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": precision}
            compiled = core.compile_model(core.read_model(str(ir_path)), "CPU", config)
        except Exception as exc:  # any conversion or runtime failure is one clear error
            raise EncoderError(f"Could not load the OpenVINO encoder from {self.model_path}: {exc}") from exc
        return compiled, tokenizer

    def converted_ir(self, tokenizer: Any = None) -> Path:
        """The full-precision OpenVINO IR of the model, converted from PyTorch on first use and cached."""
        ov = import_openvino()
        from transformers import AutoTokenizer

        folder = f"{model_fingerprint(self.model_path)}-v{CONVERSION_VERSION}"
        ir_path = cache_dir() / "openvino" / folder / "encoder.xml"
        if not ir_path.is_file():
            tokenizer = tokenizer or AutoTokenizer.from_pretrained(
                str(self.model_path), local_files_only=True
            )
            private_dir(ir_path.parent)
            ov.save_model(self._convert(tokenizer), str(ir_path), compress_to_fp16=False)
            for written in ir_path.parent.iterdir():
                os.chmod(written, PRIVATE_FILE_MODE)
        return ir_path

    def _convert(self, tokenizer: Any) -> Any:
        """PyTorch to OpenVINO: the transformer with the folder's token pooling and L2 normalisation folded in."""
        ov = import_openvino()
        import torch
        from transformers import AutoModel

        pooling = self.pipeline.pooling

        class Pooled(torch.nn.Module):
            def __init__(self, transformer: torch.nn.Module):
                super().__init__()
                self.transformer = transformer

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any = None) -> Any:
                extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
                hidden = self.transformer(
                    input_ids=input_ids, attention_mask=attention_mask, **extra
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                if pooling == "cls":
                    pooled = hidden[:, 0]
                elif pooling == "max":
                    # As sentence-transformers does: padding can never be the maximum.
                    pooled = torch.where(mask > 0, hidden, torch.full_like(hidden, -1e9)).max(dim=1).values
                else:
                    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, dim=1)

        transformer = AutoModel.from_pretrained(str(self.model_path), local_files_only=True).eval()
        example = tokenizer(["a short example", "another one"], padding=True, return_tensors="pt")
        with torch.inference_mode():
            return ov.convert_model(Pooled(transformer), example_input=dict(example))

    def token_spans(self, text: str) -> list[Span]:
        encoded = self.tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False
        )
        return [(int(start), int(end)) for start, end in encoded["offset_mapping"] if end > start]

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        compiled, tokenizer = self._model()
        pipeline = self.pipeline
        # The converted model takes exactly the inputs its tokenizer produced (BERT's token_type_ids or not).
        input_names = [port.get_any_name() for port in compiled.inputs]
        rows = []
        for start in range(0, len(texts), batch_size):
            batch = list(texts[start : start + batch_size])
            features = tokenizer(
                [text.lower() for text in batch] if pipeline.lower_case else batch,
                padding=True,
                truncation=True,
                max_length=pipeline.max_tokens,
                return_tensors="np",
            )
            rows.append(np.asarray(compiled({name: features[name] for name in input_names})[0], np.float32))
        if not rows:
            return np.zeros((0, self.dimension), np.float32)
        return np.concatenate(rows)


def _files_sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        if path.is_file():
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()[:16]
