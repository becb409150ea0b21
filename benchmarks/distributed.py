#!/usr/bin/env python3
"""Distributed-crawl benchmark: 1, 2 and 3 local ``hitmon worker`` processes against one ``hitmon crawl``.

    python benchmarks/distributed.py [--pages N] [--workers 1,2,3] [--db URL] [--redis URL]

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
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import redis
from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generated_site import LINK_PATTERN, LISTING_URL_PATH, generate_site, is_article_path
from crawler.distributed import crawl_distributed, wait_drained
from hitmon.samplesite import serve_pages
from models.db import make_engine, session_factory, session_scope, upgrade_database
from models.schema import Article
from pipeline.config import DistributedSettings, Settings

IDLE_TIMEOUT = 2.0
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
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_database(engine)
    engine.dispose()
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as sources:
        sources.write(
            "sources:\n  - name: 江南省卫生健康委\n    kind: listing\n"
            f"    url: {site_url}{LISTING_URL_PATH}\n    link_pattern: '{LINK_PATTERN}'\n"
            "    max_pages: 1000\n"
        )
    hitmon = [sys.executable, "-c", "from hitmon.cli import main; main()"]
    load = [*hitmon, "sources", "load", sources.name]
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
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "crawler.distributed_main", f"--idle-timeout={IDLE_TIMEOUT}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    try:
        drained = wait_drained(settings, timeout=600, poll=0.1)
        seconds = time.monotonic() - started
        for worker in workers:
            worker.wait(timeout=120)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    if not drained.drained:
        raise SystemExit(f"{count} workers did not drain the frontier: {drained}")
    # CPU until the workers exit includes their idle wait, which costs next to nothing.
    return Result(f"{count} worker{'s' if count > 1 else ''}", stored(db_url), seconds, children_cpu() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument(
        "--db",
        default=os.environ.get("HITMON_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1/hitmon_bench"),
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    pages = generate_site(args.pages)
    articles = sum(is_article_path(path) for path in pages)
    print(f"generated site: {articles} articles, {len(pages) - articles} other pages; {os.cpu_count()} cores")
    print(f"{'run':<20} {'articles':>8} {'seconds':>8} {'pages/s':>8} {'cpu s':>8} {'cores':>6}")
    with serve_pages(pages) as site:
        print(run_reference(args.db, site.base_url).row(), flush=True)
        for count in (int(part) for part in args.workers.split(",")):
            print(run_workers(args.db, site.base_url, args.redis, count).row(), flush=True)


if __name__ == "__main__":
    main()
