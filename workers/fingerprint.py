"""MinHash fingerprints of article bodies, for near-duplicate (syndicated wire copy) detection."""

from __future__ import annotations

import base64
import zlib

import numpy as np
from datasketch import MinHash

from workers.matcher import word_breaks

NUM_PERM = 32  # 128 bytes a signature: small enough to keep a few per event in state
SHINGLE = 3  # words per shingle
NEAR_DUPLICATE_JACCARD = 0.7
# each word is hashed once (crc32: deterministic across processes, unlike hash()); a shingle's hash
# combines its words' hashes with these odd multipliers, and MinHash's own mixing spreads the result
_SHINGLE_MIX = np.array([0x9E3779B1, 0x85EBCA77, 1], dtype=np.uint32)
# datasketch's MinHash (affine32 scheme) defines the permutations; `minhash` below applies them to a
# whole array at once (datasketch's update_batch makes one Python call per value: 3x slower here)
_A, _B = MinHash(num_perm=NUM_PERM, seed=7, scheme="affine32").permutations


def minhash(values: np.ndarray) -> np.ndarray:
    """The MinHash values of a set of uint32 hashes: datasketch's affine32 scheme (MurmurHash3's
    finaliser, then one affine permutation per slot, then the minimum), vectorised."""
    hv = values ^ (values >> 16)
    hv *= np.uint32(0x85EBCA6B)
    hv ^= hv >> 13
    hv *= np.uint32(0xC2B2AE35)
    hv ^= hv >> 16
    # one row per permutation: the minimum then runs along contiguous memory (1.6x faster than columns)
    rows = np.multiply.outer(_A, hv)
    rows += _B[:, None]
    return rows.min(axis=1)


def signature(folded_body: str) -> str:
    """Base64 of the MinHash over word 3-shingles of the folded body."""
    words = word_breaks(folded_body).encode().split()
    hashes = np.fromiter(map(zlib.crc32, words), dtype=np.uint32, count=len(words))
    if len(hashes) >= SHINGLE:
        shingles = hashes[:-2] * _SHINGLE_MIX[0] + hashes[1:-1] * _SHINGLE_MIX[1] + hashes[2:]
    else:
        # fewer words than a shingle: the words so far are the one shingle (uint32 arithmetic wraps)
        shingles = np.array([np.sum(hashes * _SHINGLE_MIX[SHINGLE - len(hashes) :], dtype=np.uint32)])
    return base64.b64encode(minhash(shingles).tobytes()).decode()


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return similarities(a, [b])[0]


def similarities(signature: str, others: list[str]) -> list[float]:
    """Estimated Jaccard similarity of one signature with each of others, compared in one array."""
    own = np.frombuffer(base64.b64decode(signature), dtype=np.uint32)
    rows = np.frombuffer(b"".join(map(base64.b64decode, others)), dtype=np.uint32).reshape(len(others), -1)
    return (np.count_nonzero(rows == own, axis=1) / NUM_PERM).tolist()
