"""Campaign detection: comments whose text is the same once punctuation,
spacing, case and full-/half-width forms are ignored share a fingerprint;
nearly the same texts (a word changed, a line added) are within a few bits
of each other's SimHash over character trigrams, which works for Chinese
without a word segmenter."""

import hashlib
import unicodedata

SIMHASH_BITS = 64
# Texts this many bits apart or fewer are one campaign: about one trigram
# in ten differs.
NEAR_DISTANCE = 6
SHINGLE = 3


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    # Letters and digits only: punctuation (P*), symbols (S*), spaces (Z*) and controls go.
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def _signed(value: int) -> int:
    """A 64-bit hash as the signed integer a BigIntegerField stores."""
    return value - (1 << 64) if value >= 1 << 63 else value


def simhash(text: str) -> int:
    norm = normalise(text)
    shingles = [norm[i:i + SHINGLE] for i in range(max(1, len(norm) - SHINGLE + 1))] if norm else []
    weights = [0] * SIMHASH_BITS
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(SIMHASH_BITS):
            weights[bit] += 1 if value >> bit & 1 else -1
    return _signed(sum(1 << bit for bit in range(SIMHASH_BITS) if weights[bit] > 0))


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()
