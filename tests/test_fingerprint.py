"""MinHash fingerprints: the vectorised MinHash agrees with datasketch's, copies score high, other
stories low, and signatures do not depend on the process (they are kept in the dedup state)."""

import subprocess
import sys

import numpy as np
import pytest
from datasketch import MinHash

from workers.fingerprint import (
    NEAR_DUPLICATE_JACCARD,
    NUM_PERM,
    SCHEME,
    minhash,
    signature,
    similarities,
    similarity,
    word_hashes,
)
from workers.matcher import word_breaks
from workers.textnorm import fold

WIRE = (
    "The two presidents discussed grain exports across the Black Sea by telephone on Tuesday, the "
    "presidential office said in a statement. They agreed that their foreign ministers would meet within "
    "two weeks to prepare a visit, and touched on energy prices, the situation in the Caucasus and a "
    "planned railway link between the two capitals. Officials on both sides described the talk as warm."
)
REWRITE = WIRE.replace("Officials on both sides described the talk as warm.", "Neither side gave further details.")
EDITED = WIRE.replace("described the talk as warm.", "called the talk warm and useful.")  # a copy, touched up
OTHER = (
    "Heavy rain flooded the lower town overnight and the regional council closed three schools; the river "
    "is expected to crest on Thursday afternoon, and residents were told to move cars away from the quay."
)


@pytest.mark.parametrize("size", [1, 2, 7, 500])
def test_minhash_is_datasketch_affine32(size: int) -> None:
    values = np.random.default_rng(size).integers(0, 2**32, size, dtype=np.uint64).astype(np.uint32)
    reference = MinHash(num_perm=NUM_PERM, seed=7, scheme="affine32", hashfunc=int)
    reference.update_batch(values.tolist())
    assert minhash(values).tolist() == reference.hashvalues.tolist()


def test_copies_score_high_and_other_stories_low() -> None:
    wire = signature(fold(WIRE))
    assert similarity(wire, signature(fold(WIRE.upper()))) == 1.0  # folding: case does not matter
    assert similarity(wire, signature(fold(EDITED))) >= NEAR_DUPLICATE_JACCARD
    assert similarity(wire, signature(fold(OTHER))) < 0.2


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = word_breaks(fold(text)).split()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


@pytest.mark.parametrize("other", [EDITED, REWRITE, WIRE[: len(WIRE) // 2], OTHER])
def test_similarity_estimates_the_jaccard_of_the_shingles(other: str) -> None:
    a, b = _shingles(WIRE), _shingles(other)
    jaccard = len(a & b) / len(a | b)
    # a MinHash estimate of NUM_PERM slots has a standard deviation of sqrt(J(1 - J) / NUM_PERM)
    tolerance = 3.5 * (jaccard * (1 - jaccard) / NUM_PERM) ** 0.5 + 1 / NUM_PERM
    assert abs(similarity(signature(fold(WIRE)), signature(fold(other))) - jaccard) <= tolerance


@pytest.mark.parametrize("text", ["", "one", "one two", "0:0", "x " * 10_000])
def test_signature_of_short_or_repetitive_text_is_well_formed(text: str) -> None:
    sig = signature(fold(text))
    assert similarity(sig, sig) == 1.0
    assert similarity(sig, signature(fold(WIRE))) < 0.5


def test_signature_does_not_depend_on_the_process() -> None:
    code = "from workers.fingerprint import signature; print(signature('one story told twice over'))"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code], env={"PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True
        ).stdout
        for seed in ("1", "2")
    }
    assert seen == {signature("one story told twice over") + "\n"}


def _polynomial(word: bytes) -> int:
    """The word hash written out: sum of byte * P**i modulo 2**64, folded to 32 bits."""
    p = 0x100000001B3
    h = sum(b * pow(p, i, 1 << 64) for i, b in enumerate(word)) % (1 << 64)
    return (h ^ (h >> 32)) & 0xFFFFFFFF


@pytest.mark.parametrize(
    "text",
    ["", "   ", "one", " one  two ", "Erdoğan ile görüştü, 北京 and Путин!", WIRE, "word " * 20_000],
)
def test_word_hashes_are_the_polynomial_hash_of_each_word(text: str) -> None:
    # the last text is longer than the cached power tables: its own are computed
    assert word_hashes(text).tolist() == [_polynomial(w) for w in word_breaks(text).encode().split()]


def test_signatures_of_another_scheme_count_as_unlike() -> None:
    wire = signature(fold(WIRE))
    assert wire.startswith(SCHEME)
    older = wire.removeprefix(SCHEME)  # the same values without the mark: what an older version kept
    assert similarities(wire, [wire, older, signature(fold(REWRITE))])[:2] == [1.0, 0.0]
    assert similarities(wire, []) == []
