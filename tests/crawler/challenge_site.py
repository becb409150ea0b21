"""A government site behind a JavaScript challenge, on 127.0.0.1, the way 加速乐 and 瑞数 do it.

Every page answers 412 (or 521) with a script that computes a cookie from a per-run seed and the
browser's user agent in a loop, sets it and reloads; a request with the right cookie and the same user
agent gets the real page. Variants (one server each): re-challenge after N pages, a listing whose links
are written by script, a challenge that never clears. robots.txt is served plainly.
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.crawler.fault_site import article
from tests.loopback import serve_loopback

COOKIE = "__jsl_clearance_s"
LOOP = 50_000  # rounds of the cookie loop (a real one takes a browser a few milliseconds too)
ARTICLE_PATH = re.compile(r"^/news/20180423/(\d+)\.html$")


def clearance(seed: int, user_agent: str) -> str:
    """The cookie the challenge script computes: FNV-1a over the seed and the user agent, LOOP times."""
    agent = user_agent or " "
    value = 2166136261
    for i in range(LOOP):
        value = ((value ^ ((seed + i + ord(agent[i % len(agent)])) & 0xFF)) * 16777619) & 0xFFFFFFFF
    return format(value, "x")


def challenge_page(seed: int) -> str:
    """What a plain client gets: no text, a loop computing the cookie, a reload."""
    return (
        "<html><head><meta charset='utf-8'><script>"
        f"var s={seed},ua=navigator.userAgent||' ',h=2166136261;"
        f"for(var i=0;i<{LOOP};i++){{h=Math.imul(h^((s+i+ua.charCodeAt(i%ua.length))&255),16777619)>>>0;}}"
        f"document.cookie='{COOKIE}='+h.toString(16)+';path=/;max-age=3600';"
        "setTimeout(function(){location.reload();},10);"
        "</script></head><body></body></html>"
    )


def article_title(number: int) -> str:
    return f"省卫生健康委部署全民健康信息平台建设（第{number}号）"


@dataclass(frozen=True)
class Served:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"


def html(status: int, text: str) -> Served:
    return Served(status, text.encode("utf-8"))


@dataclass
class ChallengeSite:
    """The gate in front of the pages: who gets a challenge, who the real page. ``pages(path)`` serves the
    site behind it (None: 404); the default is ``articles`` articles and their listing."""

    base_url: str
    articles: int = 0
    status: int = 412
    rechallenge_after: int | None = None  # pages one cookie is good for; then a new seed
    never_clears: bool = False
    articles_never_clear: bool = False  # the listing clears, its articles stay behind the challenge
    script_listing: bool = False  # the listing's links are written by script
    guarded: bool = True  # False: no challenge at all (the benchmark's unprotected run)
    pages: Callable[[str], Served | None] | None = None
    seed: int = field(default_factory=lambda: random.randrange(1, 2**31))
    round: int = 0  # how many times the seed changed
    served: Counter[str] = field(default_factory=Counter)  # real pages, by client ("browser" / "plain")
    served_paths: set[str] = field(default_factory=set)  # which real pages went out, to any client
    challenged: Counter[str] = field(default_factory=Counter)  # challenge answers, by path
    agents: set[str] = field(default_factory=set)  # user agents the real pages went to
    _pages_on_cookie: int = 0
    _tokens: dict[tuple[int, str], str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def listing_url(self) -> str:
        return f"{self.base_url}/news/index.html"

    def article_urls(self) -> list[str]:
        return [f"{self.base_url}/news/20180423/{n}.html" for n in range(1, self.articles + 1)]

    def answer(self, path: str, cookie_header: str, user_agent: str, client: str) -> Served:
        if path == "/robots.txt":  # served plainly, as the sites do
            return self._page(path) or Served(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        with self.lock:
            if self.guarded and (self._walled(path) or not self._cleared(cookie_header, user_agent)):
                self.challenged[path] += 1
                return html(self.status, challenge_page(self.seed))
            self.served[client] += 1
            self.served_paths.add(path)
            self.agents.add(user_agent)
            self._pages_on_cookie += 1
            if self.rechallenge_after and self._pages_on_cookie >= self.rechallenge_after:
                self.seed, self.round, self._pages_on_cookie = self.seed + 7919, self.round + 1, 0
        return self._page(path) or html(404, "<html><body><h1>404 页面不存在</h1></body></html>")

    def _walled(self, path: str) -> bool:
        return self.never_clears or (self.articles_never_clear and ARTICLE_PATH.match(path) is not None)

    def _cleared(self, cookie_header: str, user_agent: str) -> bool:
        key = (self.seed, user_agent)
        if key not in self._tokens:
            self._tokens[key] = clearance(self.seed, user_agent)
        return f"{COOKIE}={self._tokens[key]}" in [part.strip() for part in cookie_header.split(";")]

    def _page(self, path: str) -> Served | None:
        if self.pages is not None:
            return self.pages(path)
        if path == "/news/index.html":
            return html(200, self._listing())
        found = ARTICLE_PATH.match(path)
        if found and 1 <= int(found.group(1)) <= self.articles:
            return html(200, article(article_title(int(found.group(1))), 23))
        return None

    def _listing(self) -> str:
        links = [f"/news/20180423/{n}.html" for n in range(1, self.articles + 1)]
        if self.script_listing:  # written after load, as a column page's script fills its list
            items = ",".join(f"'{link}'" for link in links)
            body = (
                "<ul id='list'></ul><script>setTimeout(function(){var l=document.getElementById('list');"
                f"[{items}].forEach(function(h,i){{l.insertAdjacentHTML('beforeend',"
                "'<li><a href=\"'+h+'\">卫生健康委部署全民健康信息平台建设动态第'+(i+1)+'号</a>"
                "<span>2018-04-23</span></li>');});},100);</script>"
            )
        else:
            # A column page as sites write them: each item's headline and date.
            body = (
                "<ul>"
                + "".join(
                    f"<li><a href='{link}'>{article_title(n)}</a><span>2018-04-23</span></li>"
                    for n, link in enumerate(links, start=1)
                )
                + "</ul>"
            )
        return f"<html><head><meta charset='utf-8'><title>工作动态</title></head><body>{body}</body></html>"


def _handler(site: ChallengeSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

        def do_GET(self) -> None:
            # Chromium says how it navigates (Sec-Fetch-Mode); Scrapy does not.
            client = "browser" if self.headers.get("Sec-Fetch-Mode") else "plain"
            cookie, agent = self.headers.get("Cookie", ""), self.headers.get("User-Agent", "")
            page = site.answer(self.path.split("?", 1)[0], cookie, agent, client)
            try:
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser left the page (a reload, a closed page): as a real server, carry on

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_challenge_site(articles: int = 6, **variant: Any) -> Iterator[ChallengeSite]:
    """A ChallengeSite on 127.0.0.1 (a port of its own: browsers and the jar keep cookies per site)."""
    site = ChallengeSite("", articles, **variant)
    with serve_loopback(_handler(site)) as site.base_url:
        yield site


def listing_source(name: str, site: ChallengeSite, render: str = "auto") -> str:
    """A sources-file entry for the site's listing."""
    line = f"    render: {render}\n" if render != "auto" else ""
    return f"  - name: {name}\n    kind: listing\n    url: {site.listing_url}\n    max_pages: 1\n{line}"
