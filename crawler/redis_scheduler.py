"""Scrapy components over the Redis frontier (crawler.redis_frontier): a scheduler, a politeness middleware.

scrapy-redis 0.9's own Scheduler pops requests destructively (a worker killed mid-page loses them) and
keeps an unbounded fingerprint set, so only its request serialization is used here: requests are stored
exactly as its queues store them (``request.to_dict`` pickled by ``scrapy_redis.picklecompat``).
"""

from __future__ import annotations

import asyncio
import time

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from twisted.internet.task import LoopingCall

from crawler.middlewares import LoopRecordingDupeFilter
from crawler.redis_frontier import BloomShape, Frontier
from pipeline.config import DistributedSettings

LEASE = "hitmon_lease"  # request meta: the request as popped, i.e. its entry in the processing list
POLL = 0.25  # seconds between looks at the frontier while this worker has nothing in flight


def frontier_for(settings: DistributedSettings, worker_id: str = "") -> Frontier:
    client = redis.Redis.from_url(settings.redis_url)
    bloom = BloomShape.for_capacity(settings.bloom_capacity, settings.bloom_error_rate)
    return Frontier(client, settings.key_prefix, bloom, worker_id)


def crawler_frontier(settings: BaseSettings) -> Frontier:
    return frontier_for(settings["HITMON_SETTINGS"].distributed, settings["HITMON_WORKER_ID"])


def encode_request(request: Request, spider: Spider) -> bytes:
    data = request.to_dict(spider=spider)
    data["meta"] = {key: value for key, value in data["meta"].items() if key != LEASE}
    return picklecompat.dumps(data)


def decode_request(data: bytes, spider: Spider) -> Request:
    return request_from_dict(picklecompat.loads(data), spider=spider)


class RedisScheduler:
    """The frontier is shared by every worker; a popped request stays in this worker's processing list
    until ``ack`` (its children queued, its article stored or dropped), so a killed worker loses nothing."""

    def __init__(self, crawler: Crawler, frontier: Frontier):
        self.crawler, self.frontier = crawler, frontier
        distributed = crawler.settings["HITMON_SETTINGS"].distributed
        self.alive_ttl = distributed.alive_ttl
        self.idle_timeout: float | None = crawler.settings["HITMON_IDLE_TIMEOUT"]  # None: run forever
        self.last_active = time.monotonic()
        self.dupes = LoopRecordingDupeFilter.from_crawler(crawler)  # only for its log of redirect loops
        self.beat = LoopingCall(self._beat)
        self.poll = LoopingCall(self._wake_engine)
        self.spider: Spider | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler = cls(crawler, crawler_frontier(crawler.settings))
        crawler.signals.connect(scheduler.on_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self._beat()
        self.beat.start(self.alive_ttl / 3, now=False)
        self.poll.start(POLL, now=False)

    def close(self, reason: str) -> None:
        for loop in (self.beat, self.poll):
            if loop.running:
                loop.stop()
        self.frontier.leave()

    def _wake_engine(self) -> None:
        """An idle engine asks its scheduler again only every 5 s; other workers' requests (and the idle
        timeout) should be seen sooner. Scrapy has no public call for this, hence its slot's own one."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def _beat(self) -> None:
        self.frontier.heartbeat(self.alive_ttl)
        self.frontier.reap_dead()

    def has_pending_requests(self) -> bool:
        return self.frontier.queued() > 0

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.pop(LEASE, None)  # a retry or a redirect replaces the request it came from
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
        if not request.dont_filter and self.frontier.add_seen(fingerprint):
            assert self.spider is not None
            self.dupes.log(request, self.spider)
            if lease is not None:
                self.frontier.ack(lease)
            return False
        assert self.spider is not None
        self.frontier.push(encode_request(request, self.spider), replaces=lease)
        return True

    def next_request(self) -> Request | None:
        data = self.frontier.pop()
        if data is None:
            return None
        self.last_active = time.monotonic()
        assert self.spider is not None
        request = decode_request(data, self.spider)
        request.meta[LEASE] = data
        return request

    def on_idle(self) -> None:
        """Wait while any worker has work queued or in flight (it may queue more, or die and have its
        requests requeued), then for ``idle_timeout`` seconds more."""
        if not self.frontier.drained():
            self.last_active = time.monotonic()
            raise DontCloseSpider
        if self.idle_timeout is None or time.monotonic() - self.last_active < self.idle_timeout:
            raise DontCloseSpider


class DomainSlotMiddleware:
    """At most one request per ``distributed.domain_interval`` seconds to a host across every worker: each
    request first takes the host's slot in Redis (SET NX PX), waiting for it when another worker holds it."""

    def __init__(self, frontier: Frontier, interval: float):
        self.frontier, self.interval = frontier, interval

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DomainSlotMiddleware:
        interval = crawler.settings["HITMON_SETTINGS"].distributed.domain_interval
        return cls(crawler_frontier(crawler.settings), interval)

    async def process_request(self, request: Request) -> None:
        if self.interval <= 0:
            return
        host = urlparse_cached(request).netloc
        while wait := self.frontier.take_slot(host, self.interval):
            await asyncio.sleep(wait)
