"""Run one crawl of the enabled sources and record it as a CrawlRun with per-source stats.

A run ends ``finished`` only when the spider ran out of requests and every page it fetched was stored,
dropped or failed against its source; one stopped (SIGTERM, SIGINT, a lost crawl lock), or that could
not store a batch, ends ``interrupted``; one that raised ends ``failed``. See crawler.epilogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.epilogue import CrawlSummary, crawl_epilogue, plan_crawl, start_run
from crawler.ledger import CrawlLedger
from crawler.settings import scrapy_settings
from crawler.spider_run import CrawlStopper, run_spider
from crawler.spiders import CrawlSource, SourcesSpider
from models.db import make_engine, require_current_schema, session_factory, session_scope
from models.schema import CrawlRun, RunStatus, Source
from pipeline.config import Settings
from pipeline.errors import HitmonError
from pipeline.ops.crawl_lock import crawl_lock, default_owner
from pipeline.store.sources import SourceOptions

__all__ = ["CrawlSummary", "crawl_sources", "run_crawl"]


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
    ledger = CrawlLedger()
    stopper = CrawlStopper(ledger)
    try:
        # The lock comes first: only its holder may mark earlier runs abandoned. Losing it mid-crawl
        # (another crawl took it) stops this one cleanly.
        with crawl_lock(
            engine, owner, wait=lock_wait, stale_after=settings.schedule.stale_lock, on_lost=stopper.stop
        ):
            return _crawl(settings, session_factory(engine), source_names, trigger, ledger, stopper)
    finally:
        engine.dispose()


def _crawl(
    settings: Settings,
    sessions: sessionmaker[Session],
    source_names: list[str] | None,
    trigger: str,
    ledger: CrawlLedger,
    stopper: CrawlStopper,
) -> CrawlSummary:
    with session_scope(sessions) as session:
        _abandon_unfinished_runs(session)
        plan = plan_crawl(session, settings, crawl_sources(session, source_names), ledger)
        run_id = start_run(session, trigger)
    outcome: tuple[str, str | None] = (RunStatus.FAILED, None)
    try:
        close_reason = run_spider(scrapy_settings(settings), SourcesSpider, plan, ledger, stopper)
        outcome = ledger.status(close_reason)
    except Exception as exc:
        outcome = (RunStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        summary = crawl_epilogue(sessions, run_id, plan, ledger, outcome)
    return summary


def crawl_sources(session: Session, names: list[str] | None) -> list[CrawlSource]:
    """The named sources, or every enabled one; an unknown name is an error."""
    query = select(Source).order_by(Source.id)
    rows = list(
        session.scalars(query.where(Source.name.in_(names)) if names else query.where(Source.enabled))
    )
    unknown = sorted(set(names or ()) - {row.name for row in rows})
    if unknown:
        raise HitmonError(f"no such source: {', '.join(unknown)} (see `hitmon sources list`)")
    if not rows:
        raise HitmonError("no enabled sources: load some with `hitmon sources load FILE.yaml`")
    return [CrawlSource(r.name, r.kind, r.url, r.media, SourceOptions.from_stored(r.options)) for r in rows]


def _abandon_unfinished_runs(session: Session) -> None:
    """A crawl killed outright (SIGKILL, power loss) leaves its run "running".

    The articles it committed stay; its run is marked abandoned."""
    # Workers of a distributed crawl run beside local crawls, outside the crawl lock: not ours to judge.
    unfinished = select(CrawlRun).where(CrawlRun.status == RunStatus.RUNNING, CrawlRun.trigger != "worker")
    for run in session.scalars(unfinished):
        run.status, run.error = (
            RunStatus.ABANDONED,
            run.error or "the crawl process ended without finishing its run",
        )
