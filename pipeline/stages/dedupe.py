"""Reprints: near-duplicate texts (MinHash over character 5-grams, LSH) and equal normalised titles.

Chinese media reprint freely; copies of one story differ by a lead line, an editor's note or a 来源 line,
so texts are compared as sets of character shingles with whitespace and punctuation removed.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from datasketch import LeanMinHash, MinHash, MinHashLSH

from pipeline.stages.fingerprint import (
    EMPTY,
    NUM_PERM,
    SCHEME,
    SEED,
    clean,
    fingerprint_record,
    long_enough,
    minhash_values,
    shingles,
    values_to_hex,
)

__all__ = ["NUM_PERM", "ReprintIndex", "fingerprint_record", "shingles", "text_fingerprint"]

THRESHOLD = 0.6  # estimated Jaccard similarity from which two texts are one story
MIN_TITLE_CHARS = 6  # shorter normalised titles (通知, 公告) are too common to mean "same story"
_TITLE_NOISE = re.compile(
    r"^(转载|转发|原创|独家|重磅|快讯|最新)[:：|丨]|^[(（](转载|转|原创)[)）]|【[^】]*】|\[[^\]]*\]"
)
_SITE_SUFFIX = re.compile(r"(\s+-\s+|\s*[_|｜]\s*)[^-_|｜]{1,12}$")  # "标题 - 健康界", "标题_HIT专家网"
_SOURCE_LINE = re.compile(r"(?:来源|稿源|转自|转载自|来自)\s*[:：]?\s*([^\s，。,;；|）)]{2,30})")


def text_fingerprint(text: str) -> LeanMinHash:
    """The text's MinHash (pipeline.stages.fingerprint computes the values) as datasketch compares it."""
    return LeanMinHash(seed=SEED, hashvalues=minhash_values(text), scheme=SCHEME)


def fingerprint_to_hex(fingerprint: MinHash) -> str:
    """The form stored in ``ArticleRecord.fingerprint``: the 32-bit hash values as big-endian hex."""
    return values_to_hex(fingerprint.hashvalues)


def fingerprint_from_hex(value: str) -> LeanMinHash:
    try:
        raw = bytes.fromhex(value)
    except ValueError as exc:
        raise ValueError(f"not a fingerprint: {exc}") from None
    if len(raw) != 4 * NUM_PERM:
        raise ValueError(f"a fingerprint is {8 * NUM_PERM} hex digits, not {len(value)}")
    # one unpack of the big-endian words: grouping parses every stored fingerprint of its window
    hashvalues = struct.unpack(f">{NUM_PERM}I", raw)
    return LeanMinHash(seed=SEED, hashvalues=hashvalues, scheme=SCHEME)


def similarity(a: MinHash, b: MinHash) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    return float(a.jaccard(b))


def normalise_title(title: str) -> str:
    """The title without [tags], 【labels】, 转载: prefixes, a site-name suffix, punctuation and spaces."""
    text = unicodedata.normalize("NFKC", title or "").strip()
    return clean(_SITE_SUFFIX.sub("", _TITLE_NOISE.sub("", text)))


Key = TypeVar("Key", bound=Hashable)


class ReprintIndex(Generic[Key]):
    """Stories seen so far: ``find`` returns the keys of copies of a new article, ``add`` records one."""

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._fingerprints: dict[Key, LeanMinHash] = {}
        self._titles: dict[str, list[Key]] = {}
        self._keys: set[Key] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def add(self, key: Key, title: str, text: str, fingerprint: str | None = None) -> None:
        """Record an article; ``fingerprint`` (hex, as stored) saves recomputing it."""
        if key in self._keys:
            return
        self._keys.add(key)
        title_key = normalise_title(title)
        if len(title_key) >= MIN_TITLE_CHARS:
            self._titles.setdefault(title_key, []).append(key)
        minhash = _fingerprint_of(text, fingerprint)
        if minhash is not None:
            self._lsh.insert(key, minhash)
            self._fingerprints[key] = minhash

    def find(
        self,
        title: str,
        text: str,
        fingerprint: str | None = None,
        *,
        known: Callable[[Key], bool] | None = None,
    ) -> list[Key]:
        """Keys of recorded articles with the same normalised title or a text at least ``threshold`` alike.

        Keys for which ``known`` is true (already grouped with this article) are left out unchecked: among
        N copies of one story every query meets the N - 1 others, and comparing them all is what costs."""
        title_key = normalise_title(title)
        titled = self._titles.get(title_key, []) if len(title_key) >= MIN_TITLE_CHARS else []
        found = dict.fromkeys(key for key in titled if not (known and known(key)))
        minhash = _fingerprint_of(text, fingerprint)
        if minhash is not None:
            for key in self._lsh.query(minhash):
                if key in found or (known and known(key)):
                    continue
                if similarity(minhash, self._fingerprints[key]) >= self.threshold:
                    found[key] = None
        return list(found)


def _fingerprint_of(text: str, fingerprint: str | None) -> LeanMinHash | None:
    """The MinHash to compare, or None when there is too little text: empty pages must not all match.

    Without ``text`` a stored fingerprint is trusted as it is (fingerprint_record makes none for a short
    text), which spares reading and normalising every text when a week's articles are grouped."""
    if text and not long_enough(text):
        return None
    if fingerprint:
        minhash = fingerprint_from_hex(fingerprint)
        return None if all(value == EMPTY for value in minhash.hashvalues) else minhash
    return text_fingerprint(text) if text else None


class Copy(Protocol):
    """What ``choose_leader`` reads of a copy (an ``ArticleRecord`` or a stored row)."""

    @property
    def media(self) -> str | None: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def text(self) -> str: ...


C = TypeVar("C", bound=Copy)


def choose_leader(copies: Sequence[C]) -> C:
    """The copy the others name as their 来源 (most named first), else the earliest published one."""
    if not copies:
        raise ValueError("choose_leader needs at least one copy")
    named = _times_named(copies)
    order = sorted(
        range(len(copies)),
        key=lambda i: (-named[i], copies[i].published_at is None, _timestamp(copies[i].published_at), i),
    )
    return copies[order[0]]


def _times_named(copies: Sequence[Copy]) -> list[int]:
    """How many other copies name each copy's media as their 来源. Each copy's 来源 lines are read once and
    each distinct media counted once: a story of a thousand copies costs a thousand reads, not a million."""
    named_by = [_named_sources(copy) for copy in copies]
    medias = [(copy.media or "").strip() for copy in copies]
    counts = Counter(
        {media: sum(media in names for names in named_by) for media in set(medias) if len(media) >= 2}
    )
    pairs = zip(medias, named_by, strict=True)
    return [counts[media] - (media in names) if media in counts else 0 for media, names in pairs]


def _named_sources(copy: Copy) -> str:
    """The 来源 names a copy gives near the start or the end of its text."""
    text = copy.text or ""
    edges = text[:300] + "\n" + text[-300:]
    return " ".join(match.group(1) for match in _SOURCE_LINE.finditer(edges))


def _timestamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment else 0.0
