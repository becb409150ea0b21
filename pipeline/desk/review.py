"""The editor's decisions: accept, reject, reset, edit and order, each kept with who, when, and the old and
new value of every field it changed.

Every review row carries a version (optimistic concurrency). A caller that showed the editor version N
passes ``expected_version=N``; if another editor saved in between, ``Conflict`` says what they saved
instead of silently writing over it. An article without a review row is at version 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.schema import Article, Review, ReviewEvent, ReviewStatus
from pipeline.errors import HitmonError

STATUSES = {"accept": ReviewStatus.ACCEPTED, "reject": ReviewStatus.REJECTED, "reset": ReviewStatus.PENDING}
EDITABLE = ("title", "media", "summary")


class UnknownArticle(HitmonError):
    """An article id that is not in the database."""


class NotAccepted(HitmonError):
    """Only accepted articles have a place in the bulletin order."""


@dataclass(frozen=True, slots=True)
class Saved:
    """A review as another editor left it: what a conflicting save is shown next to."""

    article_id: int
    version: int
    status: str
    title: str | None
    media: str | None
    summary: str | None
    updated_by: str | None
    updated_at: datetime | None


class Conflict(HitmonError):
    """The review changed since the editor saw it (version ``expected``); ``saved`` is what is there now."""

    def __init__(self, saved: Saved, expected: int):
        super().__init__(f"article {saved.article_id} changed since version {expected} (now {saved.version})")
        self.saved, self.expected = saved, expected


def saved_state(session: Session, article_id: int) -> Saved:
    review = session.scalar(select(Review).where(Review.article_id == article_id))
    if review is None:
        return Saved(article_id, 0, ReviewStatus.PENDING, None, None, None, None, None)
    return Saved(
        article_id,
        review.version,
        review.status,
        review.title,
        review.media,
        review.summary,
        review.updated_by,
        review.updated_at,
    )


def version_of(session: Session, article_id: int) -> int:
    return session.scalar(select(Review.version).where(Review.article_id == article_id)) or 0


def check_version(session: Session, article_id: int, expected: int | None) -> None:
    """Raise ``Conflict`` unless the review is still at ``expected`` (None: the caller does not check)."""
    if expected is not None and version_of(session, article_id) != expected:
        raise Conflict(saved_state(session, article_id), expected)


def review_for(session: Session, article_id: int) -> Review:
    """The article's review, created pending on first use."""
    review = session.scalar(select(Review).where(Review.article_id == article_id))
    if review is not None:
        return review
    if session.get(Article, article_id) is None:
        raise UnknownArticle(f"no article with id {article_id}")
    review = Review(article_id=article_id, status=ReviewStatus.PENDING)
    session.add(review)
    session.flush()
    return review


def decide(
    session: Session,
    article_ids: Sequence[int],
    action: str,
    actor: str | None = None,
    expected_version: int | None = None,
) -> list[Review]:
    """Accept, reject or reset (undo) each article. Rejecting or resetting clears its position."""
    status = STATUSES[action]
    if expected_version is not None:
        for article_id in article_ids:
            check_version(session, article_id, expected_version)
    reviews = [review_for(session, article_id) for article_id in article_ids]
    for review in reviews:
        changes = _changes(
            review,
            {"status": status, "position": review.position if status == ReviewStatus.ACCEPTED else None},
        )
        review.status, review.updated_by = status, actor
        if status != ReviewStatus.ACCEPTED:
            review.position = None
        review.events.append(ReviewEvent(action=action, actor=actor, detail={"changes": changes}))
    _flush(session, reviews, expected_version)
    return reviews


def edit(
    session: Session,
    article_id: int,
    *,
    title: str | None = None,
    media: str | None = None,
    summary: str | None = None,
    actor: str | None = None,
    expected_version: int | None = None,
    action: str = "edit",
) -> Review:
    """Override the printed title, media or 主要内容; an empty string goes back to the crawled value.
    The history keeps each changed field's old and new value (None: the crawled value)."""
    check_version(session, article_id, expected_version)
    review = review_for(session, article_id)
    wanted = {
        name: (value.strip() or None)
        for name, value in (("title", title), ("media", media), ("summary", summary))
        if value is not None
    }
    changes = _changes(review, wanted)
    if not changes:
        return review  # nothing changed: no new version, no empty history row
    for name, value in wanted.items():
        setattr(review, name, value)
    review.updated_by = actor
    review.events.append(ReviewEvent(action=action, actor=actor, detail={"changes": changes}))
    _flush(session, [review], expected_version)
    return review


def order(session: Session, article_ids: Sequence[int], actor: str | None = None) -> list[Review]:
    """Put accepted articles in this order (1, 2, 3 ...); each must be accepted and named once.
    Only the items whose place changed get a new version and a history row."""
    if len(set(article_ids)) != len(article_ids):
        raise HitmonError("排序中有重复的条目")
    reviews = [review_for(session, article_id) for article_id in article_ids]
    if any(r.status != ReviewStatus.ACCEPTED for r in reviews):
        raise NotAccepted("只有已采用的条目可以排序")
    for position, review in enumerate(reviews, start=1):
        if review.position == position:
            continue
        changes = {"position": [review.position, position]}
        review.position, review.updated_by = position, actor
        review.events.append(ReviewEvent(action="order", actor=actor, detail={"changes": changes}))
    _flush(session, reviews, None)
    return reviews


def _changes(review: Review, wanted: dict[str, object]) -> dict[str, list[object]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {
        name: [getattr(review, name), value]
        for name, value in wanted.items()
        if getattr(review, name) != value
    }


def _flush(session: Session, reviews: Sequence[Review], expected: int | None) -> None:
    """Flush; another editor's save landing between our check and our write also ends as ``Conflict``."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        article_id = reviews[0].article_id
        raise Conflict(saved_state(session, article_id), expected or 0) from None
