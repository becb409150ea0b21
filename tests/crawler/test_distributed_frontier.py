"""The Redis frontier's parts: the Bloom filter, the reliable queue, dead workers, the per-domain slot and
the polite pop that skips requests whose host is not free."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis
from click.testing import CliRunner
from scrapy import Request

from crawler.redis_frontier import PASS_TTL, BloomShape, Frontier
from crawler.redis_scheduler import SLOT, DomainSlotMiddleware, decode_request, encode_request
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


def test_a_polite_pop_takes_the_oldest_request_whose_host_is_free(redis_url: str, redis_prefix: str) -> None:
    one, two = frontier(redis_url, redis_prefix, "one"), frontier(redis_url, redis_prefix, "two")
    for entry in (b"a.test r1", b"a.test r2", b"b.test r3", b"a.test r4", b"c.test r5"):
        one.push(entry)
    assert one.pop_polite(60, "t1") == (b"a.test r1", 0.0)
    # a.test is taken for a minute: its other requests wait in the frontier, in their order.
    assert one.pop_polite(60, "t2")[0] == b"b.test r3"
    assert two.pop_polite(60, "t3")[0] == b"c.test r5"
    entry, wait = two.pop_polite(60, "t4")
    assert entry is None and 59 < wait <= 60  # until a.test's slot is free
    assert one.queued() == 2
    assert one.client.get(one.slot_key("a.test")) == b"t1"
    one.client.delete(one.slot_key("a.test"))  # the interval is over
    assert two.pop_polite(60, "t5")[0] == b"a.test r2"
    assert two.client.lrange(two.processing_key(), 0, -1) == [b"a.test r2", b"c.test r5"]
    assert one.client.lrange(one.frontier_key, 0, -1) == [b"a.test r4"]


def test_a_polite_pop_with_nothing_queued_knows_no_wait(redis_url: str, redis_prefix: str) -> None:
    assert frontier(redis_url, redis_prefix, "one").pop_polite(1, "t") == (None, 0.0)


def test_a_slot_is_renewed_only_by_the_request_that_took_it(redis_url: str, redis_prefix: str) -> None:
    one = frontier(redis_url, redis_prefix, "one")
    one.push(b"a.test r1")
    assert one.pop_polite(0.05, "mine")[0] == b"a.test r1"
    assert not one.renew_slot("a.test", "theirs", 60)
    assert one.renew_slot("a.test", "mine", 60)
    assert one.client.pttl(one.slot_key("a.test")) > 59_000  # restarted from now, for the full interval
    one.client.delete(one.slot_key("a.test"))
    assert not one.renew_slot("a.test", "mine", 60)  # expired: the request takes the slot again


def test_a_request_popped_with_its_slot_is_sent_at_once_and_restarts_it(
    redis_url: str, redis_prefix: str
) -> None:
    one = frontier(redis_url, redis_prefix, "one")
    middleware = DomainSlotMiddleware(one, interval=60)
    one.push(b"example.test:8080 r1")
    assert one.pop_polite(60, "token")[0] is not None
    popped = Request("http://example.test:8080/a", meta={SLOT: "token"})
    started = time.monotonic()
    asyncio.run(middleware.process_request(popped))
    assert time.monotonic() - started < 1
    # Another request to the host (robots.txt, say) waits for the slot, whoever took it.
    other = Request("http://example.test:8080/robots.txt")
    one.client.pexpire(one.slot_key("example.test:8080"), 300)
    started = time.monotonic()
    asyncio.run(DomainSlotMiddleware(one, interval=0.05).process_request(other))
    assert time.monotonic() - started >= 0.25


def test_robots_txt_goes_in_the_place_of_the_request_that_waits_for_it(
    redis_url: str, redis_prefix: str
) -> None:
    one, two = frontier(redis_url, redis_prefix, "one"), frontier(redis_url, redis_prefix, "two")
    one.push(b"a.test r1")
    token = one.slot_token(0)
    assert one.pop_polite(60, token)[0] == b"a.test r1"  # a.test's slot held for r1, not yet sent
    assert two.take_slot("a.test", 60) > 59  # another worker waits
    assert one.take_slot("a.test", 60) == 0  # this worker's robots.txt fetch for r1 goes now
    assert not one.renew_slot("a.test", token, 60)  # and r1 waits its turn after it
    assert one.take_slot("a.test", 60) > 59  # a slot taken to send is not taken over


def test_a_sent_request_keeps_its_slot_from_its_own_worker(redis_url: str, redis_prefix: str) -> None:
    one = frontier(redis_url, redis_prefix, "one")
    one.push(b"a.test r1")
    token = one.slot_token(0)
    assert one.pop_polite(60, token)[0] is not None
    assert one.renew_slot("a.test", token, 60)
    assert one.take_slot("a.test", 60) > 59


def test_robots_txt_is_kept_for_the_crawl(redis_url: str, redis_prefix: str) -> None:
    one, two = frontier(redis_url, redis_prefix, "one"), frontier(redis_url, redis_prefix, "two")
    assert two.robots("a.test") is None
    one.keep_robots("a.test", b"User-agent: *\nDisallow: /private/\n")
    assert two.robots("a.test") == b"User-agent: *\nDisallow: /private/\n"
    one.reset()  # a new crawl fetches it again
    assert two.robots("a.test") is None


def test_a_site_pass_is_kept_for_every_worker_for_an_hour(redis_url: str, redis_prefix: str) -> None:
    one, two = frontier(redis_url, redis_prefix, "one"), frontier(redis_url, redis_prefix, "two")
    assert two.site_pass("http://www.nhc.gov.cn") is None
    one.keep_site_pass("http://www.nhc.gov.cn", b'{"cookies": {"__jsl_clearance_s": "1a2b"}}')
    assert two.site_pass("http://www.nhc.gov.cn") == b'{"cookies": {"__jsl_clearance_s": "1a2b"}}'
    assert two.site_pass("http://www.nhc.gov.cn:8080") is None
    ttl = one.client.ttl(f"{redis_prefix}:pass:http://www.nhc.gov.cn")
    assert 3500 < ttl <= PASS_TTL == 3600


def test_a_frontier_entry_starts_with_the_requests_host() -> None:
    request = Request("http://127.0.0.2:8080/wsjkw/index.shtml", meta={"source": "站点", SLOT: "t"})
    entry = encode_request(request, None)  # type: ignore[arg-type]
    assert entry.startswith(b"127.0.0.2:8080 ")
    again = decode_request(entry, None)  # type: ignore[arg-type]
    assert again.url == request.url and again.meta == {"source": "站点"}


def test_worker_help_has_an_example() -> None:
    result = CliRunner().invoke(worker, ["--help"])
    assert result.exit_code == 0 and "Example" in result.output, result.output
