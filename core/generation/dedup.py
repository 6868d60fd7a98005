"""Exact and near-duplicate detection for resume texts, fast enough to check every write against thousands.

Exact duplicates are caught by a hash of the normalised text (case, punctuation and spacing ignored). Near
duplicates are texts whose word 5-gram shingle sets have a Jaccard similarity above a threshold. Comparing a
new text with every stored one would be quadratic, so candidates come from MinHash signatures with
locality-sensitive hashing (42 bands of 3 rows: a pair at Jaccard 0.5 shares a band with probability 0.996),
and each candidate is then confirmed with the exact Jaccard of the two shingle sets.

Shingles are hashed with Python's ``hash``, which is salted per process: the index lives in memory and is
rebuilt from the JSONL by every process, so it never needs stable hashes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 5
_NON_WORD = re.compile(r"[^\w]+")
_MASK64 = (1 << 64) - 1


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces: two texts equal after this are the same resume."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def text_hash(text: str) -> str:
    """sha256 of the normalised text."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word ``size``-grams of ``text`` (empty for very short texts)."""
    words = normalise(text).split()
    if len(words) < size:
        return np.empty(0, dtype=np.uint64)
    hashes = {hash(tuple(words[i : i + size])) & _MASK64 for i in range(len(words) - size + 1)}
    return np.unique(np.fromiter(hashes, dtype=np.uint64, count=len(hashes)))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted unique shingle arrays."""
    if a.size == 0 or b.size == 0:
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


@dataclass(frozen=True)
class Prepared:
    """A text's shingles and LSH band keys."""

    values: np.ndarray
    band_keys: list[bytes]


class NearDuplicateIndex:
    """MinHash-LSH index of shingle sets with exact confirmation."""

    def __init__(self, threshold: float = 0.5, bands: int = 42, rows: int = 3, seed: int = 20240601) -> None:
        self.threshold = threshold
        self.bands = bands
        self.rows = rows
        rng = np.random.default_rng(seed)
        permutations = bands * rows
        # Multiply-shift hashing: (a * x + b) mod 2**64, top 32 bits. numpy's uint64 arithmetic wraps.
        self._a = (rng.integers(1, 2**63, size=permutations, dtype=np.uint64) | np.uint64(1))[:, None]
        self._b = rng.integers(0, 2**63, size=permutations, dtype=np.uint64)[:, None]
        self._buckets: list[dict[bytes, list[int]]] = [{} for _ in range(bands)]
        self._shingles: list[np.ndarray] = []
        self._keys: list[str] = []

    def __len__(self) -> int:
        return len(self._keys)

    def _signature(self, values: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            hashed = (self._a * values[None, :] + self._b) >> np.uint64(32)
        return hashed.min(axis=1)

    def _band_keys(self, signature: np.ndarray) -> list[bytes]:
        return [signature[i * self.rows : (i + 1) * self.rows].tobytes() for i in range(self.bands)]

    def prepare(self, text: str) -> Prepared:
        """Shingles and band keys of ``text``, computed once for :meth:`find` and :meth:`insert`."""
        return self.prepare_values(shingles(text))

    def prepare_values(self, values: np.ndarray) -> Prepared:
        """Band keys for shingles computed earlier (rebuilding an index)."""
        return Prepared(values, self._band_keys(self._signature(values)) if values.size else [])

    def entries(self) -> list[tuple[str, np.ndarray]]:
        """Every (key, shingles) pair indexed, in insertion order."""
        return list(zip(self._keys, self._shingles, strict=True))

    def matches(self, prepared: Prepared) -> list[tuple[str, float]]:
        """Every stored key whose text is more than ``threshold`` like the prepared one, with its Jaccard, in
        insertion order."""
        candidates: set[int] = set()
        for bucket, key in zip(self._buckets, prepared.band_keys, strict=False):
            candidates.update(bucket.get(key, ()))
        found = []
        for index in sorted(candidates):
            similarity = jaccard(prepared.values, self._shingles[index])
            if similarity > self.threshold:
                found.append((self._keys[index], similarity))
        return found

    def find(self, prepared: Prepared) -> tuple[str, float] | None:
        """The stored key most like the prepared text above the threshold, with its Jaccard; else None."""
        return max(self.matches(prepared), key=lambda match: match[1], default=None)

    def insert(self, key: str, prepared: Prepared) -> None:
        """Index the prepared text under ``key``."""
        index = len(self._keys)
        self._keys.append(key)
        self._shingles.append(prepared.values)
        for bucket, band_key in zip(self._buckets, prepared.band_keys, strict=False):
            bucket.setdefault(band_key, []).append(index)

    def query(self, text: str) -> tuple[str, float] | None:
        """The near duplicate of ``text`` already indexed, if any."""
        return self.find(self.prepare(text))

    def add(self, key: str, text: str) -> None:
        """Index ``text`` under ``key`` without checking it."""
        self.insert(key, self.prepare(text))


def near_duplicate_pairs(texts: Sequence[str], threshold: float = 0.5) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, jaccard)`` with ``i < j`` of texts that are near duplicates, most alike first."""
    index = NearDuplicateIndex(threshold=threshold)
    pairs = []
    for position, text in enumerate(texts):
        prepared = index.prepare(text)
        pairs += [(int(key), position, similarity) for key, similarity in index.matches(prepared)]
        index.insert(str(position), prepared)
    return sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))
