"""The Redis frontier's parts: the Bloom filter, the reliable queue, dead workers, the per-domain slot."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis
from click.testing import CliRunner
from scrapy import Request

from crawler.redis_frontier import BloomShape, Frontier
from crawler.redis_scheduler import DomainSlotMiddleware
from hitmon.cli.commands_distributed import worker

pytestmark = pytest.mark.redis
SMALL = BloomShape.for_capacity(10_000, 0.001)


def frontier(redis_url: str, prefix: str, worker_id: str = "") -> Frontier:
    return Frontier(redis.Redis.from_url(redis_url), prefix, SMALL, worker_id)


def test_bloom_shape_for_a_million_urls() -> None:
    shape = BloomShape.for_capacity(1_000_000, 0.001)
    assert 14_000_000 < shape.bits < 14_500_000  # about 1.8 MB of bitmap
    assert shape.hashes == 10
    assert len(set(shape.offsets(b"fingerprint"))) == 10


def test_bloom_filter_remembers_and_stays_near_its_error_rate(redis_url: str, redis_prefix: str) -> None:
    shared = frontier(redis_url, redis_prefix)
    assert not shared.add_seen(b"a") and shared.add_seen(b"a")
    for number in range(2000):
        shared.add_seen(f"seen {number}".encode())
    false_positives = sum(shared.add_seen(f"new {number}".encode()) for number in range(2000))
    assert false_positives <= 10  # 0.1 % expected at capacity; this is a fifth of it


def test_a_dead_workers_requests_go_back_to_the_frontier(redis_url: str, redis_prefix: str) -> None:
    dead, alive = frontier(redis_url, redis_prefix, "dead"), frontier(redis_url, redis_prefix, "alive")
    for request in (b"r1", b"r2", b"r3"):
        dead.push(request)
    dead.heartbeat(ttl=60)
    assert dead.pop() == b"r1" and dead.pop() == b"r2"
    dead.ack(b"r1")
    assert alive.reap_dead() == 0 and not alive.drained()  # still alive: its requests stay with it
    dead.client.delete(dead.alive_key())  # its heartbeat expired
    assert alive.reap_dead() == 1
    assert alive.pop() == b"r2"  # requeued first
    assert alive.pop() == b"r3" and alive.pop() is None
    alive.heartbeat(ttl=60)
    assert not alive.drained()
    alive.ack(b"r2")
    alive.ack(b"r3")
    assert alive.drained()


def test_a_retry_replaces_its_parent_in_one_step(redis_url: str, redis_prefix: str) -> None:
    one = frontier(redis_url, redis_prefix, "one")
    one.heartbeat(ttl=60)
    one.push(b"first try")
    assert one.pop() == b"first try"
    one.push(b"second try", replaces=b"first try")
    assert (one.queued(), one.in_flight()) == (1, 0)


def test_workers_share_one_slot_per_domain(redis_url: str, redis_prefix: str) -> None:
    interval, requests = 0.05, 6
    middlewares = [
        DomainSlotMiddleware(frontier(redis_url, redis_prefix, name), interval) for name in ("a", "b")
    ]

    async def fetch_all() -> None:
        await asyncio.gather(
            *(
                middlewares[number % 2].process_request(Request(f"http://example.test/{number}"))
                for number in range(requests)
            )
        )

    started = time.monotonic()
    asyncio.run(fetch_all())
    assert time.monotonic() - started >= interval * (requests - 1) * 0.9


def test_worker_help_has_an_example() -> None:
    result = CliRunner().invoke(worker, ["--help"])
    assert result.exit_code == 0 and "Example" in result.output, result.output
