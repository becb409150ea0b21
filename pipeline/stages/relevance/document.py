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
    _by_key: dict[str, list[Hit]] = field(default_factory=dict, repr=False)
    _words_by_key: dict[str, list[Hit]] = field(default_factory=dict, repr=False)
    _spans: dict[tuple[bool, str], list[Span]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, name: str, text: str, matcher: TermMatcher, lexicon_keys: frozenset[str]) -> FieldView:
        hits = tuple(matcher.find(text))
        words = tuple(longest_leftmost(hits, lexicon_keys))
        return cls(name, text, hits, words, _by_key(hits), _by_key(words))

    @property
    def keys(self) -> KeysView[str]:
        return self._by_key.keys()

    @property
    def word_keys(self) -> KeysView[str]:
        return self._words_by_key.keys()

    def spans_of(self, key: str) -> list[Span]:
        """Every occurrence of ``key``, also inside a longer term."""
        return self._spans_of(key, words=False)

    def word_spans_of(self, key: str) -> list[Span]:
        """The occurrences of ``key`` that are whole lexicon words (not inside a longer term)."""
        return self._spans_of(key, words=True)

    def _spans_of(self, key: str, *, words: bool) -> list[Span]:
        """Made on first demand, once: rules ask about a few dozen terms, a long body has thousands of hits.
        Callers copy from the list, never change it."""
        spans = self._spans.get((words, key))
        if spans is None:
            hits = (self._words_by_key if words else self._by_key).get(key, ())
            spans = self._spans[words, key] = [Span(self.name, hit.start, hit.end) for hit in hits]
        return spans


def _by_key(hits: tuple[Hit, ...]) -> dict[str, list[Hit]]:
    """Hits grouped by term; made into Spans only for the terms a rule asks about (a body has hundreds)."""
    by_key: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_key[hit.key].append(hit)
    return by_key


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
