"""MinHash fingerprints of article bodies, for near-duplicate (syndicated wire copy) detection."""

from __future__ import annotations

import base64
import re
import zlib

import numpy as np
from datasketch import MinHash

NUM_PERM = 32  # 128 bytes a signature: small enough to keep a few per event in state
SHINGLE = 3  # words per shingle
NEAR_DUPLICATE_JACCARD = 0.7
_WORD = re.compile(r"\w+")
# crc32: deterministic across processes (unlike hash()) and much cheaper than the default sha1
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=7, scheme="affine32", hashfunc=zlib.crc32)


def signature(folded_body: str) -> str:
    """Base64 of the MinHash over word 3-shingles of the folded body."""
    words = _WORD.findall(folded_body)
    shingles = [" ".join(words[i : i + SHINGLE]).encode() for i in range(max(1, len(words) - SHINGLE + 1))]
    mh = MinHash(num_perm=NUM_PERM, seed=7, permutations=_TEMPLATE.permutations, scheme="affine32", hashfunc=zlib.crc32)
    mh.update_batch(shingles)
    return base64.b64encode(mh.hashvalues.astype(np.uint32).tobytes()).decode()


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two signatures."""
    va = np.frombuffer(base64.b64decode(a), dtype=np.uint32)
    vb = np.frombuffer(base64.b64decode(b), dtype=np.uint32)
    return float(np.count_nonzero(va == vb)) / NUM_PERM
