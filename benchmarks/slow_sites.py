"""Slow sites for the latency-bound distributed benchmark and the politeness test: many sites, each on a
loopback address of its own (127.0.0.2, 127.0.0.3 ...: Linux answers on all of 127.0.0.0/8), so each is a
host of its own for Scrapy and for the per-domain politeness slot. Every answer is sent ``delay`` seconds
after its request arrived, by one asyncio loop, so the waits overlap as a real site's latency does; the
arrival time of every request is logged per host ("ip:port")."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from hitmon.samplesite.page import Page


class SlowSites:
    """Many sites, each on a loopback address of its own, each answer sent ``delay`` seconds after its
    request arrived (asyncio: the waits overlap); every request's arrival is logged per host."""

    def __init__(self, sites: list[dict[str, Page]], delay: float):
        self.sites, self.delay = sites, delay
        self.urls: list[str] = []
        self.arrivals: dict[str, list[float]] = defaultdict(list)  # "ip:port" -> monotonic times
        self.log: list[tuple[float, str, str]] = []  # (monotonic time, host, request line)
        self._lock = threading.Lock()

    def arrivals_since(self, start: float) -> dict[str, list[float]]:
        with self._lock:
            return {host: [t for t in times if t >= start] for host, times in self.arrivals.items()}

    async def _answer(
        self, pages: Mapping[str, Page], host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                with self._lock:
                    now = time.monotonic()
                    self.arrivals[host].append(now)
                    self.log.append((now, host, head.split(b"\r\n", 1)[0].decode("latin-1")))
                target = head.split(b" ", 2)[1].decode("latin-1")
                page = pages.get(target.split("?", 1)[0])
                await asyncio.sleep(self.delay)
                status, body = ("200 OK", page.body) if page else ("404 Not Found", b"not found")
                kind = page.content_type if page else "text/plain"
                head = f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
                writer.write(head.encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _serve(self, started: threading.Event, stop: asyncio.Event) -> None:
        servers = []
        for number, pages in enumerate(self.sites):
            address = f"127.0.0.{number + 2}"

            def handler(reader, writer, pages=pages, address=address):  # type: ignore[no-untyped-def]
                port = writer.get_extra_info("sockname")[1]
                return self._answer(pages, f"{address}:{port}", reader, writer)

            server = await asyncio.start_server(handler, address, 0)
            servers.append(server)
            self.urls.append(f"http://{address}:{server.sockets[0].getsockname()[1]}")
        started.set()
        await stop.wait()
        for server in servers:
            server.close()

    @contextmanager
    def running(self) -> Iterator[SlowSites]:
        loop = asyncio.new_event_loop()
        started, stop = threading.Event(), asyncio.Event()
        thread = threading.Thread(
            target=lambda: loop.run_until_complete(self._serve(started, stop)), daemon=True
        )
        thread.start()
        started.wait()
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(timeout=5)
