"""The spider: walks listing pages and feeds of every source and yields an ArticleRecord per article page.

What a link is, where the next page is and what a feed holds is decided by ``pipeline.discover``;
this class only schedules requests and keeps the per-source tally.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.tally import CrawlTally
from pipeline.discover import article_links, next_page_url, parse_feed, parse_sitemap
from pipeline.record import ArticleRecord


@dataclass(frozen=True)
class CrawlSource:
    name: str
    kind: str  # listing | feed | sitemap
    url: str
    media: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


class SourcesSpider(scrapy.Spider):
    name = "hitmon"

    def __init__(
        self,
        sources: list[CrawlSource],
        tally: CrawlTally,
        known_urls: set[str],
        max_pages: int,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.sources = {source.name: source for source in sources}
        self.tally = tally
        self.known_urls = known_urls
        self.default_max_pages = max_pages

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources.values():
            self.tally[source.name]  # every source gets a row, even one that yields nothing
            callback = {"feed": self.parse_feed, "sitemap": self.parse_sitemap}.get(
                source.kind, self.parse_listing
            )
            yield scrapy.Request(
                source.url, callback=callback, errback=self.on_error, meta={"source": source.name, "page": 1}
            )

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        source = self._source(response)
        self.tally[source.name].pages += 1
        if not isinstance(response, TextResponse):
            self.tally[source.name].error(f"listing {response.url} is not a web page")
            return
        for url in article_links(response.text, response.url, source.options.get("link_pattern")):
            yield from self._article_request(source, url)
        page = response.meta["page"]
        if page < source.options.get("max_pages", self.default_max_pages):
            following = next_page_url(response.text, response.url, page)
            if following:
                meta = {"source": source.name, "page": page + 1}
                yield response.follow(following, self.parse_listing, errback=self.on_error, meta=meta)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        source = self._source(response)
        self.tally[source.name].pages += 1
        try:
            feed = parse_feed(response.body, response.url)
        except ValueError as exc:
            self.tally[source.name].error(f"feed {response.url}: {exc}")
            return
        for entry in feed.entries:
            feed_entry = {
                "title": entry.title,
                "author": entry.author or feed.title,
                "content": entry.content,
            }
            yield from self._article_request(source, entry.link, feed_entry)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        source = self._source(response)
        self.tally[source.name].pages += 1
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except ValueError as exc:
            self.tally[source.name].error(f"sitemap {response.url}: {exc}")
            return
        for child in sitemap.sitemaps:
            yield scrapy.Request(
                child, self.parse_sitemap, errback=self.on_error, meta={"source": source.name}
            )
        for page in sitemap.pages:
            yield from self._article_request(source, page.link, {"title": page.title} if page.title else None)

    def parse_article(self, response: Response) -> Iterator[ArticleRecord]:
        source = self._source(response)
        self.tally[source.name].pages += 1
        yield self._record(source, response.url, response.body, _charset(response), response.meta)

    def _article_request(
        self, source: CrawlSource, url: str, feed_entry: dict[str, str] | None = None
    ) -> Iterator[scrapy.Request]:
        if url in self.known_urls:
            return
        meta = {"source": source.name, "feed_entry": feed_entry or {}}
        yield scrapy.Request(url, callback=self.parse_article, errback=self.on_article_error, meta=meta)

    def on_article_error(self, failure: Failure) -> Iterator[ArticleRecord]:
        """A feed item whose page cannot be fetched is kept from the feed's own content."""
        self.on_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        feed_entry = request.meta.get("feed_entry") or {}
        if feed_entry.get("content"):
            yield self._record(self.sources[request.meta["source"]], request.url, b"", None, request.meta)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        tally = self.tally[request.meta["source"]]
        if failure.check(HttpError):
            response = failure.value.response
            tally.pages += 1
            tally.error(f"HTTP {response.status} at {response.url}")
        else:
            tally.error(f"{failure.type.__name__} at {request.url}: {failure.getErrorMessage()}")

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
