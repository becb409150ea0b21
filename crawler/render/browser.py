"""One Chromium per crawl, driven by Playwright: a context per site (its cookies last the crawl), a small
pool of pages, and a time limit per page.

Debian's Chromium is launched by path; Playwright never downloads a browser here. Chromium starts on
the first page that needs it, so a crawl that meets no challenge never starts it."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.render.challenge import script_challenge
from crawler.render.jar import site_of
from pipeline.config import BrowserSettings

if TYPE_CHECKING:
    from playwright.async_api import Browser as PlaywrightBrowser
    from playwright.async_api import BrowserContext, Page, Playwright, Response, Route

# Quiet, headless, no sandbox (crawl hosts and containers run it as an unprivileged user without one).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",  # /dev/shm is small in containers
)
MAX_RELAUNCHES = 3  # Chromium restarts after a crash within one crawl, before the browser is given up
# Not fetched by the browser: the text needs none of them, and a government site is spared the requests.
SKIPPED_RESOURCES = frozenset({"image", "media", "font", "stylesheet"})
MAX_LOADS = 6  # documents one page may load (a challenge reloads once or twice) before it is given up
CLOSE_SECONDS = 5.0
_POLL = 0.1  # seconds between two looks at a page whose challenge is clearing


class BrowserUnavailable(Exception):
    """Chromium is turned off, missing, or would not start."""


class RenderFailed(Exception):
    """The browser could not get the page: it crashed, or the page would not load."""


class ChallengeNotCleared(RenderFailed):
    """The page still showed a challenge (or had not loaded) when its time ran out."""


@dataclass(frozen=True)
class RenderedPage:
    url: str  # where the page ended up
    status: int  # of the last main-frame document
    html: str  # the DOM after the scripts ran
    cookies: dict[str, str]  # the site's cookies, to hand back to plain requests
    user_agent: str


Refusal = Callable[[str], str | None]  # why the browser may not ask for a URL, or None


class Browser:
    """``refuse``: requests (the page's and its scripts') it names a reason for are never sent, as the
    web app's pasted links may not reach this machine or its network; a page sent there fails."""

    def __init__(self, settings: BrowserSettings, refuse: Refusal | None = None):
        self.settings = settings
        self.refuse = refuse
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None
        self._unavailable: str | None = None  # why it could not start: said once, remembered
        self._contexts: dict[str, BrowserContext] = {}
        self._starting: asyncio.Lock | None = None
        self._pool: asyncio.Semaphore | None = None
        self._crashes = 0

    async def render(self, url: str, settle: bool = False) -> RenderedPage:
        """The page at ``url`` once its challenge (if any) has cleared; ``settle`` also waits (up to
        ``settle`` seconds) for scripts that write the page to go quiet. A page whose browser died
        under it is tried once more in a new one."""
        for attempt in (1, 2):
            await self._start()
            browser = self._browser
            assert browser is not None
            try:
                return await self._render_in(browser, url, settle)
            except RenderFailed:
                if attempt == 2 or browser.is_connected():
                    raise
                self._forget(browser)
        raise AssertionError("unreachable")

    async def _render_in(self, browser: PlaywrightBrowser, url: str, settle: bool) -> RenderedPage:
        from playwright.async_api import Error

        assert self._pool is not None
        async with self._pool:
            try:
                context = await self._context(browser, url)
                page = await context.new_page()
                watch = _PageWatch(page, self.refuse)
                await page.route("**/*", watch.route)
            except Error as exc:  # the browser went away between two pages
                raise RenderFailed(f"the browser failed: {_first_line(exc)}") from None
            try:
                return await asyncio.wait_for(self._load(page, watch, url, settle), self.settings.timeout)
            except TimeoutError:
                raise ChallengeNotCleared(
                    f"the challenge did not clear in the browser within {self.settings.timeout:g} s"
                ) from None
            except Error as exc:  # the page crashed, the browser died, the site refused the connection
                failed = f"the browser failed: {_first_line(exc)}"
                raise RenderFailed(f"refused: {watch.refused}" if watch.refused else failed) from None
            finally:
                with contextlib.suppress(Error, TimeoutError):  # a page may hang as it closes: leave it
                    await asyncio.wait_for(page.close(), CLOSE_SECONDS)

    async def close(self) -> None:
        if self._playwright is None:
            return  # never started: Playwright is not even imported
        from playwright.async_api import Error

        if self._browser is not None:
            browser, self._browser = self._browser, None
            with contextlib.suppress(Error, TimeoutError):
                await asyncio.wait_for(browser.close(), CLOSE_SECONDS * 2)
        playwright, self._playwright = self._playwright, None
        with contextlib.suppress(Error, TimeoutError):
            await asyncio.wait_for(playwright.stop(), CLOSE_SECONDS * 2)

    async def _start(self) -> None:
        if self._starting is None:
            self._starting = asyncio.Lock()
            self._pool = asyncio.Semaphore(self.settings.pages)
        async with self._starting:
            if self._browser is None and self._unavailable is None:
                self._unavailable = await self._launch()
        if self._unavailable:
            raise BrowserUnavailable(self._unavailable)

    async def _launch(self) -> str | None:
        """None once Chromium runs, else why it does not."""
        if not self.settings.enabled:
            return "the browser is turned off (browser.enabled = false)"
        executable = self.settings.executable
        if not (executable.is_file() and os.access(executable, os.X_OK)):
            return f"Chromium not found at {executable}"
        from playwright.async_api import Error, async_playwright  # loaded only by crawls that need it

        try:
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(
                executable_path=str(executable),
                headless=True,
                args=list(CHROMIUM_ARGS),
                timeout=self.settings.launch_timeout * 1000,
            )
        except Error as exc:
            await self.close()
            return f"Chromium at {executable} did not start: {_first_line(exc)}"
        self._browser.on("disconnected", self._forget)
        return None

    def _forget(self, browser: PlaywrightBrowser) -> None:
        """Chromium crashed or was killed: the next page starts a new one, a few times at most."""
        if browser is not self._browser:
            return  # already forgotten (the page that noticed first, or the disconnected event)
        self._browser, self._contexts = None, {}
        self._crashes += 1
        if self._crashes > MAX_RELAUNCHES:
            self._unavailable = f"Chromium crashed {self._crashes} times in this crawl"

    async def _context(self, browser: PlaywrightBrowser, url: str) -> BrowserContext:
        site = site_of(url)
        if site not in self._contexts:
            agent = self.settings.user_agent
            options: dict[str, Any] = {"user_agent": agent} if agent else {}
            self._contexts[site] = await browser.new_context(**options)
        return self._contexts[site]

    async def _load(self, page: Page, document: _PageWatch, url: str, settle: bool) -> RenderedPage:
        page.set_default_timeout(self.settings.timeout * 1000)  # no single step outlasts the page's time
        first = await page.goto(url, wait_until="load")
        document.status = first.status if first else document.status
        html = await _cleared_html(page, document)
        if settle and self.settings.settle:
            await _quiet(page, self.settings.settle)
            html = await page.content()
        cookies = await page.context.cookies(page.url)
        user_agent = await page.evaluate("navigator.userAgent")
        return RenderedPage(
            page.url, document.status, html, {c["name"]: c["value"] for c in cookies}, user_agent
        )


