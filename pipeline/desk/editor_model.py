"""Learning from the editor: a small model of which candidates get accepted, used to re-rank the week.

Logistic regression over TF-IDF of the relevance model's jieba words (title words apart from body words,
plus the media), trained on the accepted and rejected reviews. Until there are enough decisions of both
kinds there is no model and the ranking is relevance alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.schema import Article, Review, ReviewEvent, Source
from pipeline.config import RelevanceSettings
from pipeline.stages.relevance import load_relevance

if TYPE_CHECKING:
    from pipeline.stages.relevance import RelevanceModel

Tokenizer = Callable[[str], list[str]]  # see editor_tokenizer
Decision = tuple[str, str, str, bool]  # title, text, media, accepted

MIN_DECISIONS = 20
# The title and the lede are what an editor judges by; tokenising whole articles made training on 2000
# decisions take ~8 s (jieba, ~0.3 M characters/s) for no signal the first paragraphs lack.
BODY_CHARS = 600
DECIDED = ("accepted", "rejected")


@dataclass(frozen=True, slots=True)
class EditorModel:
    """A fitted model; never refitted (train a new one), so one instance can serve concurrent requests."""

    tokenizer: Tokenizer
    vectorizer: TfidfVectorizer
    classifier: LogisticRegression
    accepted: int
    rejected: int

    def accept_probability(self, title: str, text: str, media: str) -> float:
        return self.accept_probabilities([(title, text, media)])[0]

    def accept_probabilities(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        """One vectorisation for a whole candidate list."""
        if not items:
            return []
        features = self.vectorizer.transform([_features(*item, self.tokenizer) for item in items])
        return [float(p) for p in self.classifier.predict_proba(features)[:, 1]]

    def strongest_features(self, k: int = 10) -> tuple[list[str], list[str]]:
        """The ``k`` features pushing most towards accept and towards reject (to show what it learnt)."""
        names = self.vectorizer.get_feature_names_out()
        order = self.classifier.coef_[0].argsort()
        return [str(names[i]) for i in order[::-1][:k]], [str(names[i]) for i in order[:k]]


def editor_tokenizer(relevance: RelevanceModel) -> Tokenizer:
    """The relevance model's words with the parts of long words: 医保 inside 医保电子凭证 and 医保码 is
    what an editor's taste for 医保 items is learnt from (cross-validated AP of the model alone on the
    labelled sample: 0.94 with whole words only, 0.99 with parts)."""
    return partial(relevance.tokens, parts=True)


def train_editor_model(
    examples: Sequence[Decision], tokenizer: Tokenizer, *, min_decisions: int = MIN_DECISIONS
) -> EditorModel | None:
    """The model of these decisions, or None below ``min_decisions`` or when they are all of one kind."""
    labels = [bool(accepted) for *_, accepted in examples]
    if len(labels) < max(min_decisions, 2) or len(set(labels)) < 2:
        return None
    # sublinear tf: a long body repeating a word should not outweigh the title's few words
    vectorizer = TfidfVectorizer(analyzer=_given, sublinear_tf=True)
    matrix = vectorizer.fit_transform([_features(t, x, m, tokenizer) for t, x, m, _ in examples])
    # balanced: the editor rejects far more than accepts; lbfgs is deterministic
    classifier = LogisticRegression(class_weight="balanced", C=1.0, solver="lbfgs", max_iter=1000)
    classifier.fit(matrix, labels)
    accepted = sum(labels)
    return EditorModel(tokenizer, vectorizer, classifier, accepted, len(labels) - accepted)


def editor_model_for(session: Session, settings: RelevanceSettings, before: datetime) -> EditorModel | None:
    """The model of the editor's decisions made before ``before`` (a week's start: a week's own decisions
    never re-rank it), or None while there are fewer than ``settings.editor_min_decisions``."""
    examples = decisions_for_training(session, before=before)
    if len(examples) < settings.editor_min_decisions:
        return None
    tokenizer = editor_tokenizer(load_relevance(settings))
    return train_editor_model(examples, tokenizer, min_decisions=settings.editor_min_decisions)


def decisions_for_training(
    session: Session, *, before: datetime | None = None, limit: int = 2000
) -> list[Decision]:
    """The latest ``limit`` accepted or rejected reviews (pending is no decision), decided before ``before``
    if given, as (title, text, media, accepted). The crawled title, text and media, not the editor's edits:
    the model must judge what the crawler will show it."""
    decided_at = _decision_times().subquery()
    when = func.coalesce(decided_at.c.at, Review.updated_at)
    query = (
        select(Article.title, Article.text, func.coalesce(Article.media, Source.media, ""), Review.status)
        .join(Review, Review.article_id == Article.id)
        .join(Source, Article.source_id == Source.id, isouter=True)
        .join(decided_at, decided_at.c.review_id == Review.id, isouter=True)
        .where(Review.status.in_(DECIDED))
        .order_by(when.desc(), Review.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(when < before)
    return [
        (title or "", text or "", media or "", status == "accepted")
        for title, text, media, status in session.execute(query)
    ]


def _decision_times() -> Select[tuple[int, datetime]]:
    """When each review was last accepted or rejected (an edit or a reordering later is no new decision)."""
    return (
        select(ReviewEvent.review_id, func.max(ReviewEvent.at).label("at"))
        .where(ReviewEvent.action.in_(("accept", "reject")))
        .group_by(ReviewEvent.review_id)
    )


def _features(title: str, text: str, media: str, tokenizer: Tokenizer) -> list[str]:
    # prefixes keep a title word apart from the same word in a body: editors judge by the title first
    return (
        [f"t:{word}" for word in tokenizer(title or "")]
        + [f"b:{word}" for word in tokenizer((text or "")[:BODY_CHARS])]
        + ([f"m:{media.strip()}"] if media and media.strip() else [])
    )


def _given(features: list[str]) -> list[str]:
    """The analyzer: features are made by ``_features`` already (a named function, so the model pickles)."""
    return features
