"""A misbehaving web site on 127.0.0.1: every way a real source fails, one path each."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
}
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
            self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
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
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"site": site}))
    server.daemon_threads = True
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


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
"""
