"""Learning from the editor: the learned relevance model, fitted again with the editor's decisions.

The shipped model (pipeline.stages.relevance.learned) keeps the features it was fitted on; the accepted and
rejected reviews are added to them as a group of their own, each counting ``relevance.editor_decision_weight``
labelled items, and the logistic regression is fitted again (threshold by grouped CV, as in training).
Fitting takes seconds and embedding the decisions more, so the fitted model is kept in
``relevance.editor_model_file`` and fitted again only when the decisions change. Until there are
``relevance.editor_min_decisions`` decisions of both kinds there is no editor model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.schema import Article, Review, ReviewEvent, Source
from pipeline.config import RelevanceSettings
from pipeline.errors import InputError
from pipeline.stages.relevance import RelevanceModel, load_relevance
from pipeline.stages.relevance.embedding import EMBEDDER_NAME
from pipeline.stages.relevance.learned import LearnedModel, load_learned
from pipeline.stages.relevance.training import LabelledItem, featurise, retrain

Decision = tuple[str, str, str, bool]  # title, text, media, accepted

MIN_DECISIONS = 20
DECIDED = ("accepted", "rejected")
EDITOR_GROUP = "editor"


@dataclass(frozen=True)
class EditorModel:
    """The learned model fitted with the editor's decisions; read-only, so it serves concurrent requests."""

    learned: LearnedModel
    relevance: RelevanceModel  # stage 1 (features) and the embedder
    accepted: int
    rejected: int
    cache: Path | None = None  # embeddings kept between calls

    def accept_probability(self, title: str, text: str, media: str) -> float:
        return self.accept_probabilities([(title, text, media)])[0]

    def accept_probabilities(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        """One batch of embeddings for a whole candidate list."""
        if not items:
            return []
        labelled = [LabelledItem(t, x, m or "", False, EDITOR_GROUP) for t, x, m in items]
        embeddings, stage1 = featurise(labelled, self.relevance, self.cache)
        return [float(p) for p in self.learned.probabilities(embeddings, stage1)]


def train_editor_model(
    examples: Sequence[Decision],
    relevance: RelevanceModel,
    base: LearnedModel,
    *,
    min_decisions: int = MIN_DECISIONS,
    weight: float = 5.0,
    cache: Path | None = None,
) -> EditorModel | None:
    """``base`` fitted again with these decisions, or None below ``min_decisions`` or when they are all of
    one kind."""
    labels = [bool(accepted) for *_, accepted in examples]
    if len(labels) < max(min_decisions, 2) or len(set(labels)) < 2:
        return None
    items = [
        LabelledItem(t, x, m, a, EDITOR_GROUP, weight, "accepted" if a else "rejected")
        for t, x, m, a in examples
    ]
    embeddings, stage1 = featurise(items, relevance, cache)
    hits = np.array(labels)
    trained = {
        "decisions": decisions_key(examples),
        "accepted": int(hits.sum()),
        "rejected": int((~hits).sum()),
    }
    learned = retrain(
        base,
        np.hstack([embeddings, stage1]),
        hits,
        np.full(len(items), weight),
        EDITOR_GROUP,
        (embeddings, [i.title for i in items], [i.label for i in items]),
        trained,
    )
    return EditorModel(learned, relevance, int(hits.sum()), int((~hits).sum()), cache)


def decisions_key(examples: Sequence[Decision]) -> str:
    """What the decisions are, in a few characters: the kept model is fitted again when it changes."""
    digest = hashlib.sha1()
    for title, text, media, accepted in sorted(examples):
        digest.update(f"{title}\x1f{text[:200]}\x1f{media}\x1f{accepted}\x1e".encode())
    return digest.hexdigest()


def editor_model_for(session: Session, settings: RelevanceSettings, before: datetime) -> EditorModel | None:
    """The model of the editor's decisions made before ``before`` (a week's start: a week's own decisions
    never re-rank it), or None while there are fewer than ``settings.editor_min_decisions``. The kept model
    in ``settings.editor_model_file`` is used while the decisions are the same."""
    examples = decisions_for_training(session, before=before)
    if len(examples) < settings.editor_min_decisions or not settings.learned:
        return None
    relevance = load_relevance(settings.model_copy(update={"learned": False}))
    cache = settings.editor_model_file.with_suffix(".embeddings.npz")
    kept = _kept_model(settings.editor_model_file, decisions_key(examples))
    if kept is not None:
        trained = kept.trained
        return EditorModel(kept, relevance, int(trained["accepted"]), int(trained["rejected"]), cache)  # type: ignore[call-overload]
    base = load_relevance(settings).learned
    assert base is not None  # settings.learned is on
    model = train_editor_model(
        examples,
        relevance,
        base,
        min_decisions=settings.editor_min_decisions,
        weight=settings.editor_decision_weight,
        cache=cache,
    )
    if model is not None:
        model.learned.save(settings.editor_model_file)
    return model


def _kept_model(path: Path, key: str) -> LearnedModel | None:
    if not path.exists():
        return None
    try:
        kept = load_learned(path)
    except InputError:
        return None  # not ours or damaged: fitted again and overwritten
    same = kept.trained.get("decisions") == key and kept.embedder == EMBEDDER_NAME
    return kept if same else None  # fitted again after new decisions or another embedding model


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
