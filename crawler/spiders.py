"""The spider: walks the listing pages, feeds and sitemaps of every source and yields an ArticleRecord
per article page.

What a link is, where the next page is, what a feed holds and whether a response is a block is decided
by ``pipeline.stages.discover`` and ``pipeline.stages.blocking``; this class schedules requests and keeps
the tally.

Hostile input fails alone: every URL passes ``pipeline.urls.url_problem`` before it becomes a request
(refused ones are counted as dropped ``RefusedURL`` and logged), each source, entry and link is turned
into a request on its own (one that Scrapy refuses is recorded, the next goes on), listings and feeds are
cut at ``crawl.max_links_per_page`` / ``crawl.max_feed_entries`` by discovery, and article requests wait
their turn per source (crawler.fairness).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.fairness import ArticleQueues
from crawler.tally import CrawlTally
from pipeline.config import CrawlSettings
from pipeline.record import ArticleRecord
from pipeline.stages.blocking import blocked_reason
from pipeline.stages.discover import find_next_page, listing_links, parse_feed, parse_sitemap
from pipeline.stages.link_pattern import LinkPattern, compile_link_pattern
from pipeline.store.sources import SourceOptions
from pipeline.urls import url_problem

Parsed = TypeVar("Parsed")


@dataclass(frozen=True)
class CrawlSource:
    name: str
    kind: str  # listing | feed | sitemap
    url: str
    media: str | None = None
    options: SourceOptions = field(default_factory=SourceOptions)


@dataclass(frozen=True)
class Validators:
    """What a listing page or feed answered last time, for a conditional request (a 304 costs nothing)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        sent = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in sent.items() if value}


@dataclass
class SpiderPlan:
    sources: list[CrawlSource]
    tally: CrawlTally
    known_urls: set[str]  # article URLs already stored: not fetched again
    validators: dict[str, Validators]  # listing and feed URL -> validators of the last finished crawl
    max_pages: int
    obey_robots: bool
    max_links_per_page: int = 500  # settings.crawl.max_links_per_page
    max_feed_entries: int = 1000  # settings.crawl.max_feed_entries
    # Filled during this crawl: url -> (source name, validators).
    seen_validators: dict[str, tuple[str, Validators]] = field(default_factory=dict)