async def render_once(url: str, settings: BrowserSettings, refuse: Refusal | None = None) -> RenderedPage:
    """One page through a browser of its own, closed afterwards (a link the editor pastes)."""
    browser = Browser(settings, refuse)
    try:
        return await browser.render(url)
    finally:
        await browser.close()


class _PageWatch:
    """What one page does: the status of its latest main-frame document (a challenge's reload brings a new
    one) and how many documents it asked for. Beyond MAX_LOADS, its navigations are refused, so a challenge
    that keeps reloading does not hammer the site; decoration (SKIPPED_RESOURCES) is never fetched."""

    def __init__(self, page: Page, refuse: Refusal | None = None):
        self.status = 0
        self.loads = 0
        self.refuse = refuse
        self.refused: str | None = None  # why the page's own document was not fetched
        self._frame = page.main_frame
        page.on("response", self._seen)

    def _seen(self, response: Response) -> None:
        if response.frame == self._frame and response.request.is_navigation_request():
            self.status = response.status

    async def route(self, route: Route) -> None:
        request = route.request
        if request.resource_type in SKIPPED_RESOURCES:
            await route.abort()
            return
        main_document = request.is_navigation_request() and request.frame == self._frame
        reason = self.refuse(request.url) if self.refuse else None
        if reason:
            self.refused = self.refused or (reason if main_document else None)
            await route.abort()
            return
        if main_document:
            self.loads += 1
            if self.loads > MAX_LOADS:
                await route.abort()
                return
        await route.fallback()


async def _cleared_html(page: Page, document: _PageWatch) -> str:
    """Wait (the caller bounds how long) until the page is no challenge, and return its HTML. A challenge
    that keeps reloading is left once a load beyond MAX_LOADS was refused: what the page then shows is
    Chromium's error page, never the article."""
    while True:
        _raise_if_refused(document)
        html = await _content(page)
        if html is not None and not script_challenge(document.status, html.encode("utf-8")):
            await page.wait_for_load_state("load")
            settled = await _content(page)
            _raise_if_refused(document)
            if settled is not None and not script_challenge(document.status, settled.encode("utf-8")):
                return settled
        await asyncio.sleep(_POLL)


def _raise_if_refused(document: _PageWatch) -> None:
    if document.refused:
        raise RenderFailed(f"refused: {document.refused}")
    if document.loads > MAX_LOADS:
        raise ChallengeNotCleared(
            f"the challenge did not clear in the browser (still one after {MAX_LOADS} loads)"
        )


async def _content(page: Page) -> str | None:
    """The page's HTML, or None while it is navigating (a challenge reloading)."""
    from playwright.async_api import Error

    try:
        return await page.content()
    except Error:
        return None


async def _quiet(page: Page, seconds: float) -> None:
    from playwright.async_api import Error

    with contextlib.suppress(Error):  # a page that keeps polling is read as it stands
        await page.wait_for_load_state("networkidle", timeout=seconds * 1000)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
