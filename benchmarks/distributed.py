#!/usr/bin/env python3
"""Distributed-crawl benchmark: local ``hitmon worker`` processes on one Redis frontier and PostgreSQL.

    python benchmarks/distributed.py [--pages N] [--workers 1,2,3] [--db URL] [--redis URL]
    python benchmarks/distributed.py --latency [--sites 20] [--pages 40] [--delay 0.3] [--interval 0.5]
                                     [--concurrency 2] [--workers 1,2,4]

The default scenario is bound by CPU; ``--latency`` is bound by the sites' latency and politeness
(see ``run_latency`` below).

Serves ``generate_site(N)`` (benchmarks/generated_site.py) on 127.0.0.1 and, on a PostgreSQL database
whose public schema it empties before every run (give it a database of its own), crawls it:

1. ``python -m crawler`` (what ``hitmon crawl`` runs): the single-process reference;
2. for each worker count K: the frontier is seeded (``crawl_distributed``), K workers
   (``python -m crawler.distributed_main``) start at once, and the clock stops when the frontier is
   drained (every article committed); the workers then stop after a 2 s idle timeout, not counted.

Every run uses the same crawl settings (concurrency 32, AutoThrottle off); the reference extracts in a
pool of one process per core, and the K workers share the cores the same way (cores // K extraction
processes each, at least one: inline). Reported per run: articles stored, wall seconds, pages/s, and CPU
(user + sys of the run's processes, from the rusage of reaped children) as seconds and as cores busy.
On one machine the workers share its cores, so this measures the overhead of the Redis frontier more
than the scaling, which needs more hosts (see docs/operations.md).

``--latency``: ``--sites`` generated sites (``--pages`` articles each, a seed of their own), each on a
loopback address of its own (127.0.0.2, 127.0.0.3 ...: a host name of its own for Scrapy and for the
politeness slot), served by one asyncio server that answers every request after ``--delay`` seconds
without holding up the others. Each worker may have ``--concurrency`` requests in flight
(``crawl.concurrency``) and every host gets at most one request per ``--interval`` seconds over all the
workers (``distributed.domain_interval``, enforced in Redis). The K workers are started first (as
``hitmon worker --forever`` services are) and the clock runs from seeding to the frontier drained. A
worker is then bound by concurrency / delay pages per second, the crawl by sites / interval: the
benchmark checks that throughput grows with K while the server sees no host asked more often than the
interval allows (the smallest gap between two requests to one host, and the largest number of
requests to one host in any window of one interval).
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generated_site import LINK_PATTERN, LISTING_URL_PATH, generate_site, is_article_path
from benchmarks.slow_sites import SlowSites
from crawler.distributed import crawl_distributed, wait_drained
from hitmon.samplesite import serve_pages
from models.db import make_engine, session_factory, session_scope, upgrade_database
from models.schema import Article
from pipeline.config import DistributedSettings, Settings

IDLE_TIMEOUT = 2.0
# --latency: articles of 4-8 KB rather than 20-60 KB, so that extraction's CPU stays far below what the
# delay lets the workers fetch, even on a small shared machine: that scenario is about waiting.
LATENCY_PAGE_BYTES = (4_000, 8_000)
CRAWL_ENV = {
    "HITMON_CRAWL__CONCURRENCY": "32",
    "HITMON_CRAWL__CONCURRENCY_PER_DOMAIN": "32",
    "HITMON_CRAWL__AUTOTHROTTLE": "false",
    "HITMON_CRAWL__MAX_PAGES": "1000",
}


@dataclass(frozen=True)
class Result:
    name: str
    articles: int
    seconds: float
    cpu: float

    def row(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        cores = self.cpu / self.seconds if self.seconds else 0.0
        numbers = f"{self.articles:>8} {self.seconds:>8.1f} {rate:>8.1f} {self.cpu:>8.1f} {cores:>6.2f}"
        return f"{self.name:<20} {numbers}"


def fresh_database(db_url: str, site_url: str) -> None:
    """An empty, migrated schema holding the generated site's one source."""
    fresh_sources(db_url, [("江南省卫生健康委", site_url)], 1000)


def fresh_sources(db_url: str, sites: list[tuple[str, str]], max_pages: int) -> None:
    """An empty, migrated schema holding one listing source (name, base URL) per generated site."""
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_database(engine)
    engine.dispose()
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as sources:
        sources.write("sources:\n")
        for name, url in sites:
            sources.write(
                f"  - name: {name}\n    kind: listing\n    url: {url}{LISTING_URL_PATH}\n"
                f"    link_pattern: '{LINK_PATTERN}'\n    max_pages: {max_pages}\n"
            )
    load = [sys.executable, "-c", "from hitmon.cli import main; main()", "sources", "load", sources.name]
    subprocess.run(load, env=environment(db_url, ""), check=True, stdout=subprocess.DEVNULL)
    os.unlink(sources.name)


