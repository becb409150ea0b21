"""Reprint merging in the database: new articles join the story of a near-duplicate, or start one.

The near-duplicate test itself (MinHash LSH over character shingles, plus normalised titles) is
``pipeline.stages.dedupe``; this module only picks the articles to compare and records the stories.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, defer

from models.schema import Article, Story
from pipeline.stages.dedupe import ReprintIndex, choose_leader

REPRINT_WINDOW = timedelta(days=10)  # reprints follow the original within days, not months


def group_reprints(session: Session, since: datetime) -> int:
    """Give each article fetched since ``since`` and in no story yet the story of its near-duplicates.
    Returns how many articles joined or started a story."""
    fresh = _light_articles(session, Article.fetched_at >= since, Article.story_id.is_(None))
    if not fresh:
        return 0
    dated = [a.published_at for a in fresh if a.published_at]
    low = min(dated, default=since) - REPRINT_WINDOW
    high = max(dated, default=since) + REPRINT_WINDOW
    pool = {a.id: a for a in _light_articles(session, Article.published_at.between(low, high))}
    pool.update((a.id, a) for a in fresh)
    index = ReprintIndex()
    for article in pool.values():
        index.add(article.id, article.title, _text_unless_fingerprinted(article), article.fingerprint)
    joined = 0
    for article in fresh:
        found = index.find(article.title, _text_unless_fingerprinted(article), article.fingerprint)
        copies = [pool[key] for key in found if key != article.id]
        if copies:
            _join(session, article, copies)
            joined += 1
    session.flush()
    return joined


def _light_articles(session: Session, *conditions: ColumnElement[bool]) -> list[Article]:
    """Articles without their text and raw page: grouping compares titles and stored fingerprints, and a
    week of full texts and pages would not fit in memory at scale."""
    query = select(Article).options(defer(Article.text), defer(Article.html_gz)).where(*conditions)
    return list(session.scalars(query))


def _text_unless_fingerprinted(article: Article) -> str:
    """The text only where no fingerprint was stored (it then loads, one row at a time)."""
    return "" if article.fingerprint else article.text


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
