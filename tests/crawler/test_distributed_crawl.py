"""Several `hitmon worker` processes share one Redis frontier and one PostgreSQL database: every article
page is fetched once and stored once, a worker killed mid-crawl loses nothing, and the per-domain
interval holds over all the workers."""

from __future__ import annotations

import itertools
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from benchmarks.generated_site import LINK_PATTERN, LISTING_URL_PATH, generate_site, is_article_path
from benchmarks.slow_sites import SlowSites
from crawler.distributed import crawl_distributed
from hitmon.samplesite import (
    RunningServer,
    load_sample_articles,
    serve_pages,
    serve_sample_site,
    sources_yaml,
)
from models.db import make_engine, session_factory, session_scope
from models.schema import Article, CrawlRun
from pipeline.config import DistributedSettings, Settings

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
SAMPLE_ARTICLE_DIRS = ("/wsjkw/xxgk/gzdt/2018", "/wechat/s/", "/hit/3")
IDLE_TIMEOUT = "3"
DRAIN_WAIT = float(os.environ.get("HITMON_TEST_DRAIN_WAIT", 240))


def hitmon_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from hitmon.cli import main; main()", *args]


def environment(db_url: str, redis_url: str, prefix: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "HITMON_DB": db_url,
        "HITMON_DISTRIBUTED__REDIS_URL": redis_url,
        "HITMON_DISTRIBUTED__KEY_PREFIX": prefix,
        "HITMON_CRAWL__EXTRACT_WORKERS": "1",  # inline: three workers on two cores need no pools
        "HITMON_CRAWL__AUTOTHROTTLE": "false",
        **extra,
    }


