"""The same encoder run by OpenVINO on the CPU: the fast path for screening without a GPU.

The sentence-transformers model (BERT plus mean pooling and normalisation) is converted from PyTorch once and
cached as OpenVINO IR under the state folder, keyed by the model files' hash; later starts read the IR and
skip torch's model loading altogether. On CPUs with bf16 units (the amx_bf16 or avx512_bf16 flag in /proc/cpuinfo) OpenVINO infers in bf16; its
vectors agree with full-precision torch to cosine 0.9999 (``tests/test_openvino_encoder.py`` checks it).
"""

from __future__ import annotations

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
from core.embedding.torch_encoder import default_encoder_path
from core.errors import EncoderError
from core.paths import cache_dir

MAX_TOKENS = 256


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


def _model_fingerprint(model_path: Path) -> str:
    digest = hashlib.sha256()
    for name in sorted(p.name for p in model_path.iterdir() if p.suffix in (".json", ".safetensors", ".txt")):
        digest.update(name.encode())
        digest.update(hashlib.sha256((model_path / name).read_bytes()).digest())
    return digest.hexdigest()[:16]


class OpenVINOEncoder:
    """all-MiniLM-L6-v2 through OpenVINO: same tokenizer, same vectors, faster on the CPU."""

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
        return self.model_path.name if self.model_path.name != "model" else "all-MiniLM-L6-v2"

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
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            ov = import_openvino()
            from transformers import AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(str(self.model_path), local_files_only=True)
            ir_path = self.ir_path or self.converted_ir(tokenizer)
            core = ov.Core()
            bf16 = self.precision == "bf16" or (self.precision == "auto" and cpu_has_fast_bf16())
            # LATENCY: one stream over every core. THROUGHPUT splits the cores into streams, and a synchronous
            # call uses one of them: half the speed on 2 cores (measured: 84 vs 159 windows/s).
            config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "bf16" if bf16 else "f32"}
            compiled = core.compile_model(core.read_model(str(ir_path)), "CPU", config)
        except Exception as exc:  # any conversion or runtime failure is one clear error
            raise EncoderError(f"Could not load the OpenVINO encoder from {self.model_path}: {exc}") from exc
        return compiled, tokenizer

    def converted_ir(self, tokenizer: Any = None) -> Path:
        """The full-precision OpenVINO IR of the model, converted from PyTorch on first use and cached."""
        ov = import_openvino()
        from transformers import AutoTokenizer

        ir_path = cache_dir() / "openvino" / _model_fingerprint(self.model_path) / "encoder.xml"
        if not ir_path.is_file():
            tokenizer = tokenizer or AutoTokenizer.from_pretrained(
                str(self.model_path), local_files_only=True
            )
            ir_path.parent.mkdir(parents=True, exist_ok=True)
            ov.save_model(self._convert(tokenizer), str(ir_path), compress_to_fp16=False)
        return ir_path

    def _convert(self, tokenizer: Any) -> Any:
        """PyTorch to OpenVINO: the transformer with mean pooling and L2 normalisation folded in."""
        ov = import_openvino()
        import torch
        from transformers import AutoModel

        class Pooled(torch.nn.Module):
            def __init__(self, bert: torch.nn.Module):
                super().__init__()
                self.bert = bert

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                hidden = self.bert(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(mean, dim=1)

        bert = AutoModel.from_pretrained(str(self.model_path), local_files_only=True).eval()
        example = tokenizer(["a short example", "another one"], padding=True, return_tensors="pt")
        with torch.inference_mode():
            return ov.convert_model(Pooled(bert), example_input=dict(example))

    def token_spans(self, text: str) -> list[Span]:
        encoded = self.tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False
        )
        return [(int(start), int(end)) for start, end in encoded["offset_mapping"] if end > start]

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        compiled, tokenizer = self._model()
        rows = []
        for start in range(0, len(texts), batch_size):
            features = tokenizer(
                list(texts[start : start + batch_size]),
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="np",
            )
            inputs = {name: features[name] for name in ("input_ids", "attention_mask", "token_type_ids")}
            rows.append(np.asarray(compiled(inputs)[0], dtype=np.float32))
        if not rows:
            return np.zeros((0, self.dimension), np.float32)
        return np.concatenate(rows)
