"""Per-source turns for article requests: at most max_pending each, least-served source first."""

from __future__ import annotations

from scrapy import Request

from crawler.fairness import ArticleQueues


def requests(prefix: str, count: int) -> list[Request]:
    return [Request(f"http://127.0.0.1/{prefix}/{n}.html") for n in range(count)]


def test_a_source_has_at_most_max_pending_requests_out() -> None:
    queues = ArticleQueues(max_pending=2)
    released = [r for request in requests("huge", 100) for r in queues.add("huge", request)]
    assert len(released) == 2 and queues.waiting() == 98
    assert [r.url for r in queues.done("huge")] == ["http://127.0.0.1/huge/2.html"]


def test_the_least_served_source_goes_first() -> None:
    queues = ArticleQueues(max_pending=2)
    for request in requests("huge", 100):
        queues.add("huge", request)
    for _ in range(20):
        queues.done("huge")
    small = [r for request in requests("small", 2) for r in queues.add("small", request)]
    huge_next = queues.done("huge")
    # Scrapy serves higher priorities first: the small source's first articles beat the huge one's 23rd.
    assert min(r.priority for r in small) > max(r.priority for r in huge_next)


def test_restart_releases_what_waits_when_nothing_is_in_flight() -> None:
    queues = ArticleQueues(max_pending=1)
    for request in requests("a", 3):
        queues.add("a", request)
    assert [r.url for r in queues.restart()] == ["http://127.0.0.1/a/1.html"]


def test_without_a_bound_everything_goes_at_once() -> None:
    queues = ArticleQueues(max_pending=None)
    assert len([r for request in requests("a", 50) for r in queues.add("a", request)]) == 50
