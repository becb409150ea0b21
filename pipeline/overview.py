"""Read-only views the review web app shows next to the candidates: counts per day and per source,
crawl health, the copies of a story, and filters over a candidate list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from models.schema import Article, CrawlRun, CrawlSourceStats, Relevance, Source
from pipeline.candidates import Candidate
from pipeline.weeks import IsoWeek, local_date, local_midnight_utc


@dataclass(frozen=True, slots=True)
class WeekCounts:
    per_day: tuple[tuple[date, int], ...]  # Monday to Sunday, zero days included
    per_source: tuple[tuple[str, int], ...]  # most items first


@dataclass(frozen=True, slots=True)
class SourceHealth:
    id: int
    name: str
    kind: str
    url: str
    enabled: bool
    health: str  # new | ok | blocked | failing | stale
    reason: str | None
    last_run_at: datetime | None
    last_new: int | None  # new articles in the source's last crawl
    last_errors: int | None


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


def source_health(session: Session) -> list[SourceHealth]:
    """Every source with its health and what its latest crawl did."""
    latest_run = (
        select(CrawlSourceStats.source_id, func.max(CrawlSourceStats.run_id).label("run_id"))
        .group_by(CrawlSourceStats.source_id)
        .subquery()
    )
    query = (
        select(CrawlSourceStats)
        .join(latest_run, CrawlSourceStats.run_id == latest_run.c.run_id)
        .where(CrawlSourceStats.source_id == latest_run.c.source_id)
        .options(joinedload(CrawlSourceStats.run))
    )
    last = {stats.source_id: stats for stats in session.scalars(query)}
    return [
        _health(source, last.get(source.id))
        for source in session.scalars(select(Source).order_by(Source.name))
    ]


def _health(source: Source, stats: CrawlSourceStats | None) -> SourceHealth:
    run: CrawlRun | None = stats.run if stats else None
    return SourceHealth(
        id=source.id,
        name=source.name,
        kind=source.kind,
        url=source.url,
        enabled=source.enabled,
        health=source.health,
        reason=source.health_reason or (stats.blocked_reason or stats.last_error if stats else None),
        last_run_at=run.started_at if run else None,
        last_new=stats.new_articles if stats else None,
        last_errors=stats.errors if stats else None,
    )


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