def environment(db_url: str, prefix: str, redis_url: str = "") -> dict[str, str]:
    env = {**os.environ, **CRAWL_ENV, "HITMON_DB": db_url, "HITMON_DISTRIBUTED__KEY_PREFIX": prefix or "x"}
    if redis_url:
        env["HITMON_DISTRIBUTED__REDIS_URL"] = redis_url
    return env


def stored(db_url: str) -> int:
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        count = session.scalar(select(func.count()).select_from(Article)) or 0
    engine.dispose()
    return count


@contextmanager
def worker_processes(
    count: int, env: dict[str, str], redis_url: str, prefix: str, *options: str
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` worker processes; any still running at the end is killed, and the frontier deleted."""
    command = [sys.executable, "-m", "crawler.distributed_main", *options]
    workers = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]
    try:
        yield workers
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_reference(db_url: str, site_url: str) -> Result:
    fresh_database(db_url, site_url)
    cpu, started = children_cpu(), time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "crawler", "--trigger", "manual"],
        env=environment(db_url, ""),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - started
    return Result("hitmon crawl", stored(db_url), seconds, children_cpu() - cpu)


def run_workers(db_url: str, site_url: str, redis_url: str, count: int) -> Result:
    fresh_database(db_url, site_url)
    prefix = f"hitmon-bench-{uuid.uuid4().hex[:8]}"
    settings = Settings(db=db_url, distributed=DistributedSettings(redis_url=redis_url, key_prefix=prefix))
    # Extraction processes over all workers ~ cores, as in the reference: K pools of one process per
    # core would spend the run loading the stages K times over on a machine that cannot run them at once.
    extract = max(1, (os.cpu_count() or 1) // count)
    env = {**environment(db_url, prefix, redis_url), "HITMON_CRAWL__EXTRACT_WORKERS": str(extract)}
    cpu, started = children_cpu(), time.monotonic()
    crawl_distributed(settings, wait=0)
    with worker_processes(count, env, redis_url, prefix, f"--idle-timeout={IDLE_TIMEOUT}") as workers:
        drained = wait_drained(settings, timeout=600, poll=0.1)
        seconds = time.monotonic() - started
        for worker in workers:
            worker.wait(timeout=120)
    if not drained.drained:
        raise SystemExit(f"{count} workers did not drain the frontier: {drained}")
    # CPU until the workers exit includes their idle wait, which costs next to nothing.
    return Result(f"{count} worker{'s' if count > 1 else ''}", stored(db_url), seconds, children_cpu() - cpu)


# The latency-bound scenario.


@dataclass(frozen=True)
class Politeness:
    """What the sites saw: requests per host and the gaps between two requests to one host."""

    requests: int
    host_rate: float  # requests/s to the busiest host, from its first request to its last
    smallest_gap: float  # seconds between two requests to one host, over every host
    short_gaps: int  # gaps under 0.9 x interval (a worker's own delays between taking the slot and sending)
    gaps: int
    steady_rate: float  # article pages/s between the 10th and the 90th percentile of their arrivals

    @classmethod
    def of(cls, sites: SlowSites, since: float, interval: float) -> Politeness:
        arrivals = sites.arrivals_since(since)
        gaps = [b - a for times in arrivals.values() for a, b in itertools.pairwise(times)]
        rates = [(len(times) - 1) / (times[-1] - times[0]) for times in arrivals.values() if len(times) > 1]
        articles = sorted(at for at, _, line in sites.log if at >= since and is_article_path(line.split()[1]))
        low, high = len(articles) // 10, len(articles) * 9 // 10
        steady = (high - low) / (articles[high] - articles[low]) if high > low else 0.0
        return cls(
            sum(len(times) for times in arrivals.values()),
            max(rates, default=0.0),
            min(gaps, default=0.0),
            sum(1 for gap in gaps if gap < 0.9 * interval),
            len(gaps),
            steady,
        )


def run_latency(args: argparse.Namespace, sites: SlowSites, count: int) -> tuple[Result, Politeness]:
    fresh_sources(args.db, [(f"站点{n:02d}", url) for n, url in enumerate(sites.urls)], args.pages + 100)
    prefix = f"hitmon-bench-{uuid.uuid4().hex[:8]}"
    distributed = DistributedSettings(redis_url=args.redis, key_prefix=prefix, domain_interval=args.interval)
    settings = Settings(db=args.db, distributed=distributed)
    env = {
        **environment(args.db, prefix, args.redis),
        "HITMON_CRAWL__CONCURRENCY": str(args.concurrency),
        "HITMON_CRAWL__CONCURRENCY_PER_DOMAIN": str(args.concurrency),
        "HITMON_CRAWL__DOWNLOAD_DELAY": "0",
        "HITMON_CRAWL__MAX_PAGES": str(args.pages + 100),
        "HITMON_CRAWL__EXTRACT_WORKERS": str(args.extract_workers),
        "HITMON_DISTRIBUTED__DOMAIN_INTERVAL": str(args.interval),
    }
    client = redis.Redis.from_url(args.redis)
    cpu = children_cpu()
    with worker_processes(count, env, args.redis, prefix, "--forever") as workers:
        # Started as services are: the clock runs from the seeding, once every worker is listening.
        deadline = time.monotonic() + 120
        while client.scard(f"{prefix}:workers") < count:
            if time.monotonic() > deadline or any(worker.poll() is not None for worker in workers):
                raise SystemExit(f"{count} workers did not start")
            time.sleep(0.05)
        started = time.monotonic()
        crawl_distributed(settings, wait=0)
        drained = wait_drained(settings, timeout=1800, poll=0.05)
        seconds = time.monotonic() - started
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=120)
    if not drained.drained:
        raise SystemExit(f"{count} workers did not drain the frontier: {drained}")
    name = f"{count} worker{'s' if count > 1 else ''}"
    politeness = Politeness.of(sites, started, args.interval)
    if args.show_gaps:
        last: dict[str, tuple[float, str]] = {}
        for at, host, line in sites.log:
            if at >= started and host in last and at - last[host][0] < args.interval * 0.9:
                print(f"  {host} {at - last[host][0]:.3f} s: {last[host][1]} -> {line}")
            last[host] = (at, line)
    return Result(name, stored(args.db), seconds, children_cpu() - cpu), politeness


def latency_main(args: argparse.Namespace) -> None:
    counts = [int(part) for part in (args.workers or "1,2,4").split(",")]
    generated = [
        generate_site(args.pages, seed=number, sizes=LATENCY_PAGE_BYTES) for number in range(args.sites)
    ]
    articles = sum(is_article_path(path) for site in generated for path in site)
    per_worker = args.concurrency / args.delay
    print(
        f"{args.sites} sites, {articles} articles; answers delayed {args.delay} s; {args.concurrency} "
        f"requests in flight per worker (<= {per_worker:.1f} pages/s a worker); one request per "
        f"{args.interval} s a host over all workers (<= {args.sites / args.interval:.0f} pages/s in all); "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'run':<10} {'articles':>8} {'seconds':>7} {'pages/s':>7} {'ratio':>5} {'steady/s':>8} "
        f"{'ratio':>5} {'cpu s':>6} {'requests':>8} {'host/s':>6} {'min gap':>7} {'short':>9} {'load':>5}"
    )
    first = first_steady = 0.0
    with SlowSites(generated, args.delay).running() as sites:
        for count in counts:
            result, polite = run_latency(args, sites, count)
            rate = result.articles / result.seconds
            first, first_steady = first or rate, first_steady or polite.steady_rate
            short = f"{polite.short_gaps}/{polite.gaps}"
            print(
                f"{result.name:<10} {result.articles:>8} {result.seconds:>7.1f} {rate:>7.1f} "
                f"{rate / first:>5.2f} {polite.steady_rate:>8.1f} {polite.steady_rate / first_steady:>5.2f} "
                f"{result.cpu:>6.1f} "
                f"{polite.requests:>8} {polite.host_rate:>6.2f} {polite.smallest_gap:>7.3f} {short:>9} "
                f"{os.getloadavg()[0]:>5.1f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, help="articles (per site with --latency); 300 / 40")
    parser.add_argument("--workers", help="worker counts: 1,2,3 (1,2,4 with --latency)")
    parser.add_argument(
        "--db",
        default=os.environ.get("HITMON_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1/hitmon_bench"),
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--latency", action="store_true", help="the latency- and politeness-bound scenario")
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds before each answer")
    parser.add_argument("--interval", type=float, default=0.5, help="distributed.domain_interval")
    parser.add_argument("--concurrency", type=int, default=2, help="crawl.concurrency of each worker")
    parser.add_argument(
        "--extract-workers", type=int, default=1, help="--latency: crawl.extract_workers (1: inline)"
    )
    parser.add_argument(
        "--show-gaps", action="store_true", help="list requests to a host closer than 0.9 x interval"
    )
    args = parser.parse_args()
    if args.latency:
        args.pages = args.pages or 40
        latency_main(args)
        return
    pages = generate_site(args.pages or 300)
    articles = sum(is_article_path(path) for path in pages)
    print(f"generated site: {articles} articles, {len(pages) - articles} other pages; {os.cpu_count()} cores")
    print(f"{'run':<20} {'articles':>8} {'seconds':>8} {'pages/s':>8} {'cpu s':>8} {'cores':>6}")
    with serve_pages(pages) as site:
        print(run_reference(args.db, site.base_url).row(), flush=True)
        for count in (int(part) for part in (args.workers or "1,2,3").split(",")):
            print(run_workers(args.db, site.base_url, args.redis, count).row(), flush=True)


if __name__ == "__main__":
    main()
