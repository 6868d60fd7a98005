"""Texts to vectors with the sentence encoder: chunking and pooling, the window cache, the encoders.

- ``chunking``: overlapping token windows and pooling into one document vector;
- ``embedder``: :class:`DocumentEmbedder`, which chunks, encodes in length-sorted batches, pools and caches;
- ``cache``: the SQLite window cache, keyed on the text, the chunking and the encoder's ``cache_identity``;
- ``torch_encoder`` and ``openvino_encoder``: the two runtimes of the same model;
- ``model_folder``: which model a folder holds (name, fingerprint) and the token pooling and length it declares;
- ``device`` and ``backends``: where it runs, in which precision, and which runtime.
"""

from core.embedding.backends import BACKENDS, Backend, create_encoder, resolve_backend
from core.embedding.cache import EmbeddingCache, default_cache
from core.embedding.chunking import Chunking, EmbeddedText, Span, pool, window_spans
from core.embedding.device import Precision, cpu_has_fast_bf16, resolve_device, resolve_precision
from core.embedding.embedder import DocumentEmbedder, WindowEncoder, cached_embedder
from core.embedding.openvino_encoder import OpenVINOEncoder, openvino_available
from core.embedding.torch_encoder import SentenceTransformerEncoder, default_encoder_path

__all__ = [
    "BACKENDS",
    "Backend",
    "Chunking",
    "DocumentEmbedder",
    "EmbeddedText",
    "EmbeddingCache",
    "OpenVINOEncoder",
    "Precision",
    "SentenceTransformerEncoder",
    "Span",
    "WindowEncoder",
    "cached_embedder",
    "cpu_has_fast_bf16",
    "create_encoder",
    "default_cache",
    "default_encoder_path",
    "openvino_available",
    "pool",
    "resolve_backend",
    "resolve_device",
    "resolve_precision",
    "window_spans",
]
