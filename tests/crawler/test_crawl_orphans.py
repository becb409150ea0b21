"""After kill -9 of the crawl's main process its extraction workers and the multiprocessing resource
tracker exit too, whichever way the crawl was started: `hitmon crawl`, the scheduler's subprocess, or a
distributed worker."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.generated_site import generate_site
from hitmon.samplesite import RunningServer, serve_pages
from tests.crawler.crash_harness import (
    descendants,
    environment,
    hitmon_command,
    listing_sources,
    pool_workers,
    prepare,
    still_alive,
    wait_for,
)

pytestmark = pytest.mark.slow
WORKERS_GONE_WITHIN = 30  # seconds; they poll their parent every half second


@pytest.fixture(scope="module")
def site() -> Iterator[RunningServer]:
    with serve_pages(generate_site(300)) as served:
        yield served


def assert_no_orphans(crawl_pid: int) -> None:
    """Kill the crawl's main process alone (as the OOM killer does) and see every process it started go."""
    wait_for(lambda: len(pool_workers(crawl_pid)) == 2, "the extraction pool")
    left_behind = list(descendants(crawl_pid))
    assert any("resource_tracker" in line for line in descendants(crawl_pid).values())
    os.kill(crawl_pid, signal.SIGKILL)
    try:
        wait_for(lambda: not still_alive(left_behind), "the workers to exit", timeout=WORKERS_GONE_WITHIN)
    finally:
        for pid in still_alive(left_behind):
            os.kill(pid, signal.SIGKILL)


def log_file(folder: Path) -> object:
    return (folder / "crawl.log").open("wb")


def test_hitmon_crawl(site: RunningServer, tmp_path: Path) -> None:
    env = environment(f"sqlite:///{tmp_path / 'hitmon.db'}")
    prepare(env, listing_sources(site.base_url), tmp_path)
    crawl = subprocess.Popen(
        hitmon_command("crawl"), env=env, stderr=log_file(tmp_path), start_new_session=True
    )
    assert_no_orphans(crawl.pid)  # `hitmon crawl` replaced itself with the crawl: same pid
    crawl.wait(timeout=30)


def test_scheduler_subprocess(site: RunningServer, tmp_path: Path) -> None:
    env = environment(f"sqlite:///{tmp_path / 'hitmon.db'}")
    prepare(env, listing_sources(site.base_url), tmp_path)
    log = tmp_path / "scheduler.log"
    scheduler = subprocess.Popen(
        hitmon_command("schedule", "--once", "crawl"), env=env, stderr=log.open("wb"), start_new_session=True
    )
    try:
        started = re.compile(r"crawl started \(pid (\d+)\)")
        wait_for(lambda: started.search(log.read_text(errors="replace")) is not None, "the crawl subprocess")
        crawl_pid = int(started.search(log.read_text(errors="replace")).group(1))  # type: ignore[union-attr]
        assert_no_orphans(crawl_pid)
        assert scheduler.wait(timeout=60) == 1  # the crawl was killed: recorded as failed
    finally:
        if scheduler.poll() is None:
            os.killpg(scheduler.pid, signal.SIGKILL)


def test_distributed_worker(site: RunningServer, tmp_path: Path, redis_url: str, redis_prefix: str) -> None:
    env = environment(
        f"sqlite:///{tmp_path / 'hitmon.db'}",
        HITMON_DISTRIBUTED__REDIS_URL=redis_url,
        HITMON_DISTRIBUTED__KEY_PREFIX=redis_prefix,
    )
    prepare(env, listing_sources(site.base_url), tmp_path)
    seeded = subprocess.run(
        hitmon_command("crawl", "--distributed"), env=env, capture_output=True, timeout=120
    )
    assert seeded.returncode == 0, seeded.stderr
    worker = subprocess.Popen(
        [sys.executable, "-m", "crawler.distributed_main", "--idle-timeout", "30"],
        env=env,
        stderr=log_file(tmp_path),
        start_new_session=True,
    )
    assert_no_orphans(worker.pid)
    worker.wait(timeout=30)
