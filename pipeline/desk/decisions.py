"""The editor's decisions as training data: which accepted and rejected reviews the editor model learns from.

Counting them needs only the database, so the week's list asks here first and loads the editor model
(numpy, the relevance stages, the embedder) only once there are enough of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.schema import Article, Review, ReviewEvent, Source

Decision = tuple[str, str, str, bool]  # title, text, media, accepted

DECIDED = ("accepted", "rejected")
MAX_DECISIONS = 2000  # the latest ones: older tastes fade, and fitting stays a matter of seconds


def decision_count(session: Session, *, before: datetime | None = None, limit: int = MAX_DECISIONS) -> int:
    """How many decisions ``decisions_for_training`` would return."""
    query = select(func.count()).select_from(_decided(before).limit(limit).subquery())
    return session.scalar(query) or 0


def decisions_for_training(
    session: Session, *, before: datetime | None = None, limit: int = MAX_DECISIONS
) -> list[Decision]:
    """The latest ``limit`` accepted or rejected reviews (pending is no decision), decided before ``before``
    if given, as (title, text, media, accepted). The crawled title, text and media, not the editor's edits:
    the model must judge what the crawler will show it."""
    decided = _decided(before).limit(limit).subquery()
    query = (
        select(Article.title, Article.text, func.coalesce(Article.media, Source.media, ""), decided.c.status)
        .join(decided, decided.c.article_id == Article.id)
        .join(Source, Article.source_id == Source.id, isouter=True)
        .order_by(decided.c.at.desc(), decided.c.review_id.desc())
    )
    return [
        (title or "", text or "", media or "", status == "accepted")
        for title, text, media, status in session.execute(query)
    ]


def _decided(before: datetime | None) -> Select[tuple[int, int, str, datetime]]:
    """The decided reviews, latest first: review id, article id, status, when it was decided."""
    decided_at = _decision_times().subquery()
    when = func.coalesce(decided_at.c.at, Review.updated_at)
    query = (
        select(Review.id.label("review_id"), Review.article_id, Review.status, when.label("at"))
        .join(decided_at, decided_at.c.review_id == Review.id, isouter=True)
        .where(Review.status.in_(DECIDED))
        .order_by(when.desc(), Review.id.desc())
    )
    return query.where(when < before) if before is not None else query


def _decision_times() -> Select[tuple[int, datetime]]:
    """When each review was last accepted or rejected (an edit or a reordering later is no new decision)."""
    return (
        select(ReviewEvent.review_id, func.max(ReviewEvent.at).label("at"))
        .where(ReviewEvent.action.in_(("accept", "reject")))
        .group_by(ReviewEvent.review_id)
    )
