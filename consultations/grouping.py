"""Campaign detection: comments whose text is the same once punctuation,
spacing, case and full-/half-width forms are ignored share a fingerprint;
nearly the same texts (a word changed, a line added) are within a few bits
of each other's SimHash over character trigrams, which works for Chinese
without a word segmenter.

Near texts are found through a banded index rather than by comparing with
every group: the 64 bits are cut into NEAR_DISTANCE + 1 bands, so two
hashes at most NEAR_DISTANCE bits apart agree on at least one whole band
(pigeonhole). The candidates are the groups sharing a band, each an indexed
column; only those are compared bit by bit, and none within the distance is
missed."""

import hashlib
import itertools
import unicodedata

SIMHASH_BITS = 64
# Texts this many bits apart or fewer are one campaign: about one trigram
# in ten differs.
NEAR_DISTANCE = 6
SHINGLE = 3
BANDS = NEAR_DISTANCE + 1
# Band i covers bits [BAND_STARTS[i], BAND_STARTS[i + 1]), 9 or 10 bits wide.
BAND_STARTS = [round(index * SIMHASH_BITS / BANDS) for index in range(BANDS + 1)]


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
    # Each shingle's hash as a row of 64 binary digits; a bit of the result
    # is set where more rows have a 1 than a 0 in its column.
    rows = [format(int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big"),
                   f"0{SIMHASH_BITS}b") for shingle in shingles]
    value = 0
    for index, column in enumerate(zip(*rows, strict=True)):
        if 2 * column.count("1") > len(rows):
            value |= 1 << (SIMHASH_BITS - 1 - index)
    return _signed(value)


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def bands(value: int) -> list[int]:
    """The BANDS slices of a (signed, stored) SimHash, each a small integer."""
    value &= (1 << SIMHASH_BITS) - 1
    return [value >> start & ((1 << (end - start)) - 1) for start, end in itertools.pairwise(BAND_STARTS)]
