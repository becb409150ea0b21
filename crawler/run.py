"""Run one crawl of the enabled sources and record it as a CrawlRun with per-source stats."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scrapy.crawler import CrawlerProcess
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.settings import scrapy_settings
from crawler.spiders import CrawlSource, SourcesSpider, SpiderPlan, Validators
from crawler.tally import CrawlTally
from models.db import make_engine, require_current_schema, session_factory, session_scope
from models.schema import CrawlRun, CrawlSourceStats, PageValidator, Source
from models.types import utcnow
from pipeline.config import Settings
from pipeline.errors import HitmonError
from pipeline.ops.crawl_lock import crawl_lock, default_owner
from pipeline.store.articles import stored_urls


@dataclass
class CrawlSummary:
    run_id: int
    status: str
    started_at: datetime
    finished_at: datetime
    tally: CrawlTally = field(default_factory=CrawlTally)
    stories: int = 0  # reprint groups formed or grown


def run_crawl(
    settings: Settings,
    source_names: list[str] | None = None,
    trigger: str = "manual",
    lock_wait: float = 0.0,
) -> CrawlSummary:
    """Crawl the named sources (all enabled ones when none are named), one crawl at a time.

    Waits up to ``lock_wait`` seconds for another crawl on the same database to end, then raises
    CrawlAlreadyRunning. Runs a Twisted reactor, which cannot restart: call it once per process."""
    engine = make_engine(settings.db)
    require_current_schema(engine)
    owner = default_owner(f"crawl ({trigger})")
    try:
        # The lock comes first: only its holder may mark earlier runs abandoned.
        with crawl_lock(engine, owner, wait=lock_wait, stale_after=settings.schedule.stale_lock):
            return _crawl(settings, session_factory(engine), source_names, trigger)
    finally:
        engine.dispose()


def _crawl(
    settings: Settings, sessions: sessionmaker[Session], source_names: list[str] | None, trigger: str
) -> CrawlSummary:
    with session_scope(sessions) as session:
        _abandon_unfinished_runs(session)
        sources = _sources(session, source_names)
        plan = SpiderPlan(
            sources=sources,
            tally=CrawlTally(),
            known_urls=stored_urls(session),
            validators=_validators(session),
            max_pages=settings.crawl.max_pages,
            obey_robots=settings.crawl.obey_robots,
        )
        run = CrawlRun(trigger=trigger, status="running")
        session.add(run)
    status, error = "failed", None
    try:
        process = CrawlerProcess(scrapy_settings(settings))
        process.crawl(SourcesSpider, plan=plan)
        process.start()
        status = "finished"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        summary = _finish(sessions, run.id, plan, status, error)
    from pipeline.store.stories import (
        group_reprints,  # datasketch loads after the crawl, when the workers are gone
    )

    with session_scope(sessions) as session:
        summary.stories = group_reprints(session, since=summary.started_at)
    return summary


def _sources(session: Session, names: list[str] | None) -> list[CrawlSource]:
    query = select(Source).order_by(Source.id)
    rows = list(
        session.scalars(query.where(Source.name.in_(names)) if names else query.where(Source.enabled))
    )
    unknown = sorted(set(names or ()) - {row.name for row in rows})
    if unknown:
        raise HitmonError(f"no such source: {', '.join(unknown)} (see `hitmon sources list`)")
    if not rows:
        raise HitmonError("no enabled sources: load some with `hitmon sources load FILE.yaml`")
    return [CrawlSource(r.name, r.kind, r.url, r.media, dict(r.options or {})) for r in rows]


def _abandon_unfinished_runs(session: Session) -> None:
    """A crawl killed outright (SIGKILL, power loss) leaves its run "running".

    The articles it committed stay; its run is marked abandoned."""
    # Workers of a distributed crawl run beside local crawls, outside the crawl lock: not ours to judge.
    unfinished = select(CrawlRun).where(CrawlRun.status == "running", CrawlRun.trigger != "worker")
    for run in session.scalars(unfinished):
        run.status, run.error = "abandoned", run.error or "the crawl process ended without finishing its run"


def _validators(session: Session) -> dict[str, Validators]:
    return {
        row.url: Validators(row.etag, row.last_modified) for row in session.scalars(select(PageValidator))
    }


def _save_validators(session: Session, plan: SpiderPlan, sources: dict[str, Source]) -> None:
    """Kept only from a finished crawl: after a killed one, the next crawl reads every listing again
    to reach the articles this one did not."""
    for url, (name, validators) in plan.seen_validators.items():
        session.merge(
            PageValidator(
                url=url,
                source_id=sources[name].id,
                etag=validators.etag,
                last_modified=validators.last_modified,
            )
        )


def _finish(
    sessions: sessionmaker[Session], run_id: int, plan: SpiderPlan, status: str, error: str | None
) -> CrawlSummary:
    now = utcnow()
    tally = plan.tally
    with session_scope(sessions) as session:
        run = session.get_one(CrawlRun, run_id)
        run.status, run.finished_at, run.stats, run.error = status, now, tally.totals(), error
        ids = {s.name: s for s in session.scalars(select(Source).where(Source.name.in_(list(tally.sources))))}
        for name, counts in tally.sources.items():
            source = ids[name]
            run.sources.append(
                CrawlSourceStats(
                    source_id=source.id,
                    pages=counts.pages,
                    new_articles=counts.new_articles,
                    updated_articles=counts.updated_articles,
                    dropped=sum(counts.dropped.values()),
                    errors=counts.errors,
                    not_modified=counts.not_modified,
                    browser_pages=counts.browser_pages,
                    blocked_reason=counts.blocked_reason,
                    last_error=counts.last_error,
                )
            )
            source.health, source.health_at = counts.health, now
            source.health_reason = counts.blocked_reason or (
                counts.last_error if counts.health != "ok" else None
            )
        if status == "finished":
            _save_validators(session, plan, ids)
        return CrawlSummary(run_id, status, run.started_at, now, tally)
