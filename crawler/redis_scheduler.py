"""Scrapy components over the Redis frontier (crawler.redis_frontier): a scheduler, a politeness middleware.

scrapy-redis 0.9's own Scheduler pops requests destructively (a worker killed mid-page loses them) and
keeps an unbounded fingerprint set, so only its request serialization is used here: requests are stored
exactly as its queues store them (``request.to_dict`` pickled by ``scrapy_redis.picklecompat``), after the
request's host and a space, which the frontier reads to pick requests whose host may be asked now.
"""

from __future__ import annotations

import asyncio
import itertools
import time

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from twisted.internet.base import DelayedCall
from twisted.internet.task import LoopingCall

from crawler.middlewares import LoopRecordingDupeFilter, SharedRobotsTxtMiddleware
from crawler.redis_frontier import BloomShape, Frontier
from pipeline.config import DistributedSettings

LEASE = "hitmon_lease"  # request meta: the request as popped, i.e. its entry in the processing list
SLOT = "hitmon_slot"  # request meta: the token of its host's politeness slot, taken when it was popped
POLL = 0.25  # seconds between looks at the frontier while this worker has nothing in flight


def frontier_for(settings: DistributedSettings, worker_id: str = "") -> Frontier:
    client = redis.Redis.from_url(settings.redis_url)
    bloom = BloomShape.for_capacity(settings.bloom_capacity, settings.bloom_error_rate)
    return Frontier(client, settings.key_prefix, bloom, worker_id)


def crawler_frontier(settings: BaseSettings) -> Frontier:
    return frontier_for(settings["HITMON_SETTINGS"].distributed, settings["HITMON_WORKER_ID"])


def slot_host(request: Request) -> str:
    """The host (and port) a politeness slot is kept for."""
    return urlparse_cached(request).netloc


def encode_request(request: Request, spider: Spider) -> bytes:
    """A frontier entry: the host, a space, the pickled request (without this worker's lease and slot)."""
    data = request.to_dict(spider=spider)
    data["meta"] = {key: value for key, value in data["meta"].items() if key not in (LEASE, SLOT)}
    return slot_host(request).encode() + b" " + picklecompat.dumps(data)


def decode_request(entry: bytes, spider: Spider) -> Request:
    return request_from_dict(picklecompat.loads(entry.split(b" ", 1)[1]), spider=spider)


class RedisScheduler:
    """The frontier is shared by every worker; a popped request stays in this worker's processing list
    until ``ack`` (its children queued, its article stored or dropped), so a killed worker loses nothing."""

    def __init__(self, crawler: Crawler, frontier: Frontier):
        self.crawler, self.frontier = crawler, frontier
        distributed = crawler.settings["HITMON_SETTINGS"].distributed
        self.alive_ttl = distributed.alive_ttl
        self.interval = distributed.domain_interval
        self.tokens = itertools.count()
        self.wake: DelayedCall | None = None  # when the first busy host is free again
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
        if self.wake is not None and self.wake.active():
            self.wake.cancel()
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
        token = None
        if self.interval > 0:
            # Only a request whose host may be asked now: one waiting for its host would hold one of this
            # worker's concurrency slots idle while requests to free hosts wait behind it.
            token = self.frontier.slot_token(next(self.tokens))
            data, wait = self.frontier.pop_polite(self.interval, token)
            if data is None and wait > 0:
                self._wake_in(wait)
        else:
            data = self.frontier.pop()
        if data is None:
            return None
        self.last_active = time.monotonic()
        assert self.spider is not None
        request = decode_request(data, self.spider)
        request.meta[LEASE] = data
        if token is not None:
            request.meta[SLOT] = token
        return request

    def _wake_in(self, seconds: float) -> None:
        """Ask the engine for requests again when a host is free, rather than at the next poll."""
        from twisted.internet import reactor  # the one Scrapy installed: importing it earlier installs one

        if self.wake is None or not self.wake.active():
            self.wake = reactor.callLater(seconds, self._wake_engine)  # type: ignore[attr-defined]

    def on_idle(self) -> None:
        """Wait while any worker has work queued or in flight (it may queue more, or die and have its
        requests requeued), then for ``idle_timeout`` seconds more."""
        if not self.frontier.drained():
            self.last_active = time.monotonic()
            raise DontCloseSpider
        if self.idle_timeout is None or time.monotonic() - self.last_active < self.idle_timeout:
            raise DontCloseSpider


class DomainSlotMiddleware:
    """At most one request per ``distributed.domain_interval`` seconds to a host across every worker. A
    request popped with its host's slot (RedisScheduler) restarts the slot now, just before it is sent;
    any other (robots.txt, or a request whose slot expired before it got here) takes the host's slot in
    Redis, waiting for it when another request holds it. The robots.txt fetch a popped request waits for
    goes in that request's place, which then waits one interval more."""

    def __init__(self, frontier: Frontier, interval: float):
        self.frontier, self.interval = frontier, interval

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DomainSlotMiddleware:
        interval = crawler.settings["HITMON_SETTINGS"].distributed.domain_interval
        return cls(crawler_frontier(crawler.settings), interval)

    async def process_request(self, request: Request) -> None:
        if self.interval <= 0:
            return
        host = slot_host(request)
        token = request.meta.get(SLOT)
        if token is not None and self.frontier.renew_slot(host, token, self.interval):
            return
        while wait := self.frontier.take_slot(host, self.interval):
            await asyncio.sleep(wait)


class FrontierRobotsTxtMiddleware(SharedRobotsTxtMiddleware):
    """robots.txt fetched once per crawl for every worker: the first worker to need a site's file keeps
    its body in Redis, the others parse that copy. Fetched by each of K workers, it would cost the site
    K requests, and each fetch holds the site's politeness slot and one of its worker's request slots."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.frontier = crawler_frontier(crawler.settings)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        host = slot_host(request)
        if host not in self._parsers and (body := self.frontier.robots(host)) is not None:
            self._parsers[host] = build_from_crawler(self._parserimpl, self.crawler, body)
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        # Scrapy's own step from a fetched robots.txt to its parser: the one place that sees the body.
        self.frontier.keep_robots(netloc, response.body)
        await super()._parse_robots(response, netloc, request)
