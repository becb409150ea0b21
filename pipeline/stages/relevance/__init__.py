"""Relevance: is an article health-IT news, how strongly, and why.

The only package of the project importing jieba (lazily, in ``words``); matching itself is Aho-Corasick.
"""

from __future__ import annotations

from pipeline.record import ArticleRecord
from pipeline.stages.relevance.document import Document
from pipeline.stages.relevance.explanation import Contribution, Explanation
from pipeline.stages.relevance.model import RelevanceModel, load_relevance
from pipeline.stages.relevance.scoring import explain_document

__all__ = [
    "Contribution",
    "Explanation",
    "RelevanceModel",
    "explain_article",
    "explain_fields",
    "keywords",
    "load_relevance",
    "score_article",
    "score_fields",
]


def explain_fields(
    title: str, text: str, media: str | None, model: RelevanceModel, prior: float = 0.0
) -> Explanation:
    doc = Document.build(title or "", text or "", media or "", model.matcher, model.lexicon_keys)
    return explain_document(doc, model, prior)


def explain_article(record: ArticleRecord, model: RelevanceModel, prior: float = 0.0) -> Explanation:
    """Why ``record`` scores what it does: each term and rule, its field, positions and contribution."""
    return explain_fields(record.title, record.text, record.media or record.source_media, model, prior)


def score_article(record: ArticleRecord, model: RelevanceModel, prior: float = 0.0) -> ArticleRecord:
    """The record with ``score``, ``flagged`` (score >= threshold, no ! or + rule against it), ``matched``."""
    explanation = explain_article(record, model, prior)
    return record.evolve(score=explanation.total, flagged=explanation.flagged, matched=explanation.matched)


def score_fields(title: str, text: str, media: str | None, model: RelevanceModel) -> dict[str, object]:
    """What ``hitmon score`` adds to each JSONL object: ``flagged``, ``score`` and ``matched``."""
    explanation = explain_fields(title, text, media, model)
    return {"flagged": explanation.flagged, "score": explanation.total, "matched": list(explanation.matched)}


def keywords(record: ArticleRecord, model: RelevanceModel, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` words of highest TF-IDF in title and text, lexicon terms kept whole."""
    return model.keywords(f"{record.title}\n{record.text}", k)