def prepare(env: dict[str, str], sources: str, folder: Path) -> None:
    path = folder / "sources.yaml"
    path.write_text(sources, encoding="utf-8")
    for args in (("db", "upgrade"), ("sources", "load", str(path))):
        done = subprocess.run(hitmon_command(*args), env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr


@contextmanager
def workers(env: dict[str, str], count: int, folder: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` workers, each in a process group of its own; any still running at the end is killed."""
    started = []
    for number in range(count):
        log = (folder / f"worker{number}.log").open("wb")
        started.append(
            subprocess.Popen(
                # What `hitmon worker --idle-timeout S` replaces itself with.
                [sys.executable, "-m", "crawler.distributed_main", "--idle-timeout", IDLE_TIMEOUT],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def settings_for(db_url: str, redis_url: str, prefix: str) -> Settings:
    return Settings(db=db_url, distributed=DistributedSettings(redis_url=redis_url, key_prefix=prefix))


def stored_articles(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        rows = session.scalar(select(func.count()).select_from(Article)) or 0
        distinct = session.scalar(select(func.count(func.distinct(Article.url)))) or 0
    engine.dispose()
    return rows, distinct


def worker_runs(db_url: str) -> list[CrawlRun]:
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
        for run in runs:
            _ = run.sources
        session.expunge_all()
    engine.dispose()
    return runs


def article_fetches(site: RunningServer, is_article: object) -> Counter[str]:
    return Counter(
        record.path
        for record in site.requests.records()
        if record.method == "GET" and record.status == 200 and is_article(record.path)  # type: ignore[operator]
    )


def held(redis_url: str, prefix: str, pid: int) -> int:
    """Requests in the processing list of the worker with this pid (worker ids are host:pid:random)."""
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:processing:*:{pid}:*"))
    count = sum(int(client.llen(key)) for key in keys)
    client.close()
    return count


def busiest(
    started: list[subprocess.Popen[bytes]], redis_url: str, prefix: str, db_url: str
) -> subprocess.Popen[bytes]:
    """Once some articles are stored, the worker holding the most requests (any may have been starved)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if stored_articles(db_url)[0] >= 30:
            holding = max(started, key=lambda process: held(redis_url, prefix, process.pid))
            if held(redis_url, prefix, holding.pid) >= 2:
                return holding
        time.sleep(0.1)
    raise AssertionError("no worker held requests after 30 articles were stored")


def finish(started: list[subprocess.Popen[bytes]], folder: Path) -> None:
    for number, process in enumerate(started):
        if process.poll() is None:
            process.wait(timeout=60)  # idle timeout plus at most one engine heartbeat (5 s)
        log = (folder / f"worker{number}.log").read_text(errors="replace")
        assert process.returncode in (0, -signal.SIGKILL), log


def test_three_workers_fetch_and_store_every_sample_article_once(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    env = environment(postgres_url, redis_url, redis_prefix)
    total = len(load_sample_articles())
    with serve_sample_site() as site:
        prepare(env, sources_yaml(site.base_url), tmp_path)
        with workers(env, 3, tmp_path) as started:
            seeding = hitmon_command("crawl", "--distributed", "--wait-drained", str(DRAIN_WAIT))
            done = subprocess.run(seeding, env=env, capture_output=True, text=True, timeout=DRAIN_WAIT + 60)
            assert done.returncode == 0, done.stderr
            assert "seeded 4 start requests; frontier drained" in done.stderr
            finish(started, tmp_path)
        fetched = article_fetches(site, lambda path: path.startswith(SAMPLE_ARTICLE_DIRS))
    assert len(fetched) == total and set(fetched.values()) == {1}, fetched.most_common(3)
    assert stored_articles(postgres_url) == (total, total)
    runs = worker_runs(postgres_url)
    assert [run.trigger for run in runs] == ["worker"] * 3
    assert all(run.status == "finished" for run in runs)
    assert sum(run.stats["new_articles"] for run in runs) == total


def test_a_worker_that_starts_begins_no_crawl(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    """Only the seeding queues start requests: a worker started as a service at boot waits for it."""
    env = environment(postgres_url, redis_url, redis_prefix)
    with serve_sample_site() as site:
        prepare(env, sources_yaml(site.base_url), tmp_path)
        with workers(env, 1, tmp_path) as started:
            finish(started, tmp_path)  # idle for IDLE_TIMEOUT seconds, then it stops
        assert site.requests.records() == []
    assert stored_articles(postgres_url) == (0, 0)
    assert [(run.trigger, run.status) for run in worker_runs(postgres_url)] == [("worker", "finished")]
    assert redis.Redis.from_url(redis_url).exists(f"{redis_prefix}:frontier", f"{redis_prefix}:seen") == 0


def test_a_killed_worker_loses_and_duplicates_nothing_on_a_generated_site(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    pages = generate_site(300)
    total = sum(is_article_path(path) for path in pages)
    # Slow enough per worker that the victim is killed with requests in flight and articles unstored.
    env = environment(
        postgres_url,
        redis_url,
        redis_prefix,
        HITMON_DISTRIBUTED__ALIVE_TTL="3",  # the victim's requests are requeued 3 s after the kill
        HITMON_CRAWL__CONCURRENCY_PER_DOMAIN="2",
        HITMON_CRAWL__DOWNLOAD_DELAY="0.02",
        HITMON_CRAWL__STORE_BATCH="10",
        HITMON_CRAWL__MAX_PAGES="100",
    )
    with serve_pages(pages) as site:
        sources = (
            "sources:\n  - name: 江南省卫生健康委\n    kind: listing\n"
            f"    url: {site.base_url}{LISTING_URL_PATH}\n    link_pattern: '{LINK_PATTERN}'\n"
            "    max_pages: 100\n"
        )
        prepare(env, sources, tmp_path)
        report_settings = settings_for(postgres_url, redis_url, redis_prefix)
        with workers(env, 3, tmp_path) as started:
            crawl_distributed(report_settings, wait=0)  # seed only
            victim = busiest(started, redis_url, redis_prefix, postgres_url)
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait(timeout=30)
            assert held(redis_url, redis_prefix, victim.pid) >= 1, "the victim held no request when killed"
            assert stored_articles(postgres_url)[0] < total, "the crawl ended before the kill"
            report = crawl_distributed(report_settings, wait=DRAIN_WAIT)  # nothing new to seed: just waits
            assert report.drained, report
            finish(started, tmp_path)
        fetched = article_fetches(site, is_article_path)
    assert len(fetched) == total  # every article page reached, the killed worker's ones again
    assert stored_articles(postgres_url) == (total, total)
    assert held(redis_url, redis_prefix, victim.pid) == 0  # its requests went back to the frontier
    runs = worker_runs(postgres_url)
    assert [run.status for run in runs].count("finished") == 2  # the victim's run stays "running"


def test_workers_ask_each_host_no_more_often_than_the_domain_interval(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    interval, per_site = 0.4, 12
    env = environment(
        postgres_url,
        redis_url,
        redis_prefix,
        HITMON_DISTRIBUTED__DOMAIN_INTERVAL=str(interval),
        HITMON_CRAWL__CONCURRENCY="8",  # without the shared slot, 2 workers x 4 requests to one host at once
        HITMON_CRAWL__CONCURRENCY_PER_DOMAIN="4",
    )
    sites = SlowSites([generate_site(per_site, seed=number) for number in range(2)], delay=0.05)
    with sites.running():
        sources = "sources:\n" + "".join(
            f"  - name: 站点{number}\n    kind: listing\n    url: {url}{LISTING_URL_PATH}\n"
            f"    link_pattern: '{LINK_PATTERN}'\n"
            for number, url in enumerate(sites.urls)
        )
        prepare(env, sources, tmp_path)
        with workers(env, 2, tmp_path) as started:
            report = crawl_distributed(settings_for(postgres_url, redis_url, redis_prefix), wait=DRAIN_WAIT)
            assert report.drained, report
            finish(started, tmp_path)
        arrivals = sites.arrivals_since(0)
        robots = Counter(host for _, host, line in sites.log if line.startswith("GET /robots.txt "))
    assert robots == dict.fromkeys(arrivals, 1)  # fetched by one worker, shared with the other
    assert stored_articles(postgres_url) == (2 * per_site, 2 * per_site)
    runs = worker_runs(postgres_url)
    assert all(run.stats["new_articles"] > 0 for run in runs), "one worker did all the work"
    for host, times in arrivals.items():
        assert len(times) == per_site + 2, host  # robots.txt, the listing, the articles
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        # A request's slot is restarted just before it is sent; the server sees it a few ms later, by
        # more on a loaded machine (up to a few tenths of a second at load 10 on 2 cores), so a gap may
        # come out short of the interval. Without the shared slot most gaps are near 0 (2 ms apart).
        assert min(gaps) > interval * 0.05, (host, sorted(gaps)[:3])
        assert statistics.median(gaps) >= interval * 0.9, (host, sorted(gaps))
        assert times[-1] - times[0] >= interval * (len(times) - 1) * 0.95, host
