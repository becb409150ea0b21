"""The editor's decisions: accept, reject, reset, edit and order, each kept with who and when."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import Article, Review, ReviewEvent
from pipeline.errors import HitmonError

STATUSES = {"accept": "accepted", "reject": "rejected", "reset": "pending"}


class UnknownArticle(HitmonError):
    """An article id that is not in the database."""


def review_for(session: Session, article_id: int) -> Review:
    """The article's review, created pending on first use."""
    review = session.scalar(select(Review).where(Review.article_id == article_id))
    if review is not None:
        return review
    if session.get(Article, article_id) is None:
        raise UnknownArticle(f"no article with id {article_id}")
    review = Review(article_id=article_id, status="pending")
    session.add(review)
    session.flush()
    return review


def decide(
    session: Session, article_ids: Sequence[int], action: str, actor: str | None = None
) -> list[Review]:
    """Accept, reject or reset (undo) each article. Rejecting or resetting clears its position."""
    status = STATUSES[action]
    reviews = [review_for(session, article_id) for article_id in article_ids]
    for review in reviews:
        before = review.status
        review.status, review.updated_by = status, actor
        if status != "accepted":
            review.position = None
        review.events.append(ReviewEvent(action=action, actor=actor, detail={"from": before}))
    session.flush()
    return reviews


def edit(
    session: Session,
    article_id: int,
    *,
    title: str | None = None,
    media: str | None = None,
    summary: str | None = None,
    actor: str | None = None,
) -> Review:
    """Override the printed title, media or 主要内容; an empty string goes back to the crawled value."""
    review = review_for(session, article_id)
    changes = {
        name: value
        for name, value in (("title", title), ("media", media), ("summary", summary))
        if value is not None
    }
    for name, value in changes.items():
        setattr(review, name, value.strip() or None)
    review.updated_by = actor
    review.events.append(ReviewEvent(action="edit", actor=actor, detail={"fields": sorted(changes)}))
    session.flush()
    return review


def order(session: Session, article_ids: Sequence[int], actor: str | None = None) -> list[Review]:
    """Put accepted articles in this order (1, 2, 3 ...); each must be accepted."""
    reviews = [review_for(session, article_id) for article_id in article_ids]
    not_accepted = [r.article_id for r in reviews if r.status != "accepted"]
    if not_accepted:
        raise HitmonError(f"only accepted articles can be ordered; not accepted: {not_accepted}")
    for position, review in enumerate(reviews, start=1):
        review.position, review.updated_by = position, actor
        review.events.append(ReviewEvent(action="order", actor=actor, detail={"position": position}))
    session.flush()
    return reviews
