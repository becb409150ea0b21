"""What every crawl does around its spider (``crawler.spider_run``), local (``run_crawl``) or a
distributed worker (``run_worker``): plan it, then record it: the run's status, per-source stats and
health, the validators of the listings it completed, and the reprint stories its new articles join."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crawler.ledger import CrawlLedger
from crawler.spiders import CrawlSource, SpiderPlan, Validators
from crawler.tally import CrawlTally, SourceTally
from models.db import session_scope
from models.schema import CUT_SHORT, CrawlRun, CrawlSourceStats, PageValidator, RunStatus, Source
from models.types import utcnow
from pipeline.config import Settings
from pipeline.store.articles import stored_urls

log = logging.getLogger(__name__)

EXIT_STATUS = {RunStatus.FINISHED: 0, RunStatus.INTERRUPTED: 3}  # of python -m crawler; anything else is 1


@dataclass
class CrawlSummary:
    run_id: int
    status: str  # finished | interrupted | failed
    started_at: datetime
    finished_at: datetime
    tally: CrawlTally = field(default_factory=CrawlTally)
    stories: int = 0  # reprint groups formed or grown
    error: str | None = None


def log_to_stderr() -> None:
    """Warnings of hitmon's own loggers on stderr, one line each (the journal, under the scheduler).

    Scrapy puts a counting handler on the root logger, so without this they would go nowhere."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    for name in ("crawler", "pipeline"):
        logging.getLogger(name).addHandler(handler)


def plan_crawl(
    session: Session, settings: Settings, sources: list[CrawlSource], ledger: CrawlLedger
) -> SpiderPlan:
    return SpiderPlan(
        sources=sources,
        tally=ledger.tally,  # one tally, owned by the ledger, updated by the spider and the pipeline
        known_urls=stored_urls(session),
        validators=stored_validators(session),
        max_pages=settings.crawl.max_pages,
        max_links_per_page=settings.crawl.max_links_per_page,
        max_feed_entries=settings.crawl.max_feed_entries,
        obey_robots=settings.crawl.obey_robots,
    )


def stored_validators(session: Session) -> dict[str, Validators]:
    return {
        row.url: Validators(row.etag, row.last_modified) for row in session.scalars(select(PageValidator))
    }


def start_run(session: Session, trigger: str) -> int:
    run = CrawlRun(trigger=trigger, status=RunStatus.RUNNING)
    session.add(run)
    session.flush()
    return run.id


def finish_crawl(
    sessions: sessionmaker[Session],
    run_id: int,
    status: str,
    error: str | None,
    tally: CrawlTally,
    validators: dict[str, tuple[str, Validators]],
) -> CrawlSummary:
    """Record how the run ended with each source's stats and health, then the validators given (those
    of the listings whose every article is safe): apart, so that a full disk that refuses the second
    still lets the first tell the truth."""
    now = utcnow()
    with session_scope(sessions) as session:
        run = session.get_one(CrawlRun, run_id)
        run.status, run.finished_at, run.stats, run.error = status, now, tally.totals(), error
        sources = _sources_named(session, tally.sources)
        for name, counts in tally.sources.items():
            _record_source(run, sources[name], counts, now)
        summary = CrawlSummary(run_id, status, run.started_at, now, tally, error=error)
    try:
        with session_scope(sessions) as session:
            _save_validators(session, validators)
    except SQLAlchemyError as exc:  # the next crawl reads those listings in full: slower, nothing lost
        log.error("saving the listings' validators failed: %s", _first_line(exc))
    return summary


def _sources_named(session: Session, names: Iterable[str]) -> dict[str, Source]:
    return {s.name: s for s in session.scalars(select(Source).where(Source.name.in_(list(names))))}


def _record_source(run: CrawlRun, source: Source, counts: SourceTally, now: datetime) -> None:
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
    source.health_reason = counts.blocked_reason or (counts.last_error if counts.health != "ok" else None)


def _save_validators(session: Session, validators: dict[str, tuple[str, Validators]]) -> None:
    sources = _sources_named(session, {name for name, _ in validators.values()})
    for url, (name, kept) in validators.items():
        row = PageValidator(
            url=url, source_id=sources[name].id, etag=kept.etag, last_modified=kept.last_modified
        )
        session.merge(row)


def complete_validators(plan: SpiderPlan, ledger: CrawlLedger) -> dict[str, tuple[str, Validators]]:
    """The validators of this crawl's listing pages and feeds whose every article was stored or dropped:
    the others are read again next time, to reach the articles this crawl did not."""
    return {url: seen for url, seen in plan.seen_validators.items() if ledger.complete(url)}


def group_new_reprints(sessions: sessionmaker[Session], run_id: int, started_at: datetime) -> int:
    """Put the articles stored since ``grouping_since`` into the stories of their near-duplicates.

    A failure (a full disk) is logged: the articles stay storyless until the next crawl groups them."""
    from pipeline.store.stories import (
        group_reprints,  # datasketch loads after the crawl, when the workers are gone
    )

    try:
        with session_scope(sessions) as session:
            _one_grouping_at_a_time(session, run_id)
            return group_reprints(session, since=grouping_since(session, run_id, started_at))
    except SQLAlchemyError as exc:
        log.error("grouping reprints failed: %s", _first_line(exc))
        return 0


GROUPING_KEY = 0x6869746D7270  # "hitmrp": the PostgreSQL advisory lock of reprint grouping


def _one_grouping_at_a_time(session: Session, run_id: int) -> None:
    """Distributed workers end together: two groupings reading the same storyless articles would make two
    stories of one. Hold the write lock from the start of the transaction (on SQLite, the first write
    takes it; the second worker waits in the busy timeout), so each sees what the other grouped."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": GROUPING_KEY})
    else:
        session.execute(
            update(CrawlRun).where(CrawlRun.id == run_id).values(finished_at=CrawlRun.finished_at)
        )


def grouping_since(session: Session, run_id: int, started_at: datetime) -> datetime:
    """This run's start, or, when crawls since the last finished one were cut short (killed, interrupted,
    failed) before grouping, the start of the first of them: their articles join stories now."""
    last_finished = session.scalar(
        select(func.max(CrawlRun.started_at)).where(
            CrawlRun.status == RunStatus.FINISHED, CrawlRun.id != run_id
        )
    )
    cut_short = select(func.min(CrawlRun.started_at)).where(
        CrawlRun.status.in_(CUT_SHORT),
        CrawlRun.id != run_id,
    )
    if last_finished is not None:
        cut_short = cut_short.where(CrawlRun.started_at > last_finished)
    earliest = session.scalar(cut_short)
    return min(started_at, earliest) if earliest else started_at


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def crawl_epilogue(
    sessions: sessionmaker[Session],
    run_id: int,
    plan: SpiderPlan,
    ledger: CrawlLedger,
    outcome: tuple[str, str | None],
) -> CrawlSummary:
    """The end of every crawl: record it, then group reprints (a failed crawl's articles wait)."""
    status, error = outcome
    summary = finish_crawl(sessions, run_id, status, error, ledger.tally, complete_validators(plan, ledger))
    if status != RunStatus.FAILED:
        summary.stories = group_new_reprints(sessions, run_id, summary.started_at)
    return summary
