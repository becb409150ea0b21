"""The editor's work as functions of a database session: each one calls the library and returns plain
data for a template, so that handlers only parse the request and pick the response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from models.schema import Article
from pipeline import review
from pipeline.candidates import Candidate, accepted_in_order, weekly_candidates
from pipeline.config import Settings
from pipeline.export import render
from pipeline.issues import PlannedIssue, plan_issue, record_issue
from pipeline.overview import candidate_sources, filter_candidates, story_copies
from pipeline.relevance import Explanation, RelevanceModel, explain_fields
from pipeline.review import UnknownArticle
from pipeline.summary import extractive_summary
from pipeline.weeks import IsoWeek


@dataclass(frozen=True, slots=True)
class WeekFilters:
    show_all: bool = False
    source: str | None = None
    search: str | None = None


@dataclass(frozen=True, slots=True)
class WeekView:
    candidates: list[Candidate]
    accepted: list[Candidate]  # in bulletin order, whatever the filters
    sources: list[str]
    total: int  # before the source and title filters


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


def week_view(session: Session, week: IsoWeek, timezone: str, filters: WeekFilters) -> WeekView:
    every = weekly_candidates(session, week, timezone, flagged_only=False)
    listed = every if filters.show_all else [c for c in every if c.flagged or c.status == "accepted"]
    shown = filter_candidates(listed, source=filters.source, search=filters.search)
    return WeekView(shown, accepted_in_order(every), candidate_sources(listed), len(listed))


def decide(session: Session, article_id: int, action: str, actor: str) -> None:
    review.decide(session, [article_id], action, actor=actor)


def move(session: Session, week: IsoWeek, timezone: str, article_id: int, step: int, actor: str) -> None:
    """Move an accepted item ``step`` places in the bulletin order (-1 up, +1 down)."""
    ids = [c.id for c in accepted_in_order(weekly_candidates(session, week, timezone, flagged_only=False))]
    review.order(session, moved(ids, article_id, step), actor=actor)


def moved(ids: list[int], item: int, step: int) -> list[int]:
    """``ids`` with ``item`` moved ``step`` places, kept within the list."""
    if item not in ids:
        raise UnknownArticle(f"article {item} is not accepted this week")
    rest = [i for i in ids if i != item]
    place = min(max(ids.index(item) + step, 0), len(rest))
    return [*rest[:place], item, *rest[place:]]


def reorder(session: Session, article_ids: list[int], actor: str) -> None:
    review.order(session, article_ids, actor=actor)


def article_view(session: Session, article_id: int, model: RelevanceModel) -> ArticleView:
    article = _article(session, article_id)
    media = _crawled_media(article)
    saved = article.review
    return ArticleView(
        id=article.id,
        title=article.title,
        text=article.text,
        media=media,
        published_at=article.published_at,
        source=article.source.name if article.source else None,
        url=article.canonical_url,
        status=saved.status if saved else "pending",
        printed_title=(saved.title if saved else None) or article.title,
        printed_media=(saved.media if saved else None) or media,
        summary=(saved.summary if saved else None) or article.text,
        summary_is_full_text=not (saved and saved.summary),
        explanation=explain_fields(article.title, article.text, media, model),
        copies=tuple(
            Copy(copy.id, copy.title, _crawled_media(copy), copy.published_at)
            for copy in story_copies(session, article_id)
        ),
        changes=tuple(
            Change(event.at, event.actor, event.action, dict(event.detail or {}))
            for event in reversed(saved.events if saved else [])
        ),
    )


def edit(session: Session, article_id: int, title: str, media: str, summary: str, actor: str) -> None:
    """Save the edit form; 主要内容 equal to the full text is stored as "the full text" (empty)."""
    article = _article(session, article_id)
    crawled_media = _crawled_media(article)
    review.edit(
        session,
        article_id,
        title="" if title.strip() == article.title.strip() else title,
        media="" if media.strip() == crawled_media.strip() else media,
        summary="" if _same_text(summary, article.text) else summary,
        actor=actor,
    )


def summarise(session: Session, article_id: int, full_text: bool, terms: tuple[str, ...], actor: str) -> None:
    """主要内容 back to the full text, or an extractive summary of it."""
    article = _article(session, article_id)
    summary = "" if full_text else extractive_summary(article.text, terms)
    review.edit(session, article_id, summary=summary, actor=actor)


def planned_issue(
    session: Session, settings: Settings, week: IsoWeek, number: int | None = None, issued: date | None = None
) -> PlannedIssue:
    return plan_issue(session, settings, week, number=number, issued=issued)


def export_issue(
    session: Session,
    settings: Settings,
    week: IsoWeek,
    number: int | None,
    issued: date | None,
    fmt: str,
    actor: str,
) -> tuple[PlannedIssue, bytes]:
    """The issue as a file, recorded as exported in the same transaction (nothing recorded if it fails)."""
    planned = plan_issue(session, settings, week, number=number, issued=issued)
    if not planned.bulletin.items:
        return planned, b""
    body = render(planned.bulletin, settings.bulletin, fmt)
    record_issue(session, planned, actor=actor)
    return planned, body


def _article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise UnknownArticle(f"no article with id {article_id}")
    return article


def _crawled_media(article: Article) -> str:
    return article.media or (article.source.media if article.source else None) or ""


def _same_text(left: str, right: str) -> bool:
    return _normalised(left) == _normalised(right)


def _normalised(text: str) -> str:
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").strip().splitlines())
