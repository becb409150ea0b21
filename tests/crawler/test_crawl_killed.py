"""A crawl killed outright, stopped by a signal or robbed of its extraction workers keeps what it
committed, says it did not finish, and the next crawl stores the rest, nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from benchmarks.generated_site import LISTING_URL_PATH, generate_site, is_article_path
from hitmon.samplesite import (
    RunningServer,
    load_sample_articles,
    serve_pages,
    serve_sample_site,
    sources_yaml,
)
from models.db import make_engine, session_factory, session_scope
from models.schema import CrawlRun
from tests.crawler.crash_harness import (
    crawl_command,
    environment,
    listing_sources,
    pool_workers,
    prepare,
    runs,
    stored,
    validator_urls,
    wait_for,
)

pytestmark = pytest.mark.slow
SLOW = {
    "HITMON_CRAWL__DOWNLOAD_DELAY": "0.15",
    "HITMON_CRAWL__CONCURRENCY_PER_DOMAIN": "1",
    "HITMON_CRAWL__AUTOTHROTTLE": "false",
    "HITMON_CRAWL__STORE_BATCH": "3",
}


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from hitmon.cli import main; main()", *args]


def test_sigkill_mid_crawl_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'killed.db'}"
    env = {**os.environ, "HITMON_DB": db_url, **SLOW}
    total = len(load_sample_articles())
    with serve_sample_site() as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(sources_yaml(site.base_url), encoding="utf-8")
        subprocess.run(command("db", "upgrade"), env=env, check=True, capture_output=True)
        subprocess.run(command("sources", "load", str(sources)), env=env, check=True, capture_output=True)
        crawl = subprocess.Popen(
            command("crawl"),
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while stored(db_url)[0] < 6 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.2)
        os.killpg(crawl.pid, signal.SIGKILL)  # the crawl and its extraction workers
        crawl.wait(timeout=30)
        kept, _ = stored(db_url)
        assert 6 <= kept < total, "the crawl was not killed half-way"

        again = subprocess.run(
            command("crawl"),
            env={**env, "HITMON_CRAWL__DOWNLOAD_DELAY": "0"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert again.returncode == 0, again.stderr
    assert stored(db_url) == (total, total)
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
        assert [run.status for run in runs] == ["abandoned", "finished"]
        assert runs[1].stats["new_articles"] == total - kept
    engine.dispose()


# --- issue 17: a worker killed by the OOM killer, a SIGTERM: the crawl says so and the next one resumes ---


@pytest.fixture
def generated_site() -> Iterator[tuple[RunningServer, int]]:
    pages = generate_site(300)
    with serve_pages(pages) as site:
        yield site, sum(is_article_path(path) for path in pages)


def start_crawl(env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    log = (folder / "crawl.log").open("wb")  # a file, not a pipe nobody reads until the end
    return subprocess.Popen(crawl_command(), env=env, stderr=log, start_new_session=True)


def crawl_again(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    fast = {**env, "HITMON_CRAWL__DOWNLOAD_DELAY": "0"}
    return subprocess.run(crawl_command(), env=fast, capture_output=True, text=True, timeout=300)


def test_killed_extraction_workers_are_replaced_and_nothing_is_lost(
    db_url: str, generated_site: tuple[RunningServer, int], tmp_path: Path
) -> None:
    site, total = generated_site
    env = environment(db_url)
    prepare(env, listing_sources(site.base_url), tmp_path)
    crawl = start_crawl(env, tmp_path)
    wait_for(lambda: stored(db_url)[0] >= 40 and len(pool_workers(crawl.pid)) == 2, "two workers, 40 stored")
    victims = pool_workers(crawl.pid)
    for pid in victims:  # as the OOM killer would
        os.kill(pid, signal.SIGKILL)
    crawl.wait(timeout=300)
    errors = (tmp_path / "crawl.log").read_text(errors="replace")
    assert stored(db_url)[0] > 40, "the crawl ended at the kill"
    assert crawl.returncode == 0, errors
    assert runs(db_url)[-1][0] == "finished"
    assert not set(victims) & set(pool_workers(crawl.pid))
    assert stored(db_url) == (total, total)

    again = crawl_again(env)
    assert again.returncode == 0, again.stderr
    assert stored(db_url) == (total, total)
    assert runs(db_url)[-1][2]["not_modified"] >= 1  # the listings were complete: asked conditionally


def test_sigterm_interrupts_the_crawl_and_the_next_one_resumes(
    db_url: str, generated_site: tuple[RunningServer, int], tmp_path: Path
) -> None:
    site, total = generated_site
    env = environment(db_url)
    prepare(env, listing_sources(site.base_url), tmp_path)
    crawl = start_crawl(env, tmp_path)
    wait_for(lambda: stored(db_url)[0] >= 40, "40 articles stored")
    crawl.send_signal(signal.SIGTERM)  # systemd stop, a deploy
    crawl.wait(timeout=300)
    errors = (tmp_path / "crawl.log").read_text(errors="replace")
    kept, _ = stored(db_url)
    assert kept < total, "the crawl finished before the signal"
    assert crawl.returncode == 3, errors
    assert "crawl interrupted" in errors and "Traceback" not in errors
    status, error, stats = runs(db_url)[-1]
    assert status == "interrupted" and error
    assert stats["new_articles"] == kept
    assert f"{site.base_url}{LISTING_URL_PATH}" not in validator_urls(db_url)  # read again next time

    again = crawl_again(env)
    assert again.returncode == 0, again.stderr
    assert stored(db_url) == (total, total)
    assert runs(db_url)[-1][0] == "finished"
    assert runs(db_url)[-1][2]["new_articles"] == total - kept
