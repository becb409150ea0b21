"""What a crawl shows a person: a per-source table, refreshed live on stderr when it is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.live import Live
from rich.table import Table
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from crawler.console import terminal
from crawler.epilogue import EXIT_STATUS
from crawler.tally import CrawlTally
from models.db import DatabaseError
from pipeline.errors import HitmonError

if TYPE_CHECKING:
    from crawler.run import CrawlSummary

REFRESH_SECONDS = 0.5
COLUMNS = ("source", "pages", "new", "updated", "304", "dropped", "errors", "health", "note")


def tally_table(tally: CrawlTally, title: str = "") -> Table:
    table = Table(*COLUMNS, title=title or None, title_justify="left")
    for name, counts in tally.sources.items():
        dropped = ", ".join(f"{reason} {n}" for reason, n in counts.dropped.items()) or "0"
        note = counts.blocked_reason or counts.last_error or ""
        numbers = (counts.pages, counts.new_articles, counts.updated_articles, counts.not_modified)
        table.add_row(name, *map(str, numbers), dropped, str(counts.errors), counts.health, note[:70])
    totals = tally.totals()
    table.add_section()
    keys = ("pages", "new_articles", "updated_articles", "not_modified", "dropped", "errors")
    table.add_row("total", *(str(totals[key]) for key in keys))
    return table


def summary_table(summary: CrawlSummary) -> Table:
    """The one-screen summary at the end of a crawl."""
    seconds = (summary.finished_at - summary.started_at).total_seconds()
    table = tally_table(summary.tally, f"crawl {summary.run_id} {summary.status} in {seconds:.1f} s")
    if summary.stories:
        table.caption = f"{summary.stories} article(s) joined a reprint story"
    return table


def report_crawl(crawl: Callable[[], CrawlSummary]) -> int:
    """Run ``crawl``, print its summary to stderr and return the entry point's exit status: a bad config or
    an unreachable database is one line and its own status, not a traceback."""
    try:
        summary = crawl()
    except (HitmonError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    terminal(stderr=True).print(summary_table(summary))
    if summary.error:
        print(f"crawl {summary.status}: {summary.error}", file=sys.stderr)
    return EXIT_STATUS.get(summary.status, 1)


class LiveProgress:
    """Scrapy extension: the tally table redrawn every half second while the spider runs."""

    def __init__(self) -> None:
        self.console = terminal(stderr=True)
        self.live: Live | None = None
        self.loop: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LiveProgress:
        if not sys.stderr.isatty():
            raise NotConfigured  # no message: Scrapy would print it on every piped crawl
        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.live = Live(console=self.console, transient=True, auto_refresh=False)
        self.live.start()
        self.loop = LoopingCall(self.draw, spider)
        self.loop.start(REFRESH_SECONDS)

    def draw(self, spider: Spider) -> None:
        if self.live is not None:
            self.live.update(tally_table(spider.tally, "crawling…"), refresh=True)

    def spider_closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live is not None:
            self.live.stop()
