"""One article at the desk: what the detail page shows, and the editor's edits of what it prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from models.schema import Article
from pipeline.desk import review
from pipeline.desk.overview import story_copies
from pipeline.desk.printed import crawled_media, printed
from pipeline.desk.review import UnknownArticle
from pipeline.desk.summary import extractive_summary
from pipeline.stages.relevance import Explanation, RelevanceModel, explain_fields


@dataclass(frozen=True, slots=True)
class Copy:
    id: int
    title: str
    media: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class Change:
    at: datetime
    actor: str | None
    action: str
    detail: dict[str, object]


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as the detail page shows it: crawled fields, the printed ones, and its history."""

    id: int
    title: str  # as crawled
    text: str
    media: str  # as crawled (the source's media when the page named none)
    published_at: datetime | None
    source: str | None
    url: str
    status: str
    printed_title: str
    printed_media: str
    summary: str  # 主要内容 as it will print
    summary_is_full_text: bool
    explanation: Explanation
    copies: tuple[Copy, ...]
    changes: tuple[Change, ...]  # newest first


def article_view(session: Session, article_id: int, model: RelevanceModel) -> ArticleView:
    article = stored_article(session, article_id)
    media = crawled_media(article)
    saved = article.review
    shown = printed(article)
    return ArticleView(
        id=article.id,
        title=article.title,
        text=article.text,
        media=media,
        published_at=article.published_at,
        source=article.source.name if article.source else None,
        url=article.canonical_url,
        status=saved.status if saved else "pending",
        printed_title=shown.title,
        printed_media=shown.media,
        summary=shown.summary,
        summary_is_full_text=shown.summary_is_full_text,
        explanation=explain_fields(article.title, article.text, media, model),
        copies=tuple(
            Copy(copy.id, copy.title, crawled_media(copy), copy.published_at)
            for copy in story_copies(session, article_id)
        ),
        changes=tuple(
            Change(event.at, event.actor, event.action, dict(event.detail or {}))
            for event in reversed(saved.events if saved else [])
        ),
    )


def edit_printed(
    session: Session,
    article_id: int,
    *,
    title: str | None = None,
    media: str | None = None,
    summary: str | None = None,
    actor: str | None = None,
) -> None:
    """Change what the bulletin prints. A value equal to the crawled one is stored as "the crawled value"
    (empty), so a later re-crawl or re-extraction still shows through; None leaves a field as it is."""
    article = stored_article(session, article_id)
    review.edit(
        session,
        article_id,
        title=None if title is None else _unless_same(title, article.title),
        media=None if media is None else _unless_same(media, crawled_media(article)),
        summary=None if summary is None else _unless_same(summary, article.text),
        actor=actor,
    )


def summarise(session: Session, article_id: int, full_text: bool, terms: tuple[str, ...], actor: str) -> None:
    """主要内容 back to the full text, or an extractive summary of it."""
    article = stored_article(session, article_id)
    summary = "" if full_text else extractive_summary(article.text, terms)
    review.edit(session, article_id, summary=summary, actor=actor)


def stored_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise UnknownArticle(f"no article with id {article_id}")
    return article


def _unless_same(value: str, crawled: str) -> str:
    return "" if _normalised(value) == _normalised(crawled) else value


def _normalised(text: str) -> str:
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").strip().splitlines())
