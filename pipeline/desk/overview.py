"""Read-only views the review web app shows next to the candidates: counts per day and per source,
the copies of a story, and filters over a candidate list. Source health is ``pipeline.ops.health``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models.schema import Article, Relevance, Source
from pipeline.desk.candidates import Candidate
from pipeline.weeks import IsoWeek, local_date, local_midnight_utc


@dataclass(frozen=True, slots=True)
class WeekCounts:
    per_day: tuple[tuple[date, int], ...]  # Monday to Sunday, zero days included
    per_source: tuple[tuple[str, int], ...]  # most items first


def week_counts(session: Session, week: IsoWeek, timezone: str, *, flagged_only: bool = True) -> WeekCounts:
    """How many stored articles were published on each day of ``week`` and by each source."""
    start = local_midnight_utc(week.monday, timezone)
    end = local_midnight_utc(week.day(7) + timedelta(days=1), timezone)
    query = (
        select(Article.published_at, Source.name)
        .join(Source, Article.source_id == Source.id, isouter=True)
        .where(Article.published_at >= start, Article.published_at < end)
    )
    if flagged_only:
        query = query.join(Relevance).where(Relevance.flagged.is_(True))
    rows = session.execute(query).all()
    days = Counter(local_date(published, timezone) for published, _ in rows)
    sources = Counter(name or "—" for _, name in rows)
    per_day = tuple((week.day(n), days.get(week.day(n), 0)) for n in range(1, 8))
    per_source = tuple(sorted(sources.items(), key=lambda item: (-item[1], item[0])))
    return WeekCounts(per_day, per_source)


def story_copies(session: Session, article_id: int) -> list[Article]:
    """The other stored copies (reprints) of the article's story, earliest first."""
    article = session.get(Article, article_id)
    if article is None or article.story_id is None:
        return []
    query = (
        select(Article)
        .options(joinedload(Article.source))
        .where(Article.story_id == article.story_id, Article.id != article.id)
        .order_by(Article.published_at, Article.id)
    )
    return list(session.scalars(query))


def filter_candidates(
    candidates: Sequence[Candidate], *, source: str | None = None, search: str | None = None
) -> list[Candidate]:
    """Candidates of one source and/or whose title contains ``search`` (case-insensitive)."""
    needle = (search or "").strip().casefold()
    return [
        candidate
        for candidate in candidates
        if (not source or candidate.source == source) and (not needle or needle in candidate.title.casefold())
    ]


def candidate_sources(candidates: Sequence[Candidate]) -> list[str]:
    return sorted({candidate.source for candidate in candidates if candidate.source})
