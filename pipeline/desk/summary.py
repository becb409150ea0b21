"""An honest extractive summary for 主要内容: whole sentences copied from the article, nothing rewritten.

Sentences score by the matched relevance terms they hold plus a bonus for coming early (a news lead says
what the story is about); the best ones are printed in the article's own order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+")
LEAD_BONUS = 1.0  # the first sentence gets this much, falling to 0 over the first ``LEAD_SPAN`` sentences
LEAD_SPAN = 5
MIN_CHARS = 8  # shorter fragments (datelines, "图片来源" lines) are not sentences worth keeping


def split_sentences(text: str) -> list[str]:
    parts = (part.strip() for part in SENTENCE_END.split(text or ""))
    return [part for part in parts if part]


def extractive_summary(
    text: str, terms: Iterable[str] = (), *, max_sentences: int = 3, max_chars: int = 300
) -> str:
    """Up to ``max_sentences`` of the text's highest-scoring sentences (at most ``max_chars`` in all,
    the first one always kept), joined in their original order."""
    sentences = [s for s in split_sentences(text) if len(s) >= MIN_CHARS] or split_sentences(text)
    if not sentences:
        return ""
    folded_terms = [term.casefold() for term in terms if term]
    ranked = sorted(range(len(sentences)), key=lambda i: (-_score(sentences[i], i, folded_terms), i))
    chosen: list[int] = []
    used = 0
    for index in ranked[:max_sentences]:
        if chosen and used + len(sentences[index]) > max_chars:
            continue
        chosen.append(index)
        used += len(sentences[index])
    return _join(sentences[i] for i in sorted(chosen))


def _join(sentences: Iterable[str]) -> str:
    """Sentences that end in punctuation run on; a line without it (a heading) stays a line of its own."""
    out = ""
    for sentence in sentences:
        out += sentence if not out or out[-1] in "。！？!?；;" else "\n" + sentence
    return out


def _score(sentence: str, index: int, terms: list[str]) -> float:
    folded = sentence.casefold()
    term_hits = sum(folded.count(term) for term in terms)
    lead = LEAD_BONUS * max(0.0, 1 - index / LEAD_SPAN)
    return term_hits + lead
