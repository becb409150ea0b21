"""Relevance: is an article health-IT news, how strongly, and why.

The only package of the project importing jieba (lazily, in ``words``); matching itself is Aho-Corasick.
"""

from __future__ import annotations

from pipeline.record import ArticleRecord
from pipeline.stages.relevance.document import Document
from pipeline.stages.relevance.explanation import Contribution, Explanation
from pipeline.stages.relevance.model import RelevanceModel, load_relevance
from pipeline.stages.relevance.scoring import explain_document
from pipeline.stages.relevance.verdict import Verdict, judge

__all__ = [
    "Contribution",
    "Explanation",
    "RelevanceModel",
    "Verdict",
    "explain_article",
    "explain_fields",
    "explain_verdict",
    "judge",
    "keywords",
    "load_relevance",
    "score_article",
    "score_fields",
    "score_records",
]


def explain_fields(
    title: str, text: str, media: str | None, model: RelevanceModel, prior: float = 0.0
) -> Explanation:
    doc = Document.build(title or "", text or "", media or "", model.matcher, model.lexicon_keys)
    return explain_document(doc, model, prior)


def explain_article(record: ArticleRecord, model: RelevanceModel, prior: float = 0.0) -> Explanation:
    """Why ``record`` scores what it does: each term and rule, its field, positions and contribution."""
    return explain_fields(record.title, record.text, record.media or record.source_media, model, prior)


def score_article(record: ArticleRecord, model: RelevanceModel) -> ArticleRecord:
    """The record with ``score`` and ``matched`` (stage 1), ``probability`` (stage 2) and ``flagged``."""
    return score_records([record], model)[0]


def explain_verdict(record: ArticleRecord, model: RelevanceModel, neighbours: int = 3) -> list[str]:
    """``hitmon explain``: the rule contributions, then the learned probability and the nearest references."""
    verdict = judge(
        [(record.title, record.text, record.media or record.source_media)], model, neighbours=neighbours
    )[0]
    return verdict.render()


def score_records(records: list[ArticleRecord], model: RelevanceModel) -> list[ArticleRecord]:
    """``score_article`` for many records, stage 2 embedding in batches those stage 1 flags (the week's
    candidates; every survivor of stage 1 with ``learned_flags``): see ``judge``'s ``flagged_only``."""
    items = [(r.title, r.text, r.media or r.source_media) for r in records]
    return [
        record.evolve(
            score=verdict.explanation.total,
            flagged=verdict.flagged,
            matched=verdict.explanation.matched,
            probability=verdict.probability,
        )
        for record, verdict in zip(records, judge(items, model, flagged_only=True), strict=True)
    ]


def score_fields(title: str, text: str, media: str | None, model: RelevanceModel) -> dict[str, object]:
    """What ``hitmon score`` adds to each JSONL object: flagged, score, matched, probability."""
    return judge([(title, text, media)], model)[0].as_fields()


def keywords(record: ArticleRecord, model: RelevanceModel, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` words of highest TF-IDF in title and text, lexicon terms kept whole."""
    return model.keywords(f"{record.title}\n{record.text}", k)
