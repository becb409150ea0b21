"""Source health, the one notion of it that the CLI, the web app, the digest and alerts all show.

Blocked and failing come from the last crawl (``crawler.run``); stale is judged here, from how long a
source has brought nothing new against what it is expected to bring.

A source may set ``expect_new_within_days`` in the sources file (kept in ``Source.options``); the
default is ``schedule.expect_new_within_days``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.schema import CrawlRun, CrawlSourceStats, Source
from pipeline.store.sources import SourceOptions

BROKEN = frozenset({"blocked", "failing", "stale"})


@dataclass(frozen=True)
class SourceHealth:
    id: int
    name: str
    kind: str
    url: str
    enabled: bool
    health: str  # new | ok | blocked | failing | stale
    reason: str | None
    checked_at: datetime | None
    last_crawled_at: datetime | None
    last_new_at: datetime | None  # the start of the last crawl that brought a new article from it
    expect_new_within_days: int | None
    last_new: int | None = None  # new articles in the source's last crawl
    last_errors: int | None = None  # errors in the source's last crawl

    def as_json(self) -> dict[str, object]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "name": self.name,
            "enabled": self.enabled,
            "health": self.health,
            "reason": self.reason,
            "checked_at": iso(self.checked_at),
            "last_crawled_at": iso(self.last_crawled_at),
            "last_new_at": iso(self.last_new_at),
            "expect_new_within_days": self.expect_new_within_days,
            "last_new": self.last_new,
            "last_errors": self.last_errors,
        }


@dataclass(frozen=True)
class HealthChange:
    name: str
    before: str
    after: str
    reason: str | None

    @property
    def broke(self) -> bool:
        return self.after in BROKEN and self.before not in BROKEN

    @property
    def recovered(self) -> bool:
        return self.before in BROKEN and self.after == "ok"


def assess_sources(session: Session, now: datetime, default_days: int | None) -> list[SourceHealth]:
    """Every source with its health as of ``now``: the stored one, or stale if it is overdue."""
    crawled = _last_run_per_source(session, new_only=False)
    brought_new = _last_run_per_source(session, new_only=True)
    last_stats = _last_stats_per_source(session)
    result = []
    for source in session.scalars(select(Source).order_by(Source.id)):
        days = expected_days(source, default_days)
        health, reason = source.health, source.health_reason
        overdue = _overdue(source, brought_new.get(source.id), days, now)
        if overdue and source.enabled and health in ("ok", "stale"):
            health, reason = "stale", overdue
        elif health == "stale":  # it brought something since: the last crawl's verdict stands
            health, reason = "ok", None
        stats = last_stats.get(source.id)
        if reason is None and stats is not None and health != "ok":
            reason = stats.blocked_reason or stats.last_error
        result.append(
            SourceHealth(
                id=source.id,
                name=source.name,
                kind=source.kind,
                url=source.url,
                enabled=source.enabled,
                health=health,
                reason=reason,
                checked_at=source.health_at,
                last_crawled_at=crawled.get(source.id),
                last_new_at=brought_new.get(source.id),
                expect_new_within_days=days,
                last_new=stats.new_articles if stats else None,
                last_errors=stats.errors if stats else None,
            )
        )
    return result


def mark_stale_sources(session: Session, now: datetime, default_days: int | None) -> None:
    """Store the stale verdicts of ``assess_sources`` on the sources."""
    by_name = {s.name: s for s in session.scalars(select(Source))}
    for assessed in assess_sources(session, now, default_days):
        source = by_name[assessed.name]
        if (source.health, source.health_reason) != (assessed.health, assessed.reason):
            source.health, source.health_reason, source.health_at = assessed.health, assessed.reason, now


def health_snapshot(session: Session) -> dict[str, str]:
    return {name: health for name, health in session.execute(select(Source.name, Source.health))}


def health_changes(before: dict[str, str], session: Session) -> list[HealthChange]:
    """What changed since ``before`` (a ``health_snapshot``), for enabled sources."""
    rows = session.execute(select(Source.name, Source.health, Source.health_reason).where(Source.enabled))
    return [
        HealthChange(name, before.get(name, "new"), health, reason)
        for name, health, reason in rows
        if before.get(name, "new") != health
    ]


def expected_days(source: Source, default_days: int | None) -> int | None:
    value = SourceOptions.from_stored(source.options).expect_new_within_days
    return int(value) if value else default_days


def _overdue(source: Source, last_new: datetime | None, days: int | None, now: datetime) -> str | None:
    if days is None:
        return None
    since = last_new or source.created_at
    if now - since <= timedelta(days=days):
        return None
    if last_new is None:
        return f"nothing new since it was added {(now - since).days} days ago (expected within {days} days)"
    return f"nothing new for {(now - since).days} days, since {since:%Y-%m-%d} (expected within {days} days)"


def _last_run_per_source(session: Session, *, new_only: bool) -> dict[int, datetime]:
    query = (
        select(CrawlSourceStats.source_id, func.max(CrawlRun.started_at))
        .join(CrawlRun, CrawlRun.id == CrawlSourceStats.run_id)
        .group_by(CrawlSourceStats.source_id)
    )
    if new_only:
        query = query.where(CrawlSourceStats.new_articles > 0)
    return {key: moment for key, moment in session.execute(query)}


def _last_stats_per_source(session: Session) -> dict[int, CrawlSourceStats]:
    latest = (
        select(CrawlSourceStats.source_id, func.max(CrawlSourceStats.run_id).label("run_id"))
        .group_by(CrawlSourceStats.source_id)
        .subquery()
    )
    query = select(CrawlSourceStats).join(
        latest,
        (CrawlSourceStats.run_id == latest.c.run_id) & (CrawlSourceStats.source_id == latest.c.source_id),
    )
    return {stats.source_id: stats for stats in session.scalars(query)}
