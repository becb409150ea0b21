"""Distributed crawling: any number of ``hitmon worker`` processes share one Redis frontier
(crawler.redis_frontier) and write to one database; ``crawl_distributed`` seeds the frontier with the
sources' listing, feed and sitemap pages and waits until it is drained.

A request is finished ("acked") only when nothing more depends on it: an index page once the requests it
led to are queued, an article page once its article is committed (or dropped). A worker killed before that
leaves it in its processing list, and another worker requeues it (crawler.redis_scheduler).
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.request import fingerprint
from sqlalchemy import select
from sqlalchemy.orm import Session
from twisted.python.failure import Failure

from crawler.epilogue import CrawlSummary, crawl_epilogue, plan_crawl, start_run
from crawler.ledger import CrawlLedger
from crawler.pipelines import StorePipeline
from crawler.redis_frontier import Frontier
from crawler.redis_scheduler import LEASE, crawler_frontier, encode_request, frontier_for
from crawler.run import crawl_sources
from crawler.settings import scrapy_settings
from crawler.spider_run import CrawlStopper, run_spider
from crawler.spiders import CrawlSource, SourcesSpider, SpiderPlan
from models.db import make_engine, require_current_schema, session_factory, session_scope
from models.schema import RunStatus, Source
from pipeline.config import Settings
from pipeline.store.sources import SourceOptions


class DistributedSpider(SourcesSpider):
    """SourcesSpider's parsing, with each request finished once what it produced is safe."""

    holds_backlog = False  # every request goes to the shared frontier at once

    def __init__(self, plan: SpiderPlan, **kwargs: Any):
        super().__init__(plan, **kwargs)
        self.leases: dict[str, bytes] = {}  # article URL -> its request's lease, acked once stored

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Nothing: a worker starting queues no start requests, the seeding does (``seed_frontier``).
        Otherwise each worker that starts (a service at boot) would begin a crawl of every source."""
        return
        yield

    async def seeds(self) -> AsyncIterator[scrapy.Request]:
        """The start requests of the planned sources, for ``seed_frontier``."""
        async for request in super().start():
            yield request

    @property
    def frontier(self) -> Frontier:
        if not hasattr(self, "_frontier"):
            self._frontier = crawler_frontier(self.crawler.settings)
        return self._frontier

    def parse_listing(self, response: Response) -> Iterator[Any]:
        return self._hand_off(response.meta, super().parse_listing(response))

    def parse_feed(self, response: Response) -> Iterator[Any]:
        return self._hand_off(response.meta, super().parse_feed(response))

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        return self._hand_off(response.meta, super().parse_sitemap(response))

    def parse_article(self, response: Response) -> Iterator[Any]:
        return self._hand_off(response.meta, super().parse_article(response))

    def on_article_error(self, failure: Failure) -> Iterator[Any]:
        return self._hand_off(failure.request.meta, super().on_article_error(failure))  # type: ignore[attr-defined]

    def on_error(self, failure: Failure) -> None:
        super().on_error(failure)
        meta = failure.request.meta  # type: ignore[attr-defined]
        if "page" in meta:  # an index request ends here; an article's ends in on_article_error's hand-off
            self.ack(meta)

    def ack(self, meta: dict[str, Any]) -> None:
        lease = meta.pop(LEASE, None)
        if lease is not None:
            self.frontier.ack(lease)

    def ack_article(self, url: str) -> None:
        lease = self.leases.pop(url, None)
        if lease is not None:
            self.frontier.ack(lease)

    def _hand_off(self, meta: dict[str, Any], output: Iterable[Any]) -> Iterator[Any]:
        """Queue the requests here (before the ack, so none is lost in between) and pass articles on;
        the request is finished now, or when its article is stored."""
        articles = 0
        try:
            for produced in output:
                if isinstance(produced, scrapy.Request):
                    self.crawler.engine.crawl(produced)
                else:
                    articles += 1
                    if LEASE in meta:
                        self.leases[produced.url] = meta.pop(LEASE)
                    yield produced
        finally:  # a callback that raised is finished too: retrying it elsewhere would raise again
            if not articles:
                self.ack(meta)


class DistributedStorePipeline(StorePipeline):
    """StorePipeline that finishes each article's request once the article is committed or dropped, and
    commits whenever the worker falls idle: a part batch would otherwise hold the frontier undrained."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedStorePipeline:
        pipeline = cls(crawler, crawler.settings["HITMON_SETTINGS"])
        crawler.signals.connect(pipeline.flush_when_idle, signal=signals.spider_idle)
        return pipeline

    def flush_when_idle(self) -> None:
        if self.batch:
            self.flush()

    @property
    def spider(self) -> DistributedSpider:
        return self.crawler.spider  # type: ignore[return-value]

    async def process_item(self, item: Any) -> Any:
        try:
            return await super().process_item(item)
        except Exception:  # dropped (or failed to process): nothing will be stored for it
            self.spider.ack_article(item.url)
            raise

    def flush(self) -> list[str]:
        """Finish the requests of the articles stored; a batch that failed to store stays leased, and is
        requeued once this worker is gone."""
        stored = super().flush()
        for url in stored:
            self.spider.ack_article(url)
        return stored


