"""Reprint merging in the database: new articles join the story of a near-duplicate, or start one.

The near-duplicate test itself (MinHash LSH over character shingles, plus normalised titles) is
``pipeline.dedupe``; this module only picks the articles to compare and records the stories.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import Article, Story
from pipeline.dedupe import ReprintIndex, choose_leader

REPRINT_WINDOW = timedelta(days=10)  # reprints follow the original within days, not months


def group_reprints(session: Session, since: datetime) -> int:
    """Give each article fetched since ``since`` and in no story yet the story of its near-duplicates.
    Returns how many articles joined or started a story."""
    fresh = list(
        session.scalars(select(Article).where(Article.fetched_at >= since, Article.story_id.is_(None)))
    )
    dated = [a.published_at for a in fresh if a.published_at]
    if not fresh:
        return 0
    low = min(dated, default=since) - REPRINT_WINDOW
    high = max(dated, default=since) + REPRINT_WINDOW
    pool = list(session.scalars(select(Article).where(Article.published_at.between(low, high))))
    pool_ids = {a.id for a in pool}
    pool += [a for a in fresh if a.id not in pool_ids]
    index = ReprintIndex()
    for article in pool:
        index.add(article.id, article.title, article.text, article.fingerprint)
    by_id = {a.id: a for a in pool}
    joined = 0
    for article in fresh:
        found = index.find(article.title, article.text, article.fingerprint)
        copies = [by_id[key] for key in found if key != article.id]
        if copies:
            _join(session, article, copies)
            joined += 1
    session.flush()
    return joined


def _join(session: Session, article: Article, copies: list[Article]) -> None:
    story = next((copy.story for copy in copies if copy.story is not None), None)
    if story is None:
        story = Story()
        session.add(story)
    for member in [article, *copies]:
        member.story = story
    session.flush()
    members = list(session.scalars(select(Article).where(Article.story_id == story.id)))
    story.leader_id = choose_leader(members).id
