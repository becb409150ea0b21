"""Re-run the page stages over stored raw HTML, after the extractor or the relevance rules improve."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models.schema import Article, Source
from pipeline.errors import DropArticle
from pipeline.record import ArticleRecord
from pipeline.stages.page import Stages, process_page
from pipeline.store.articles import raw_html, update_article


@dataclass
class ReextractResult:
    updated: int = 0
    unchanged: int = 0
    no_html: int = 0
    failed: Counter[str] = field(
        default_factory=Counter
    )  # drop reason -> count; those rows are kept as they were


def reextract_articles(
    session: Session, stages: Stages, *, since: datetime | None = None, source: str | None = None
) -> ReextractResult:
    """Re-extract and re-score articles fetched since ``since`` (and of ``source``), updating their rows.

    Rows are updated in place by id: the canonical URL a better extractor finds may differ, and an upsert
    on it would then make a second row."""
    result = ReextractResult()
    for article in _articles(session, since, source):
        html = raw_html(article)
        if not html:
            result.no_html += 1
            continue
        try:
            record = process_page(_record(article, html), stages)
        except DropArticle as exc:
            result.failed[exc.reason] += 1
            continue
        if update_article(session, article, record):
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    return result


def _articles(session: Session, since: datetime | None, source: str | None) -> Iterator[Article]:
    query = (
        select(Article)
        .options(joinedload(Article.source), joinedload(Article.relevance))
        .order_by(Article.id)
    )
    if since is not None:
        query = query.where(Article.fetched_at >= since)
    if source is not None:
        query = query.join(Source).where(Source.name == source)
    yield from session.scalars(query).unique()


def _record(article: Article, html: bytes) -> ArticleRecord:
    return ArticleRecord(
        url=article.url,
        source=article.source.name if article.source else "",
        fetched_at=article.fetched_at,
        html=html,
        http_encoding=article.http_encoding,
        source_media=article.source.media if article.source else None,
    )
