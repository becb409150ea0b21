"""Crawl components: the URL policy on every request and redirect, retry backoff, redirect loops made
visible, robots.txt applied to every request."""

from __future__ import annotations

import asyncio
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from pipeline.urls import url_problem

MAX_BACKOFF = 60.0  # seconds


class RefusedURL(IgnoreRequest):
    """A request or a redirect to a URL that ``pipeline.urls`` refuses (file:, data:, a bad port ...).

    An IgnoreRequest, so the request's errback records it against its source and the crawl goes on."""


class UrlPolicyMiddleware:
    """Refuses any request to a URL outside the policy, before robots.txt or the downloader see it: the
    last line of defence behind the spider's own checks (a redirect's target comes back this way too)."""

    def process_request(self, request: Request) -> None:
        problem = url_problem(request.url)
        if problem:
            raise RefusedURL(f"refused {request.url[:300]!r}: {problem}")


class RedirectPolicyMiddleware:
    """Refuses a redirect to a URL outside the policy while it is still a 3xx response, so the error
    names the redirect (sits after RedirectMiddleware in request order, before it for responses)."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location") if 300 <= response.status < 400 else None
        if location:
            target = urljoin(request.url, location.decode("latin-1"))
            problem = url_problem(target)
            if problem:
                raise RefusedURL(f"redirect to {target[:300]!r} refused: {problem}")
        return response


class RetryBackoffMiddleware:
    """Delays the n-th retry of a request by ``backoff * 2**(n-1)`` seconds (at most a minute).

    Runs before the request takes a download slot, so the wait holds up no other request."""

    def __init__(self, backoff: float):
        self.backoff = backoff

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        return cls(crawler.settings.getfloat("HITMON_RETRY_BACKOFF"))

    async def process_request(self, request: Request) -> None:
        retries = request.meta.get("retry_times", 0)
        if retries and self.backoff:
            await asyncio.sleep(min(self.backoff * 2 ** (retries - 1), MAX_BACKOFF))


class LoopRecordingDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, which also records a redirect that leads back to a URL already asked
    for (a redirect loop) against its source: silently dropping it would hide a broken page."""

    def log(self, request: Request, spider: Spider) -> None:
        redirects = request.meta.get("redirect_urls")
        tally = getattr(spider, "tally", None)
        if redirects and tally is not None and "source" in request.meta:
            tally[request.meta["source"]].error(f"redirect loop at {redirects[0]} (back to {request.url})")
        super().log(request, spider)


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every request that waited for the file seeing its rules.

    Scrapy (since scrapy/scrapy#6802) awaits one shared Deferred per site; the first waiter consumes its
    result and the others get None, which means "allow all": requests made while robots.txt was loading
    went out unchecked. Reading the parser that is stored once loaded fixes that."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        stored = self._parsers.get(urlparse_cached(request).netloc)
        return parser if stored is None or isinstance(stored, Deferred) else stored
