"""An article prepared for matching: per field, its text and where each literal term occurs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import KeysView
from dataclasses import dataclass, field
from typing import NamedTuple

from pipeline.stages.relevance.matching import Hit, TermMatcher, longest_leftmost


class Span(NamedTuple):
    field: str  # "title" or "body"
    start: int
    end: int


@dataclass(frozen=True)
class FieldView:
    name: str
    text: str
    hits: tuple[Hit, ...]  # every literal hit, overlapping ones included
    words: tuple[Hit, ...]  # the lexicon's terms as a segmenter keeps them: longest first, no overlaps
    _by_key: dict[str, list[Span]] = field(default_factory=dict, repr=False)
    _words_by_key: dict[str, list[Span]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, name: str, text: str, matcher: TermMatcher, lexicon_keys: frozenset[str]) -> FieldView:
        hits = tuple(matcher.find(text))
        words = tuple(longest_leftmost(hits, lexicon_keys))
        return cls(name, text, hits, words, _spans_by_key(name, hits), _spans_by_key(name, words))

    @property
    def keys(self) -> KeysView[str]:
        return self._by_key.keys()

    @property
    def word_keys(self) -> KeysView[str]:
        return self._words_by_key.keys()

    def spans_of(self, key: str) -> list[Span]:
        """Every occurrence of ``key``, also inside a longer term."""
        return self._by_key.get(key, [])

    def word_spans_of(self, key: str) -> list[Span]:
        """The occurrences of ``key`` that are whole lexicon words (not inside a longer term)."""
        return self._words_by_key.get(key, [])


def _spans_by_key(name: str, hits: tuple[Hit, ...]) -> dict[str, list[Span]]:
    by_key: dict[str, list[Span]] = defaultdict(list)
    for hit in hits:
        by_key[hit.key].append(Span(name, hit.start, hit.end))
    return dict(by_key)


@dataclass(frozen=True)
class Document:
    title: FieldView
    body: FieldView
    media: FieldView

    @classmethod
    def build(
        cls, title: str, body: str, media: str, matcher: TermMatcher, lexicon_keys: frozenset[str]
    ) -> Document:
        return cls(
            FieldView.build("title", title, matcher, lexicon_keys),
            FieldView.build("body", body, matcher, lexicon_keys),
            FieldView.build("media", media, matcher, lexicon_keys),
        )

    def field(self, name: str) -> FieldView:
        return getattr(self, name)
