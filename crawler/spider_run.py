"""Run a spider in this process's one reactor, and stop it cleanly from any thread."""

from __future__ import annotations

import threading
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler, CrawlerProcess

from crawler.ledger import CrawlLedger
from crawler.spiders import SpiderPlan

SPIDER_MIDDLEWARE = {"crawler.ledger.ListingLedgerMiddleware": 950}  # next to the spider: sees its output


class CrawlStopper:
    """Stops the running crawl cleanly from any thread (the lock's heartbeat) and keeps the spider's
    close reason. A stop before the spider runs is kept and honoured when it starts."""

    def __init__(self, ledger: CrawlLedger):
        self.ledger = ledger
        self.close_reason: str | None = None
        self._crawler: Crawler | None = None
        self._lock = threading.Lock()

    def attach(self, crawler: Crawler) -> None:
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        with self._lock:
            self._crawler = crawler

    def spider_opened(self, spider: Spider) -> None:
        if self.ledger.interruptions:
            self._stop_now()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.close_reason = reason
        stats = self._crawler.stats if self._crawler is not None else None
        if stats is not None:  # what the (local) scheduler still held: requests this crawl never sent
            queued = stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0)
            self.ledger.requests_left = max(0, queued)

    def stop(self, reason: str) -> None:
        self.ledger.interrupt(reason)
        with self._lock:
            running = self._crawler is not None
        if running:
            from twisted.internet import reactor  # the one the crawl installed, running by now

            reactor.callFromThread(self._stop_now)  # type: ignore[attr-defined]

    def _stop_now(self) -> None:
        from scrapy.utils.defer import deferred_from_coro

        if self._crawler is not None and self._crawler.crawling:
            deferred_from_coro(self._crawler.stop_async())


def run_spider(
    scrapy_config: dict[str, Any],
    spider: type[Spider],
    plan: SpiderPlan,
    ledger: CrawlLedger,
    stopper: CrawlStopper,
) -> str | None:
    """Run the spider to its end, or until stopped (SIGTERM, SIGINT, the stopper); return its close reason."""
    middlewares = {**scrapy_config.get("SPIDER_MIDDLEWARES", {}), **SPIDER_MIDDLEWARE}
    process = CrawlerProcess({**scrapy_config, "SPIDER_MIDDLEWARES": middlewares})
    crawler = process.create_crawler(spider)
    stopper.attach(crawler)
    process.crawl(crawler, plan=plan, ledger=ledger)
    process.start()
    return stopper.close_reason
