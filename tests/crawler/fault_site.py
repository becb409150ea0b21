"""A misbehaving web site on 127.0.0.1: every way a real source fails, one path each."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.loopback import serve_loopback

PARAGRAPH = (
    "省卫生健康委今日召开全省医院信息化建设推进会，部署电子病历系统应用水平分级评价和互联网医院建设工作。"
)


def article(title: str, day: int, extra: str = "") -> str:
    body = "".join(f"<p>{PARAGRAPH}第{n}段。</p>" for n in range(1, 7))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
        f"<div class='info'>发布时间：2018-04-{day:02d} 09:00　来源：故障测试网</div>{extra}"
        f"<div class='TRS_Editor'>{body}</div></body></html>"
    )


GOOD = {
    "/a/20180423/1001.html": article("故障站点里的正常文章一", 23),
    "/a/20180424/1002.html": article("故障站点里的正常文章二", 24),
}
GBK_TITLE = "未声明编码的GBK页面也能读出标题"
FAULTS = {
    "slow": "/a/20180423/2001.html",
    "error": "/a/20180423/2002.html",
    "gbk": "/a/20180423/2003.html",
    "truncated": "/a/20180423/2004.html",
    "huge": "/a/20180423/2005.html",
    "loop": "/a/20180423/2006.html",
    "verify": "/a/20180423/2007.html",
    "deleted": "/a/20180423/2008.html",
}
DELETED_PAGE = (
    "<html><head><meta charset='utf-8'><title>微信公众平台</title></head><body>"
    "<div class='weui-msg'><p>该内容已被发布者删除</p></div></body></html>"
)
FEED_ONLY_TITLE = "原文打不开时，用订阅源里的全文"
FEED_ONLY_TEXT = "订阅源提供了全文：省卫健委推进互联网医院与电子病历系统建设，患者可在线复诊。" * 4
SITEMAP_PAGES = ("/news/20180425/3001.html", "/news/20180426/3002.html")
VERIFY_PAGE = (
    "<html><head><meta charset='utf-8'><title>微信公众平台</title></head><body>"
    "<div class='weui-msg'><p>环境异常</p><p>当前环境异常，完成验证后即可继续访问。</p>"
    "<a href='#'>去验证</a></div></body></html>"
)
CHALLENGE_PAGE = (
    "<html><head><script>document.cookie='__jsl_clearance=1589;max-age=3600;path=/';"
    "location.href=location.pathname+location.search</script></head><body></body></html>"
)
HUGE_MB = 50


@dataclass
class FaultSite:
    base_url: str
    hits: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str) -> int:
        with self.lock:
            return self.hits.get(path, 0)


def _feed(base_url: str) -> str:
    items = [
        (FEED_ONLY_TITLE, f"{base_url}/gone/20180423/5001.html", f"<p>{FEED_ONLY_TEXT}</p>"),
        ("订阅源里的正常文章", f"{base_url}/a/20180424/1002.html", "<p>摘要</p>"),
    ]
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><description><![CDATA[{content}]]></description>"
        "<pubDate>Mon, 23 Apr 2018 10:00:00 +0800</pubDate></item>"
        for title, link, content in items
    )
    channel = f"<channel><title>故障订阅号</title>{entries}</channel>"
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'>{channel}</rss>"


def _sitemap(base_url: str) -> str:
    urls = "".join(
        f"<url><loc>{base_url}{path}</loc><news:news><news:publication_date>2018-04-25T08:00:00+08:00"
        "</news:publication_date></news:news></url>"
        for path in SITEMAP_PAGES
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    )


def _listing() -> str:
    links = [*GOOD, *FAULTS.values()]
    return (
        "<html><body><ul>" + "".join(f"<li><a href='{p}'>{p}</a></li>" for p in links) + "</ul></body></html>"
    )


class _Handler(BaseHTTPRequestHandler):
    site: FaultSite
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.site.lock:
            self.site.hits[path] = self.site.hits.get(path, 0) + 1
        trap = re.fullmatch(r"/trap/page/(\d+)/", path)
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif path in ("/private/listing/", "/private/closed/"):
            links = "<a href='/private/a/20180423/4001.html'>内部文章</a>"
            self._send(200, f"<html><body>{links}</body></html>".encode(), "text/html; charset=utf-8")
        elif path == "/private/a/20180423/4001.html":
            self._send(200, article("robots.txt 之外的文章", 23).encode(), "text/html; charset=utf-8")
        elif path == "/feed.xml":
            self._send(200, _feed(self.site.base_url).encode(), "application/rss+xml; charset=utf-8")
        elif path == "/sitemap.xml":
            self._send(200, _sitemap(self.site.base_url).encode(), "application/xml")
        elif path in SITEMAP_PAGES:
            self._send(
                200, article(f"站点地图里的文章{path[-9:-5]}", 25).encode(), "text/html; charset=utf-8"
            )
        elif path.startswith("/forbidden/"):
            self._send(403, b"<html><body>403 Forbidden</body></html>", "text/html")
        elif path.startswith("/accepted/"):
            self._send(202, CHALLENGE_PAGE.encode(), "text/html")
        elif path == "/listing/":
            self._send(200, _listing().encode(), "text/html; charset=utf-8")
        elif path in GOOD:
            self._send(200, GOOD[path].encode(), "text/html; charset=utf-8")
        elif trap:
            following = int(trap.group(1)) + 1
            links = f"<a href='/trap/a/{following}.html'>x</a><a href='/trap/page/{following}/'>下一页</a>"
            self._send(200, f"<html><body>{links}</body></html>".encode(), "text/html; charset=utf-8")
        elif re.fullmatch(r"/trap/a/(\d+)\.html", path):
            number = int(path.rsplit("/", 1)[1].split(".")[0])
            self._send(200, article(f"翻页陷阱里的第{number}篇", 23).encode(), "text/html; charset=utf-8")
        elif path.startswith("/challenge/"):
            self._send(412, CHALLENGE_PAGE.encode(), "text/html")
        else:
            self._fault(path)

    def _fault(self, path: str) -> None:
        if path == FAULTS["slow"]:
            time.sleep(4)
            self._send(200, article("慢", 23).encode(), "text/html; charset=utf-8")
        elif path == FAULTS["error"]:
            self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
        elif path == FAULTS["gbk"]:
            self._send(
                200, article(GBK_TITLE, 23).replace("<meta charset='utf-8'>", "").encode("gbk"), "text/html"
            )
        elif path == FAULTS["truncated"]:
            body = article("被截断的页面", 23).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body) * 3))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif path == FAULTS["huge"]:
            self._huge()
        elif path == FAULTS["loop"]:
            self.send_response(302)
            self.send_header("Location", FAULTS["loop"] + "?again")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == FAULTS["deleted"]:
            self._send(200, DELETED_PAGE.encode(), "text/html; charset=utf-8")
        elif path == FAULTS["verify"]:
            self._send(200, VERIFY_PAGE.encode(), "text/html; charset=utf-8")
        else:
            self._send(404, b"not found", "text/plain")

    def _huge(self) -> None:
        chunk = ("<p>" + PARAGRAPH * 20 + "</p>").encode() * 16
        total = HUGE_MB * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        sent = 0
        try:
            while sent < total:
                piece = chunk[: total - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on it, as it should

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_fault_site() -> Iterator[FaultSite]:
    site = FaultSite(base_url="")
    with serve_loopback(type("Handler", (_Handler,), {"site": site})) as site.base_url:
        yield site


def fault_sources(base_url: str) -> str:
    return f"""\
- name: 故障测试网
  kind: listing
  url: {base_url}/listing/
  link_pattern: '/a/\\d{{8}}/\\d+\\.html'
- name: 翻页陷阱
  kind: listing
  url: {base_url}/trap/page/1/
  link_pattern: '/trap/a/\\d+\\.html'
  max_pages: 4
- name: 反爬挑战站
  kind: listing
  url: {base_url}/challenge/
- name: 拒绝访问站
  kind: listing
  url: {base_url}/forbidden/
- name: 二〇二挑战站
  kind: listing
  url: {base_url}/accepted/
- name: 故障订阅号
  kind: feed
  url: {base_url}/feed.xml
- name: 站点地图源
  kind: sitemap
  url: {base_url}/sitemap.xml
- name: 不守robots的源
  kind: listing
  url: {base_url}/private/listing/
  link_pattern: '/private/a/'
  obey_robots: false
- name: 守robots的源
  kind: listing
  url: {base_url}/private/closed/
  link_pattern: '/private/a/'
"""
