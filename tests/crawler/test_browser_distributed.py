"""A `hitmon worker` of a distributed crawl gets through JavaScript challenges as the single crawl does:
each worker runs its own browser; every article is stored once, never a challenge page; a site one
worker cleared is sent plainly by the others, with the pass it kept in Redis."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.crawler.challenge_site import listing_source, serve_challenge_site
from tests.crawler.test_browser import (
    assert_every_article_and_nothing_else,
    environment,
    hitmon_command,
    outcomes,
    prepare,
    run,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def test_a_worker_crawls_challenged_sources_through_its_browser(
    chromium: Path,
    postgres_url: str,
    redis_url: str,
    redis_prefix: str,
    tmp_path: Path,
) -> None:
    env = environment(
        postgres_url,
        HITMON_BROWSER__EXECUTABLE=str(chromium),
        HITMON_DISTRIBUTED__REDIS_URL=redis_url,
        HITMON_DISTRIBUTED__KEY_PREFIX=redis_prefix,
    )
    with (
        serve_challenge_site(articles=7, rechallenge_after=4) as fickle,
        serve_challenge_site(articles=4, script_listing=True) as scripted,
        serve_challenge_site(articles=2, never_clears=True) as wall,
    ):
        sources = (
            listing_source("再挑战卫健委", fickle)
            + listing_source("脚本列表卫健委", scripted, render="always")
            + listing_source("永不放行卫健委", wall)
        )
        prepare(env, sources, tmp_path)
        crawl_with_one_worker(env, tmp_path / "worker.log")
    found = outcomes(postgres_url)
    assert_every_article_and_nothing_else(found["再挑战卫健委"], fickle)
    assert found["再挑战卫健委"].health == "ok" and found["再挑战卫健委"].browser_pages >= 2
    assert fickle.served["plain"] >= 3  # handed back between the challenges
    assert_every_article_and_nothing_else(found["脚本列表卫健委"], scripted)
    assert found["永不放行卫健委"].titles == {} and found["永不放行卫健委"].health == "blocked"
    assert "did not clear in the browser" in (found["永不放行卫健委"].reason or "")


def test_a_site_one_worker_cleared_goes_out_plainly_from_the_next(
    chromium: Path,
    postgres_url: str,
    redis_url: str,
    redis_prefix: str,
    tmp_path: Path,
) -> None:
    env = environment(
        postgres_url,
        HITMON_BROWSER__EXECUTABLE=str(chromium),
        HITMON_DISTRIBUTED__REDIS_URL=redis_url,
        HITMON_DISTRIBUTED__KEY_PREFIX=redis_prefix,
    )
    with serve_challenge_site(articles=4) as site:
        prepare(env, listing_source("国家卫健委", site), tmp_path)
        crawl_with_one_worker(env, tmp_path / "first.log")
        cleared_by_first = site.served["browser"]
        rendered_by_first = outcomes(postgres_url)["国家卫健委"].browser_pages
        assert 1 <= cleared_by_first <= 3 and rendered_by_first >= 1

        # The next night, another worker (a process with no browser started, no cookies of its own) finds
        # the pass in Redis: the listing and two new articles go out plainly, Chromium is never started.
        site.articles = 6
        plain_before = site.served["plain"]
        crawl_with_one_worker(env, tmp_path / "second.log")
        assert site.served["browser"] == cleared_by_first
        assert site.served["plain"] >= plain_before + 3
    found = outcomes(postgres_url)["国家卫健委"]
    assert_every_article_and_nothing_else(found, site)
    assert found.browser_pages == rendered_by_first  # the second worker rendered nothing


def crawl_with_one_worker(env: dict[str, str], log_path: Path) -> None:
    """Seed the frontier and let one `hitmon worker` process crawl it until drained."""
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "crawler.distributed_main", "--idle-timeout", "3"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            seeded = run(hitmon_command("crawl", "--distributed", "--wait-drained", "180"), env, 240)
            assert seeded.returncode == 0, seeded.stderr
            assert "frontier drained" in seeded.stderr
            assert worker.wait(timeout=120) == 0, log_path.read_text(errors="replace")
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
