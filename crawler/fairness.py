"""Fair shares of the crawl: one source's 100,000-link listing or feed must not starve the other sources on
its host.

Scrapy queues requests per host, newest first: a source that queues thousands of article requests keeps
every other source on that host waiting (29 sources were never fetched in 150 s). So each source has at
most ``max_pending`` article requests queued or downloading; the rest wait in its backlog (URLs and meta,
no download), and each released request gets the priority ``-n`` for the source's n-th article, so the
least-served source goes first. Listing pages and feeds keep priority 0 and go before any article.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from scrapy import Request


@dataclass
class _SourceQueue:
    backlog: deque[Request] = field(default_factory=deque)
    in_flight: int = 0  # released and not yet answered (parsed, failed or dropped)
    released: int = 0  # over the whole crawl: the priority of the next one is -(released + 1)


class ArticleQueues:
    """Per-source backlogs of article requests; ``max_pending=None`` releases every request at once (a
    shared frontier, where the backlog of one process would be lost with it)."""

    def __init__(self, max_pending: int | None):
        self.max_pending = max_pending
        self.sources: dict[str, _SourceQueue] = {}

    def add(self, source: str, request: Request) -> list[Request]:
        """Queue ``request``; the requests that may be scheduled now."""
        queue = self.sources.setdefault(source, _SourceQueue())
        queue.backlog.append(request)
        return self._release(queue)

    def done(self, source: str) -> list[Request]:
        """One of the source's requests was answered; the requests that may be scheduled now."""
        queue = self.sources.setdefault(source, _SourceQueue())
        queue.in_flight = max(queue.in_flight - 1, 0)
        return self._release(queue)

    def restart(self) -> list[Request]:
        """The crawl fell idle, so nothing is in flight whatever the counts say (a request can vanish
        without an answer, e.g. in a component that drops it silently): release again."""
        released: list[Request] = []
        for queue in self.sources.values():
            queue.in_flight = 0
            released += self._release(queue)
        return released

    def waiting(self) -> int:
        return sum(len(queue.backlog) for queue in self.sources.values())

    def _release(self, queue: _SourceQueue) -> list[Request]:
        released = []
        while queue.backlog and (self.max_pending is None or queue.in_flight < self.max_pending):
            request = queue.backlog.popleft()
            queue.in_flight += 1
            queue.released += 1
            request.priority = -queue.released
            released.append(request)
        return released
