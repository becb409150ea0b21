"""What one crawl owes: its tally, and for every listing page, feed and sitemap the requests it led to.

A listing page answered 304 next time hides every article behind it, so its validators may be saved
only once every article it led to was stored or recorded as dropped, and every next page it led to is
complete in turn. The ledger keeps that account; ``ListingLedgerMiddleware`` fills it from the spider's
output, the item pipeline settles articles, and the crawl's epilogue asks ``complete`` at the end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.tally import CrawlTally
from models.schema import RunStatus
from pipeline.record import ArticleRecord

# The close reason Scrapy gives a spider that ran out of requests; any other (``shutdown`` on SIGTERM or
# SIGINT, our own ``interrupted``) means requests were left.
FINISHED = RunStatus.FINISHED


@dataclass
class CrawlLedger:
    tally: CrawlTally = field(default_factory=CrawlTally)
    # False in a distributed worker: other workers settle the articles its listings lead to, so no
    # listing is ever known complete there and the worker saves no validators.
    tracks_listings: bool = True
    children: dict[str, set[str]] = field(default_factory=dict)  # index page URL -> URLs it requested
    read: set[str] = field(default_factory=set)  # index pages parsed to the end
    aliases: dict[str, str] = field(default_factory=dict)  # requested URL -> URL after redirects
    article_keys: dict[str, str] = field(default_factory=dict)  # fetched URL -> the URL its listing asked
    settled: set[str] = field(default_factory=set)  # article URLs stored or dropped
    pending: set[str] = field(default_factory=set)  # article URLs in the item pipeline, not yet settled
    failed: set[str] = field(default_factory=set)  # article URLs that could not be processed or stored
    interruptions: list[str] = field(default_factory=list)  # why this crawl did not finish
    worker_restarts: int = 0  # extraction pools replaced after a worker died
    requests_left: int = 0  # in the scheduler's queue when the spider closed

    # --- filled from the spider's output -------------------------------------------------------------
    def index_read(self, asked_url: str, final_url: str, requested: Iterable[str]) -> None:
        self.aliases[asked_url] = final_url
        self.children.setdefault(final_url, set()).update(requested)
        self.read.add(final_url)

    def article_fetched(self, asked_url: str, fetched_url: str) -> None:
        self.article_keys[fetched_url] = asked_url

    # --- settled by the item pipeline ----------------------------------------------------------------
    def key(self, url: str) -> str:
        return self.article_keys.get(url, url)

    def entered(self, url: str) -> None:
        self.pending.add(self.key(url))

    def settle(self, url: str) -> None:
        """Stored (committed) or recorded as dropped: nothing left to do for this article."""
        key = self.key(url)
        self.pending.discard(key)
        self.settled.add(key)

    def fail(self, url: str) -> None:
        """Not stored: its listing keeps its validators unsaved, so the next crawl asks for it again."""
        key = self.key(url)
        self.pending.discard(key)
        self.failed.add(key)

    def interrupt(self, reason: str) -> None:
        if reason not in self.interruptions:
            self.interruptions.append(reason)

    # --- read by the epilogue ------------------------------------------------------------------------
    def complete(self, url: str) -> bool:
        """Was every article this index page (and the pages it led to) pointed at stored or dropped?"""
        if not self.tracks_listings:
            return False
        stack, seen = [url], set()
        while stack:
            current = stack.pop()
            current = self.aliases.get(current, current)
            if current in seen or current in self.settled:
                continue
            if current not in self.read:
                return False
            seen.add(current)
            stack.extend(self.children.get(current, ()))
        return True

    def status(self, close_reason: str | None) -> tuple[str, str | None]:
        """``finished`` or ``interrupted`` with the reasons, from how the spider closed and what is left."""
        if close_reason is None:  # Scrapy logs an error in opening the spider and returns normally
            return RunStatus.FAILED, "the spider did not run (see the errors logged above)"
        reasons = list(self.interruptions)
        if close_reason != FINISHED and not reasons:
            left = f"{self.requests_left} requests" if self.requests_left else "requests"
            reasons.append(f"stopped ({close_reason}) with {left} left")
        if self.pending:
            reasons.append(f"{len(self.pending)} fetched page(s) not processed")
        return (RunStatus.INTERRUPTED, "; ".join(reasons)) if reasons else (FINISHED, None)


class ListingLedgerMiddleware:
    """Spider middleware: every index response's requests become its children in the ledger, and every
    article record is tied to the URL its listing asked for (a redirect changes the fetched URL)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingLedgerMiddleware:
        return cls(crawler)

    @property
    def ledger(self) -> CrawlLedger:
        return self.crawler.spider.ledger  # type: ignore[union-attr]

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: scrapy.Spider | None = None
    ) -> Iterator[Any]:
        requested: list[str] = []
        for produced in result:
            self._note(response, produced, requested)
            yield produced
        self._read(response, requested)  # only reached when the callback ran to its end

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: scrapy.Spider | None = None
    ) -> AsyncIterator[Any]:
        requested: list[str] = []
        async for produced in result:
            self._note(response, produced, requested)
            yield produced
        self._read(response, requested)

    def _note(self, response: Response, produced: Any, requested: list[str]) -> None:
        if isinstance(produced, scrapy.Request):
            requested.append(produced.url)
        elif isinstance(produced, ArticleRecord):
            self.ledger.article_fetched(_asked_url(response), produced.url)

    def _read(self, response: Response, requested: list[str]) -> None:
        """An index page parsed to its end (one that raised half-way is not read)."""
        if "page" in response.meta:
            held = response.meta.get("ledger_children", ())  # articles waiting for their source's turn
            self.ledger.index_read(_asked_url(response), response.url, [*requested, *held])


def _asked_url(response: Response) -> str:
    redirects = response.meta.get("redirect_urls")
    return redirects[0] if redirects else response.url
