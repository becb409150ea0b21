"""A static HTTP server for a fixed set of pages, with validators, for demos and crawler tests.

It answers GET and HEAD, sends ETag and Last-Modified, honours If-None-Match / If-Modified-Since with
304, redirects ``/dir`` to ``/dir/`` when only the latter exists, and records every request it answers.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from hitmon.samplesite.page import Page

NOT_FOUND_BODY = (
    b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>404</h1></body></html>"
)


@dataclass(frozen=True, slots=True)
class RequestRecord:
    method: str
    path: str  # percent-decoded, without the query string
    query: str
    status: int
    headers: tuple[tuple[str, str], ...]  # as received

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


class RequestLog:
    """The requests a server answered, in order; safe to read while the server runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    @property
    def paths(self) -> list[str]:
        return [record.path for record in self.records()]

    def count(self, path: str | None = None, *, method: str | None = None, status: int | None = None) -> int:
        """How many requests matched every criterion given."""
        return sum(
            (path is None or record.path == path)
            and (method is None or record.method == method)
            and (status is None or record.status == status)
            for record in self.records()
        )

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)


@dataclass(frozen=True, slots=True)
class RunningServer:
    base_url: str  # "http://127.0.0.1:PORT", no trailing slash
    requests: RequestLog
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class _ServedPage:
    page: Page
    etag: str
    last_modified: datetime  # whole seconds, as HTTP dates carry

    @classmethod
    def of(cls, page: Page) -> _ServedPage:
        etag = '"' + hashlib.sha256(page.body).hexdigest()[:20] + '"'
        return cls(page, etag, page.last_modified.astimezone(UTC).replace(microsecond=0))

    def is_fresh_for(self, if_none_match: str | None, if_modified_since: str | None) -> bool:
        """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or self.etag in tags
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            return self.last_modified <= (since if since.tzinfo else since.replace(tzinfo=UTC))
        return False


class _PageServer(ThreadingHTTPServer):
    daemon_threads = True
    pages: Mapping[str, _ServedPage]
    log: RequestLog


class _PageHandler(BaseHTTPRequestHandler):
    server: _PageServer
    server_version = "hitmon-samplesite/0.1"
    protocol_version = "HTTP/1.1"  # keep-alive, as real sites do
    timeout = 30  # seconds an idle keep-alive connection is held

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: object) -> None:  # silent: tests and demos read the log
        pass

    def _answer(self, send_body: bool) -> None:
        target = urlsplit(self.path)
        path = unquote(target.path) or "/"
        served = self.server.pages.get(path)
        if served is None and not path.endswith("/") and path + "/" in self.server.pages:
            status = 301
        elif served is None:
            status = 404
        elif served.is_fresh_for(self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")):
            status = 304
        else:
            status = 200
        # Recorded before the answer goes out, so a client that got its answer finds it in the log.
        headers = tuple(self.headers.items())
        self.server.log.add(RequestRecord(self.command, path, target.query, status, headers))
        if status == 301:
            self._send(301, b"", "text/html; charset=utf-8", send_body, [("Location", target.path + "/")])
        elif served is None:
            self._send(404, NOT_FOUND_BODY, "text/html; charset=utf-8", send_body, [])
        else:
            validators = [
                ("ETag", served.etag),
                ("Last-Modified", format_datetime(served.last_modified, True)),
            ]
            body = b"" if status == 304 else served.page.body
            self._send(status, body, served.page.content_type, send_body, validators)

    def _send(
        self, status: int, body: bytes, content_type: str, send_body: bool, extra: list[tuple[str, str]]
    ) -> None:
        self.send_response(status)
        for name, value in extra:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


@contextmanager
def serve_rendered(
    render: Callable[[str], Mapping[str, Page]], host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningServer]:
    """Bind ``host:port`` (0: any free port), render the pages for the bound base URL, serve them.

    The server runs in a daemon thread until the ``with`` block ends.
    """
    server = _PageServer((host, port), _PageHandler)
    try:
        bound_port = server.server_address[1]
        url_host = "127.0.0.1" if host in ("", "0.0.0.0") else host
        base_url = f"http://{url_host}:{bound_port}"
        server.pages = {path: _ServedPage.of(page) for path, page in render(base_url).items()}
        server.log = RequestLog()
        thread = threading.Thread(target=server.serve_forever, name=f"samplesite:{bound_port}", daemon=True)
        thread.start()
        try:
            yield RunningServer(base_url, server.log, host, bound_port)
        finally:
            server.shutdown()
            thread.join()
    finally:
        server.server_close()


def serve_pages(
    pages: Mapping[str, Page], host: str = "127.0.0.1", port: int = 0
) -> AbstractContextManager[RunningServer]:
    """Serve a fixed page set (paths such as ``/a/b.html``) on ``host:port``; use as ``with``."""
    return serve_rendered(lambda _base_url: pages, host=host, port=port)
