"""Encoder precision benchmark: is an int8 OpenVINO encoder worth shipping?

    pip install -e .[bench]          # NNCF, OpenVINO's quantization tool (only this benchmark needs it)
    python bench/quantization_bench.py [--windows 400] [--calibration 300]

It measures the encoder alone, on the windows screening really encodes: resumes of the synthetic starter corpus
cut into overlapping windows by ``core.embedding``. Each variant encodes the same windows in length-sorted
batches, in the same run, against full-precision PyTorch as the baseline (speed ratio and cosine similarity):

- ``torch fp32``: the full-precision path (``--backend torch --precision fp32``), the reference vectors.
- ``openvino f32`` and ``openvino bf16``: the shipped backend (bf16 is what ``auto`` picks on AMX CPUs).
- ``openvino int8``: post-training quantization of weights and activations with NNCF, calibrated on other
  starter-corpus windows (synthetic data only), run with bf16 for what stays in floating point.

A quantized encoder is kept only if every window stays within cosine 0.99 of full precision.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.data.dataset import read_records
from core.embedding.chunking import Chunking, window_spans
from core.embedding.embedder import WindowEncoder
from core.embedding.openvino_encoder import OpenVINOEncoder, import_openvino
from core.embedding.torch_encoder import SentenceTransformerEncoder
from core.paths import starter_corpus_path

COSINE_BOUND = 0.99
BATCH = 32


def corpus_windows(encoder: WindowEncoder, count: int, skip: int, seed: int = 0) -> list[str]:
    """Window texts of shuffled starter-corpus resumes, the ``skip`` first windows left out, as screening cuts them."""
    records, _ = read_records(starter_corpus_path())
    random.Random(seed).shuffle(records)
    windows: list[str] = []
    for record in records:
        spans = window_spans(encoder.token_spans(record.text), Chunking())
        windows.extend(record.text[start:end] for start, end in spans)
        if len(windows) >= skip + count:
            break
    return sorted(windows[skip : skip + count], key=len)


def timed_encode(encoder: WindowEncoder, windows: Sequence[str]) -> tuple[np.ndarray, float]:
    """Vectors and windows per second, after one warm-up pass."""
    encoder.encode(windows[:BATCH], BATCH)
    started = time.perf_counter()
    vectors = encoder.encode(windows, BATCH)
    return vectors, len(windows) / (time.perf_counter() - started)


def quantize(source: OpenVINOEncoder, calibration: Sequence[str], out_dir: Path) -> Path:
    """An int8 copy of the encoder's IR, calibrated on ``calibration`` windows."""
    ov = import_openvino()  # before nncf, which would otherwise load OpenVINO's telemetry
    import nncf

    tokenizer = source.tokenizer

    def features(text: str) -> dict[str, np.ndarray]:
        encoded = tokenizer([text], truncation=True, max_length=256, return_tensors="np")
        return {name: encoded[name] for name in ("input_ids", "attention_mask", "token_type_ids")}

    model = ov.Core().read_model(str(source.converted_ir()))
    quantized = nncf.quantize(
        model,
        nncf.Dataset(list(calibration), features),
        model_type=nncf.ModelType.TRANSFORMER,
        subset_size=len(calibration),
    )
    path = out_dir / "encoder-int8.xml"
    ov.save_model(quantized, str(path), compress_to_fp16=False)
    return path


def cosine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--windows", type=int, default=400, help="windows to encode and compare")
    parser.add_argument("--calibration", type=int, default=300, help="windows to calibrate int8 on")
    args = parser.parse_args()

    reference = SentenceTransformerEncoder(device="cpu", precision="fp32")
    calibration = corpus_windows(reference, args.calibration, skip=0)
    windows = corpus_windows(reference, args.windows, skip=args.calibration)
    variants: list[tuple[str, WindowEncoder]] = [
        ("torch fp32", reference),
        ("openvino f32", OpenVINOEncoder(precision="fp32")),
        ("openvino bf16", OpenVINOEncoder(precision="bf16")),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        try:
            int8_ir = quantize(OpenVINOEncoder(precision="fp32"), calibration, Path(tmp))
            variants.append(("openvino int8", OpenVINOEncoder(precision="bf16", ir_path=int8_ir)))
        except ImportError:
            print("NNCF is not installed (pip install -e .[bench]): the int8 variant is skipped.\n")

        results = [(name, *timed_encode(encoder, windows)) for name, encoder in variants]
    base_vectors, base_rate = results[0][1], results[0][2]
    tokens = sum(len(reference.token_spans(w)) for w in windows) / len(windows)
    print(f"{len(windows)} starter-corpus windows ({tokens:.0f} word pieces on average), batch {BATCH}")
    print(
        f"{'variant':<15} {'windows/s':>10} {'vs fp32':>8} {'cos min':>8} {'cos p1':>8} {'cos mean':>9}  kept?"
    )
    for name, vectors, rate in results:
        cosine = cosine_rows(vectors, base_vectors)
        keep = "yes" if cosine.min() >= COSINE_BOUND else f"no (< {COSINE_BOUND})"
        print(
            f"{name:<15} {rate:>10.1f} {rate / base_rate:>7.2f}x {cosine.min():>8.4f} "
            f"{np.percentile(cosine, 1):>8.4f} {cosine.mean():>9.4f}  {keep}"
        )


if __name__ == "__main__":
    main()
