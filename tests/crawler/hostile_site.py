"""A hostile web site on 127.0.0.1: fixed replies per path (pages, feeds, redirects), every request logged
in order, so a test can tell what was fetched and when relative to the rest."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.loopback import serve_loopback

PARAGRAPH = "市卫生健康委推进全民健康信息平台建设，实现电子健康档案和电子病历在医疗机构间互通共享。"


def distinct_paragraph(seed: int) -> str:
    """Text unlike any other seed's (random CJK characters), so that reprint grouping finds nothing."""
    rng = random.Random(seed)
    return "".join(chr(0x4E00 + rng.randrange(20_000)) for _ in range(120)) + "。"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def page(body: str, charset: str = "utf-8") -> Reply:
    return Reply(body=body.encode(charset), content_type=f"text/html; charset={charset}")


def redirect(location: str) -> Reply:
    return Reply(status=302, headers=(("Location", location),))


def article_html(title: str, day: int = 23, extra_head: str = "", paragraphs: int = 5) -> str:
    body = "".join(f"<p>{PARAGRAPH}第{n}段。</p>" for n in range(1, paragraphs + 1))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{extra_head}</head><body><h1>{title}</h1>"
        f"<div class='info'>发布时间：2018-04-{day:02d} 09:00</div><div class='TRS_Editor'>{body}</div>"
        "</body></html>"
    )


def rss(items: list[tuple[str, str, str]], pub_date: str = "Mon, 23 Apr 2018 10:00:00 +0800") -> Reply:
    """An RSS 2.0 feed of (title, link, content HTML) items."""
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><description><![CDATA[{content}]]></description>"
        f"<pubDate>{pub_date}</pubDate></item>"
        for title, link, content in items
    )
    channel = f"<channel><title>订阅</title>{entries}</channel>"
    body = f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'>{channel}</rss>"
    return Reply(body=body.encode(), content_type="application/rss+xml; charset=utf-8")


def listing(links: list[str]) -> Reply:
    anchors = "".join(f"<li><a href='{link}'>{link}</a></li>" for link in links)
    return page(f"<html><body><ul>{anchors}</ul></body></html>")


@dataclass
class HostileSite:
    base_url: str = ""
    routes: dict[str, Reply] = field(default_factory=dict)
    fallback: Callable[[str], Reply | None] | None = None  # for generated paths
    log: list[str] = field(default_factory=list)  # request paths in the order answered
    times: list[float] = field(default_factory=list)  # time.monotonic() of each, in the same order
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str) -> int:
        with self.lock:
            return self.log.count(path)

    def paths(self) -> list[str]:
        with self.lock:
            return list(self.log)


class _Handler(BaseHTTPRequestHandler):
    site: HostileSite
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.site.lock:
            self.site.log.append(path)
            self.site.times.append(time.monotonic())
        reply = self.site.routes.get(path) or (self.site.fallback(path) if self.site.fallback else None)
        reply = reply or Reply(404, b"not found", "text/plain")
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)


@contextmanager
def serve_hostile_site(
    build: Callable[[str], Mapping[str, Reply]], fallback: Callable[[str, str], Reply | None] | None = None
) -> Iterator[HostileSite]:
    """Serve ``build(base_url)``'s replies; ``fallback(base_url, path)`` answers any other path."""
    site = HostileSite()
    with serve_loopback(type("Handler", (_Handler,), {"site": site})) as site.base_url:
        site.routes = dict(build(site.base_url))
        if fallback is not None:
            site.fallback = lambda path: fallback(site.base_url, path)
        yield site
