"""The downloader middleware that sends a request through the browser only when it needs one.

- ``render: auto`` (the default): a response that is a script challenge is fetched again in the browser,
  and the rendered page replaces it. The cookies and user agent the browser earned are handed back:
  later requests to that site go out plainly with them, and back to the browser when a challenge returns.
- ``render: always``: the source's listing pages (and feeds, sitemaps) are rendered, for links written by
  script; its article pages go as with ``auto``.
- ``render: never``: a challenge blocks the source, as without a browser.

In a distributed crawl the passes go through the frontier: a site one worker cleared is sent plainly by all.

A page the browser cannot get (Chromium missing, a challenge that never clears) marks its source blocked
with the reason and fails that request alone; the crawl goes on.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred

from crawler.render.browser import Browser, BrowserUnavailable, ChallengeNotCleared, RenderFailed
from crawler.render.challenge import script_challenge
from crawler.render.jar import SharedPasses, SiteCookieJar, site_of
from crawler.tally import SourceTally
from pipeline.config import BrowserSettings

RENDERED = "hitmon_rendered"  # request meta: the response came from the browser
PASS_SENT = "hitmon_pass_version"  # request meta: which of the site's passes the request carried
PASS_RETRIED = "hitmon_pass_retried"  # request meta: already sent again with a newer pass
GIVE_UP_AFTER = 2  # pages of one site that did not clear in the browser before its others are not tried


class BrowserCouldNotRender(IgnoreRequest):
    """The page needed the browser and the browser could not get it; the reason is on its source."""


class BrowserMiddleware:
    def __init__(self, crawler: Crawler, settings: BrowserSettings, shared: SharedPasses | None = None):
        self.crawler = crawler
        self.settings = settings
        self.browser = Browser(settings)
        self.jar = SiteCookieJar(shared)
        self._clearing: dict[str, asyncio.Lock] = {}  # site -> held while the browser clears it
        self._uncleared: Counter[str] = Counter()  # site -> its pages that did not clear in time

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserMiddleware:
        shared = None
        if crawler.settings.get("HITMON_WORKER_ID") is not None:  # a distributed worker
            from crawler.redis_scheduler import crawler_frontier

            shared = crawler_frontier(crawler.settings)
        middleware = cls(crawler, crawler.settings["HITMON_SETTINGS"].browser, shared)
        crawler.signals.connect(middleware.close_browser, signal=signals.spider_closed)
        return middleware

    def close_browser(self) -> Deferred[None]:
        return deferred_from_coro(self.browser.close())

    async def process_request(self, request: Request) -> Response | None:
        mode = self._mode(request)
        if mode in (None, "never"):
            return None
        if mode == "always" and "page" in request.meta:  # a listing page, feed or sitemap
            return await self._render(request, "render: always", settle=True)
        earned = self.jar.get(request.url)
        if earned is None:
            return None
        if not self.settings.hand_back:
            return await self._render(request, "a site that needed the browser")
        request.headers["Cookie"] = earned.cookie_header()
        request.headers["User-Agent"] = earned.user_agent
        request.meta[PASS_SENT] = earned.version
        return None

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get(RENDERED) or self._mode(request) in (None, "never"):
            return response
        reason = script_challenge(response.status, response.body, _encoding(response))
        if reason is None:
            return response
        site = site_of(request.url)
        async with self._clearing.setdefault(site, asyncio.Lock()):  # one clearing of a site at a time
            earned = self.jar.get(request.url)
            newer = earned is not None and earned.version != request.meta.get(PASS_SENT)
            if newer and not request.meta.get(PASS_RETRIED):
                # Another page cleared the site while this one was out: send it again plainly.
                return request.replace(dont_filter=True, meta={**request.meta, PASS_RETRIED: True})
            return await self._render(request, reason)

    async def _render(self, request: Request, reason: str, settle: bool = False) -> Response:
        site = site_of(request.url)
        if self._uncleared[site] >= GIVE_UP_AFTER:  # each would take a whole timeout (and the site's lock)
            # The source is already blocked with the reason; this page is only an error.
            raise BrowserCouldNotRender(f"{reason}: not rendered, {site} did not clear {GIVE_UP_AFTER} times")
        tally = self._tally(request)
        tally.browser_pages += 1
        try:
            page = await self.browser.render(request.url, settle=settle)
        except BrowserUnavailable as exc:
            raise self._blocked(tally, f"{reason}: needs a browser: {exc}", request) from None
        except ChallengeNotCleared as exc:
            self._uncleared[site] += 1
            raise self._blocked(tally, f"{reason}: {exc}", request) from None
        except RenderFailed as exc:  # not the site's doing: an error against the source (the errback)
            raise BrowserCouldNotRender(str(exc)) from None
        self.jar.update(page.url, page.cookies, page.user_agent)
        request.meta[RENDERED] = True
        return HtmlResponse(
            page.url,
            status=page.status,
            headers={"Content-Type": "text/html; charset=utf-8"},
            body=page.html.encode("utf-8"),
            encoding="utf-8",
            request=request,
            flags=["browser"],
        )

    def _blocked(self, tally: SourceTally, reason: str, request: Request) -> BrowserCouldNotRender:
        tally.blocked_reason = f"{reason} ({request.url})"
        return BrowserCouldNotRender(reason)

    def _mode(self, request: Request) -> str | None:
        """The request's source's render mode; None for requests of no source (robots.txt)."""
        sources: dict[str, Any] = getattr(self.crawler.spider, "sources", {})
        source = sources.get(request.meta.get("source"))
        return None if source is None else source.options.render

    def _tally(self, request: Request) -> SourceTally:
        return self.crawler.spider.tally[request.meta["source"]]  # type: ignore[union-attr]


def _encoding(response: Response) -> str | None:
    return getattr(response, "encoding", None)
