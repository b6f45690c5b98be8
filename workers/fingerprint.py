"""MinHash fingerprints of article bodies, for near-duplicate (syndicated wire copy) detection."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from workers.matcher import word_breaks

NUM_PERM = 32  # 128 bytes a signature: small enough to keep a few per event in state
SHINGLE = 3  # words per shingle
NEAR_DUPLICATE_JACCARD = 0.7
# The scheme of the signatures: its mark starts every signature, and signatures of another scheme (kept in
# the dedup state by an older version) are compared as unlike, never as noise. Scheme 1 (no mark) hashed
# each word with crc32, one Python call per word; scheme 2 hashes all the words of a text in one array.
SCHEME = "2~"  # "~" is no base64 character
# each word is hashed once (deterministic across processes, unlike hash()); a shingle's hash
# combines its words' hashes with these odd multipliers, and MinHash's own mixing spreads the result
_SHINGLE_MIX = np.array([0x9E3779B1, 0x85EBCA77, 1], dtype=np.uint32)
# a word's hash is the polynomial sum of its bytes, b0 + b1*P + b2*P**2 ... modulo 2**64, computed for all
# words at once from prefix sums of b[i]*P**i (P odd: P**-i exists modulo 2**64)
_P = 0x100000001B3  # the 64-bit FNV prime
_TABLE_BYTES = 1 << 16  # powers kept for texts up to this many bytes; longer ones compute their own


def _power_tables(size: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i modulo 2**64 for i < size (numpy's uint64 products wrap: modular arithmetic)."""
    powers, inverses = np.empty(size, dtype=np.uint64), np.empty(size, dtype=np.uint64)
    powers[0] = inverses[0] = 1
    powers[1:] = np.cumprod(np.full(size - 1, _P, dtype=np.uint64))
    inverses[1:] = np.cumprod(np.full(size - 1, pow(_P, -1, 1 << 64), dtype=np.uint64))
    return powers, inverses


_POWERS, _INVERSES = _power_tables(_TABLE_BYTES)
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


def word_hashes(text: str) -> np.ndarray:
    """One 32-bit hash per word of the text, in order: equal words, equal hashes."""
    raw = np.frombuffer(word_breaks(text).encode(), dtype=np.uint8)
    size = len(raw) + 1
    powers, inverses = (_POWERS, _INVERSES) if size <= _TABLE_BYTES else _power_tables(size)
    # word_breaks leaves spaces between words and nothing else: a word is a run of other bytes
    word = np.empty(size + 1, dtype=bool)
    word[0] = word[-1] = False
    np.greater(raw, 0x20, out=word[1:-1])
    edges = np.flatnonzero(word[1:] != word[:-1])  # starts and ends (exclusive) of the runs, alternating
    starts, ends = edges[0::2], edges[1::2]
    prefix = np.zeros(size, dtype=np.uint64)
    np.cumsum(raw * powers[: size - 1], out=prefix[1:])
    hashes = (prefix[ends] - prefix[starts]) * inverses[starts]
    return (hashes ^ (hashes >> np.uint64(32))).astype(np.uint32)


def signature(folded_body: str) -> str:
    """The scheme's mark and the base64 of the MinHash over word 3-shingles of the folded body."""
    hashes = word_hashes(folded_body)
    if len(hashes) >= SHINGLE:
        shingles = hashes[:-2] * _SHINGLE_MIX[0] + hashes[1:-1] * _SHINGLE_MIX[1] + hashes[2:]
    else:
        # fewer words than a shingle: the words so far are the one shingle (uint32 arithmetic wraps)
        shingles = np.array([np.sum(hashes * _SHINGLE_MIX[SHINGLE - len(hashes) :], dtype=np.uint32)])
    return SCHEME + base64.b64encode(minhash(shingles).tobytes()).decode()


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return similarities(a, [b])[0]


def similarities(signature: str, others: list[str]) -> list[float]:
    """Estimated Jaccard similarity of one signature with each of others, compared in one array; one of
    another scheme counts as unlike (0.0)."""
    if not others:
        return []
    own = np.frombuffer(_decode(signature), dtype=np.uint32)
    same = [other.startswith(SCHEME) == signature.startswith(SCHEME) for other in others]
    rows = np.frombuffer(b"".join(map(_decode, others)), dtype=np.uint32).reshape(len(others), -1)
    return (np.count_nonzero(rows == own, axis=1) / NUM_PERM * same).tolist()


@lru_cache(maxsize=4096)
def _decode(signature: str) -> bytes:
    # a block's last MAX_SIGNATURES signatures are compared with each new report of its call: each is
    # decoded once, not once per report
    return binascii.a2b_base64(signature.removeprefix(SCHEME))
