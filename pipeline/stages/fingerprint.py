"""A text's fingerprint: the MinHash of its character shingles, computed with numpy alone.

The values are those of datasketch's ``MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32",
hashfunc=zlib.crc32)`` (tests compare them), without importing datasketch: its package pulls in scipy
(~65 MB a process), which the extraction workers then held for nothing. Grouping reprints
(``pipeline.stages.dedupe``) still compares fingerprints with datasketch's LSH, after the crawl.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from functools import cache

import numpy as np

from pipeline.record import ArticleRecord

SHINGLE = 5  # characters per shingle
NUM_PERM = 128  # MinHash permutations: ~0.04 standard error on a Jaccard estimate
SEED = 1  # seed and scheme are fixed: fingerprints stored in the database must stay comparable
SCHEME = "affine32"  # 32-bit hash values: 8 hex digits each
MIN_CHARS = 20  # shorter texts say too little to compare; only their titles count
EMPTY = 2**32 - 1  # every hash value of the MinHash of an empty text
_NOT_WORD = re.compile(r"[\W_]+")
# datasketch's affine32 pre-mix, the MurmurHash3 finaliser: (shift, multiplier, shift, multiplier, shift)
_FMIX = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


def clean(text: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def shingles(text: str) -> set[bytes]:
    """Character ``SHINGLE``-grams of the text without whitespace and punctuation."""
    cleaned = clean(text)
    if len(cleaned) <= SHINGLE:
        return {cleaned.encode()} if cleaned else set()
    return {cleaned[i : i + SHINGLE].encode() for i in range(len(cleaned) - SHINGLE + 1)}


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 parameters for SEED: h -> a * h + b mod 2^32, a odd."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _premix(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> np.uint32(s1))
    values = values * np.uint32(m1)
    values = values ^ (values >> np.uint32(s2))
    values = values * np.uint32(m2)
    return values ^ (values >> np.uint32(s3))


def minhash_values(text: str) -> np.ndarray:
    """The NUM_PERM uint32 MinHash values of the text's shingles (all EMPTY for a text without any)."""
    parts = shingles(text)
    if not parts:
        return np.full(NUM_PERM, EMPTY, dtype=np.uint32)
    hashes = _premix(np.fromiter(map(zlib.crc32, parts), dtype=np.uint32, count=len(parts)))
    a, b = _permutations()
    return (hashes[:, None] * a + b).min(axis=0)  # uint32 arithmetic wraps: that is the mod 2^32


def values_to_hex(values: np.ndarray) -> str:
    """The form stored in ``ArticleRecord.fingerprint``: the 32-bit hash values as big-endian hex."""
    return np.asarray(values, dtype=">u4").tobytes().hex()


def long_enough(text: str) -> bool:
    """At least MIN_CHARS word characters; an article's opening settles it without normalising it all."""
    return len(clean(text[: MIN_CHARS * 8])) >= MIN_CHARS or len(clean(text)) >= MIN_CHARS


def fingerprint_record(record: ArticleRecord) -> ArticleRecord:
    """The dedupe stage: the record with ``fingerprint`` set from its text (None for a text too short)."""
    if not long_enough(record.text or ""):
        return record.evolve(fingerprint=None)
    return record.evolve(fingerprint=values_to_hex(minhash_values(record.text)))