class SourcesSpider(scrapy.Spider):
    name = "hitmon"
    # Article requests wait in this process's memory (crawler.fairness); a spider feeding a shared
    # frontier sets this False, since a backlog held here would die with the process.
    holds_backlog: ClassVar[bool] = True

    def __init__(self, plan: SpiderPlan, **kwargs: Any):
        super().__init__(**kwargs)
        self.plan = plan
        self.sources = {source.name: source for source in plan.sources}
        self.tally = plan.tally
        self.limits = CrawlSettings()  # the crawl's own, once from_crawler has it
        self.queues = ArticleQueues(None)
        self.requested: set[str] = set()  # article URLs asked for in this crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourcesSpider:
        spider: SourcesSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.limits = crawler.settings["HITMON_SETTINGS"].crawl
        spider.queues = ArticleQueues(spider.limits.max_pending_per_source if cls.holds_backlog else None)
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources.values():
            self.tally[source.name]  # every source gets a row, even one that yields nothing
            callback = {"feed": self.parse_feed, "sitemap": self.parse_sitemap}.get(
                source.kind, self.parse_listing
            )
            problem = url_problem(source.url)
            if problem:
                self.tally[source.name].error(f"source URL refused ({problem}): {source.url!r}"[:500])
                continue
            request = self._alone(source, source.url, self._index_request, source, source.url, callback, 1)
            if request is not None:
                yield request

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        source = self._index_response(response)
        if source is None:
            return
        if not isinstance(response, TextResponse):
            self.tally[source.name].error(f"listing {response.url} is not a web page")
            return
        try:
            found = listing_links(
                response.text,
                response.url,
                link_pattern=self._link_pattern(source),
                allow_domains=source.options.allow_domains,
                max_links=self.plan.max_links_per_page,
            )
        except ValueError as exc:  # a link_pattern that ran out of time, among others
            self.tally[source.name].error(f"listing {response.url}: {exc}")
            return
        if found.truncated:
            self.tally[source.name].dropped["TruncatedPage"] += 1
            self.logger.warning(
                "%s: %s: over %d links", source.name, response.url, self.plan.max_links_per_page
            )
        for url, _why in found.kept:
            yield from self._article_request(source, url, parent=response)
        page = response.meta["page"]
        if page < (source.options.max_pages or self.plan.max_pages):
            following = find_next_page(response.text, response.url, page)
            if following.problem:
                self.tally[source.name].error(f"listing {response.url}: {following.problem}")
            if following.url:
                yield from self._index_link(source, response, following.url, self.parse_listing, page + 1)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        read = self._read_index(response, parse_feed, "feed")
        if read is None:
            return
        source, feed = read
        self._note_cut(source, response.url, feed.skipped, feed.truncated)
        for entry in feed.entries:
            feed_entry = {
                "title": entry.title,
                "author": entry.author or feed.title,
                "content": entry.content,
                "published": entry.published.isoformat() if entry.published else "",
                "title_only_ok": "1",  # a page that fails leaves a title-only item, not nothing
            }
            yield from self._article_request(source, entry.link, feed_entry, parent=response)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        read = self._read_index(response, parse_sitemap, "sitemap")
        if read is None:
            return
        source, sitemap = read
        self._note_cut(source, response.url, sitemap.skipped, sitemap.truncated)
        for child in sitemap.sitemaps:
            yield from self._index_link(source, response, child, self.parse_sitemap, 1)
        for page in sitemap.pages:
            entry = {"title": page.title} if page.title else None
            yield from self._article_request(source, page.link, entry, parent=response)

    def parse_article(self, response: Response) -> Iterator[ArticleRecord | scrapy.Request]:
        source = self._source(response)
        self.tally[source.name].pages += 1
        yield from self.queues.done(source.name)
        yield self._record(source, response.url, response.body, _charset(response), response.meta)

    def on_article_error(self, failure: Failure) -> Iterator[ArticleRecord | scrapy.Request]:
        """A feed item whose page cannot be fetched is kept from the feed's own content."""
        self.on_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        yield from self.queues.done(request.meta["source"])
        feed_entry = request.meta.get("feed_entry") or {}
        kept_by_feed = feed_entry.get("content") or (
            feed_entry.get("title_only_ok") and feed_entry.get("title")
        )
        if kept_by_feed and url_problem(request.url) is None:
            yield self._record(self.sources[request.meta["source"]], request.url, b"", None, request.meta)

    def on_request_dropped(self, request: scrapy.Request) -> None:
        """An article request the duplicate filter dropped (a redirect to a page already asked for)
        will never be answered: its turn goes to the next one."""
        if request.meta.get("article") and request.meta.get("source") in self.sources:
            for released in self.queues.done(request.meta["source"]):
                self.crawler.engine.crawl(released)

    def on_idle(self) -> None:
        if self.queues.waiting():
            for released in self.queues.restart():
                self.crawler.engine.crawl(released)
            raise DontCloseSpider

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        tally = self.tally[request.meta["source"]]
        if failure.check(HttpError):
            response = failure.value.response
            tally.pages += 1
            reason = blocked_reason(response.status, response.body, _charset(response))
            if reason:
                tally.blocked_reason = f"{reason} ({response.url})"
            tally.error(f"HTTP {response.status} at {response.url}")
        else:
            tally.error(f"{failure.type.__name__} at {request.url}: {failure.getErrorMessage()}")

    def _note_cut(self, source: CrawlSource, url: str, skipped: tuple[str, ...], truncated: bool) -> None:
        """Entries the URL policy refused are dropped ``RefusedURL``; a feed past the limit is cut and that
        is counted too (``TruncatedFeed``), without making the source unhealthy."""
        if skipped:
            self.tally[source.name].dropped["RefusedURL"] += len(skipped)
            self.logger.warning("%s: %s: %d entries refused (%s)", source.name, url, len(skipped), skipped[0])
        if truncated:
            self.tally[source.name].dropped["TruncatedFeed"] += 1
            self.logger.warning("%s: %s: over %d entries", source.name, url, self.plan.max_feed_entries)

    def _index_request(
        self, source: CrawlSource, url: str, callback: Callable[[Response], Any], page: int
    ) -> scrapy.Request:
        """A listing page, feed or sitemap: asked conditionally, a 304 handled by the callback."""
        validators = self.plan.validators.get(url, Validators())
        meta = {**self._meta(source), "page": page, "handle_httpstatus_list": [304]}
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, meta=meta, headers=validators.headers()
        )

    def _index_response(self, response: Response) -> CrawlSource | None:
        """Count the page; None when there is nothing to read: not modified since last time, or a block."""
        source = self._source(response)
        tally = self.tally[source.name]
        tally.pages += 1
        if response.status == 304:
            tally.not_modified += 1
            self.plan.seen_validators[response.url] = (source.name, self.plan.validators[response.url])
            return None
        reason = blocked_reason(response.status, response.body, _charset(response))
        if reason:
            tally.blocked_reason = f"{reason} ({response.url})"
            return None
        etag, modified = response.headers.get(b"ETag"), response.headers.get(b"Last-Modified")
        if etag or modified:
            self.plan.seen_validators[response.url] = (
                source.name,
                Validators(
                    etag.decode("latin-1") if etag else None, modified.decode("latin-1") if modified else None
                ),
            )
        return source

    def _link_pattern(self, source: CrawlSource) -> LinkPattern | None:
        """The source's pattern with this page's time budget (ValueError when it is no regex)."""
        pattern = source.options.link_pattern
        return compile_link_pattern(pattern, self.limits.link_pattern_seconds) if pattern else None

    def _index_link(
        self, source: CrawlSource, response: Response, link: str, callback: Callable[..., Any], page: int
    ) -> Iterator[scrapy.Request]:
        """The next listing page or a child sitemap, when the URL policy allows it."""
        try:
            url = response.urljoin(link)
        except ValueError as exc:
            self._refuse(source, link, str(exc))
            return
        problem = url_problem(url)
        if problem:
            self._refuse(source, url, problem)
            return
        request = self._alone(source, url, self._index_request, source, url, callback, page)
        if request is not None:
            yield request

    def _read_index(
        self, response: Response, parse: Callable[[bytes, str, int], Parsed], what: str
    ) -> tuple[CrawlSource, Parsed] | None:
        """A feed or sitemap, parsed; None (and an error against the source) when it is none."""
        source = self._index_response(response)
        if source is None:
            return None
        try:
            return source, parse(response.body, response.url, self.plan.max_feed_entries)
        except ValueError as exc:
            self.tally[source.name].error(f"{what} {response.url}: {exc}")
            return None

    def _article_request(
        self,
        source: CrawlSource,
        url: str,
        feed_entry: dict[str, str] | None = None,
        parent: Response | None = None,
    ) -> Iterator[scrapy.Request]:
        """The article's request, in its source's turn; nothing when already stored, asked for or refused.

        A request held back for its source's turn is still the ``parent`` index page's child (its
        ``ledger_children``), so that page's validators wait for it (crawler.ledger)."""
        if url in self.plan.known_urls or url in self.requested:
            return
        problem = url_problem(url)
        if problem:
            self._refuse(source, url, problem)
            return
        meta = {**self._meta(source), "feed_entry": feed_entry or {}, "article": True}
        request = self._alone(source, url, self._new_article_request, url, meta)
        if request is not None:
            self.requested.add(url)
            if parent is not None:
                parent.meta.setdefault("ledger_children", []).append(url)
            yield from self.queues.add(source.name, request)

    def _new_article_request(self, url: str, meta: dict[str, Any]) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_article_error, meta=meta)

    def _alone(self, source: CrawlSource, url: str, make: Callable[..., scrapy.Request], *args: Any) -> Any:
        """``make(*args)``, or None with the error recorded against the source: a URL Scrapy refuses
        (port 99999 passes urlsplit but not Request) must fail alone, not end the generator yielding it
        and with it every later source, entry or link."""
        try:
            return make(*args)
        except Exception as exc:  # any failure here is this one URL's, never the crawl's
            self.tally[source.name].error(f"cannot request {url[:300]!r}: {type(exc).__name__}: {exc}")
            return None

    def _refuse(self, source: CrawlSource, url: str, problem: str) -> None:
        """A URL the policy refuses (file:, data:, a bad port ...): dropped, counted and logged."""
        self.tally[source.name].dropped["RefusedURL"] += 1
        self.logger.warning("%s: refused %r: %s", source.name, url[:300], problem)

    def _meta(self, source: CrawlSource) -> dict[str, Any]:
        obey = self.plan.obey_robots if source.options.obey_robots is None else source.options.obey_robots
        return {"source": source.name, "dont_obey_robotstxt": not obey}

    def _record(
        self, source: CrawlSource, url: str, body: bytes, charset: str | None, meta: dict[str, Any]
    ) -> ArticleRecord:
        return ArticleRecord(
            url=url,
            source=source.name,
            fetched_at=datetime.now(UTC),
            html=body,
            http_encoding=charset,
            source_media=source.media,
            feed_entry=meta.get("feed_entry") or {},
        )

    def _source(self, response: Response) -> CrawlSource:
        return self.sources[response.meta["source"]]


def _charset(response: Response) -> str | None:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    for part in content_type.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "charset" and value:
            return value.strip("\"' ")
    return None
