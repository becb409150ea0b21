"""Sites under their real host names, served on 127.0.0.1 as an HTTP proxy: the crawl is pointed at it with
``http_proxy`` and asks for ``http://wsjkw.sc.gov.cn/...`` or ``http://mp.weixin.qq.com/s/...`` as it would
on the web. Pages are keyed by absolute URL and can be changed between crawls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.loopback import serve_loopback


@dataclass
class ProxySite:
    pages: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)  # url -> status, type, body
    requested: list[str] = field(default_factory=list)
    proxy_url: str = ""

    def html(self, url: str, body: str, status: int = 200) -> None:
        self.pages[url] = (status, "text/html; charset=utf-8", body.encode("utf-8"))

    def feed(self, url: str, body: str) -> None:
        self.pages[url] = (200, "application/rss+xml; charset=utf-8", body.encode("utf-8"))


class _Handler(BaseHTTPRequestHandler):
    site: ProxySite

    def do_GET(self) -> None:
        url = self.path if self.path.startswith("http") else f"http://{self.headers['Host']}{self.path}"
        self.site.requested.append(url)
        status, kind, body = self.site.pages.get(url, (404, "text/html", b"<html>not found</html>"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_proxy_site(site: ProxySite) -> Iterator[ProxySite]:
    with serve_loopback(type("Handler", (_Handler,), {"site": site})) as site.proxy_url:
        yield site
