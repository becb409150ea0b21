"""Crawled text with the matched terms marked: each piece is escaped first, then wrapped in <mark>, so no
crawled character can ever become markup."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from pipeline.stages.relevance import Contribution
from pipeline.stages.relevance.matching import fold


def match_spans(text: str, field: str, contributions: Iterable[Contribution]) -> list[tuple[int, int]]:
    """Where the explanation's positive matches lie in ``text`` (its ``field``), merged where they overlap.

    Term positions come from the explanation (folding keeps offsets); a rule's words are looked up."""
    spans: list[tuple[int, int]] = []
    folded = fold(text)
    for item in contributions:
        if item.score <= 0:
            continue
        if item.kind == "term" and item.field == field:
            spans.extend((start, start + len(item.label)) for start in item.positions)
        elif item.kind == "rule":
            for word in filter(None, item.matched.split("+")):
                spans.extend(_occurrences(folded, fold(word)))
    return _merged(spans, len(text))


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces.append(escape(text[done:start]))
        pieces.append(Markup("<mark>%s</mark>") % text[start:end])  # % escapes its argument
        done = end
    pieces.append(escape(text[done:]))
    return Markup("").join(pieces)


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    found, start = [], text.find(word)
    while word and start >= 0:
        found.append((start, start + len(word)))
        start = text.find(word, start + len(word))
    return found


def _merged(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans if s < e):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