def worker_scrapy_settings(settings: Settings, worker_id: str, idle_timeout: float | None) -> dict[str, Any]:
    base = scrapy_settings(settings)
    return {
        **base,
        "SCHEDULER": "crawler.redis_scheduler.RedisScheduler",
        "HITMON_WORKER_ID": worker_id,
        "HITMON_IDLE_TIMEOUT": idle_timeout,
        "DOWNLOADER_MIDDLEWARES": {
            **base["DOWNLOADER_MIDDLEWARES"],
            "crawler.middlewares.SharedRobotsTxtMiddleware": None,
            "crawler.redis_scheduler.FrontierRobotsTxtMiddleware": 100,
            "crawler.redis_scheduler.DomainSlotMiddleware": 580,  # after the retry wait, just before sending
        },
        "ITEM_PIPELINES": {"crawler.distributed.DistributedStorePipeline": 300},
    }


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def run_worker(settings: Settings, idle_timeout: float | None, worker_id: str | None = None) -> CrawlSummary:
    """Crawl from the shared frontier until idle for ``idle_timeout`` seconds (None: until stopped), then
    record this worker's tally as a CrawlRun with trigger "worker" and group the reprints of what it
    stored. Runs a reactor: once per process."""
    engine = make_engine(settings.db)
    require_current_schema(engine)
    sessions = session_factory(engine)
    # Other workers store the articles of this worker's listings: it never knows one complete, and
    # saves no validators.
    ledger = CrawlLedger(tracks_listings=False)
    try:
        with session_scope(sessions) as session:
            plan = plan_crawl(session, settings, _all_sources(session), ledger)
            run_id = start_run(session, "worker")
        outcome: tuple[str, str | None] = (RunStatus.FAILED, None)
        config = worker_scrapy_settings(settings, worker_id or new_worker_id(), idle_timeout)
        try:
            close_reason = run_spider(config, DistributedSpider, plan, ledger, CrawlStopper(ledger))
            outcome = ledger.status(_worker_close_reason(close_reason))
        except Exception as exc:
            outcome = (RunStatus.FAILED, f"{type(exc).__name__}: {exc}")
            raise
        finally:
            summary = crawl_epilogue(sessions, run_id, plan, ledger, outcome)
        return summary
    finally:
        engine.dispose()


def _worker_close_reason(reason: str | None) -> str | None:
    """A worker stopped by SIGTERM leaves its unfinished requests leased in the frontier, where another
    worker picks them up: for the worker that is the normal end of its shift."""
    return RunStatus.FINISHED if reason == "shutdown" else reason


def _all_sources(session: Session) -> list[CrawlSource]:
    """Every source, enabled or not: the seeder may have named a disabled one."""
    rows = session.scalars(select(Source).order_by(Source.id))
    return [CrawlSource(r.name, r.kind, r.url, r.media, SourceOptions.from_stored(r.options)) for r in rows]


@dataclass(frozen=True)
class DistributedReport:
    seeded: int  # start requests queued (those already in this crawl's filter are not queued again)
    drained: bool  # the frontier emptied within the wait
    seconds: float
    queued: int  # left in the frontier at the end
    in_flight: int  # held by workers at the end

    def describe(self) -> str:
        left = f"not drained: {self.queued} queued, {self.in_flight} in flight"
        state = "drained" if self.drained else left
        return f"seeded {self.seeded} start requests; frontier {state} after {self.seconds:.0f} s"


def seed_frontier(settings: Settings, source_names: list[str] | None = None) -> int:
    """Queue the start requests of the named sources (every enabled one when none are named).

    A drained frontier starts a new crawl: the duplicate filter is emptied first."""
    engine = make_engine(settings.db)
    require_current_schema(engine)
    try:
        with session_scope(session_factory(engine)) as session:
            ledger = CrawlLedger(tracks_listings=False)
            plan = plan_crawl(session, settings, crawl_sources(session, source_names), ledger)
            spider = DistributedSpider(plan, ledger=ledger)
    finally:
        engine.dispose()
    frontier = frontier_for(settings.distributed)
    if frontier.drained():
        frontier.reset()
    seeded = 0
    for request in asyncio.run(_start_requests(spider)):
        if not frontier.add_seen(fingerprint(request)):
            frontier.push(encode_request(request, spider))
            seeded += 1
    return seeded


async def _start_requests(spider: DistributedSpider) -> list[scrapy.Request]:
    return [request async for request in spider.seeds()]


def wait_drained(settings: Settings, timeout: float, poll: float = 1.0) -> DistributedReport:
    """Wait up to ``timeout`` seconds for the frontier to drain, requeueing dead workers' requests."""
    frontier = frontier_for(settings.distributed)
    started = time.monotonic()
    while not frontier.drained() and time.monotonic() - started < timeout:
        frontier.reap_dead()
        time.sleep(poll)
    drained = frontier.drained()
    return DistributedReport(0, drained, time.monotonic() - started, frontier.queued(), frontier.in_flight())


def crawl_distributed(
    settings: Settings, source_names: list[str] | None = None, wait: float = 0.0
) -> DistributedReport:
    """``hitmon crawl --distributed [--source NAME]... [--wait-drained S]``: seed, then wait for workers."""
    seeded = seed_frontier(settings, source_names)
    report = wait_drained(settings, wait)
    return DistributedReport(seeded, report.drained, report.seconds, report.queued, report.in_flight)
