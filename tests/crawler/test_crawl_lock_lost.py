"""PostgreSQL crawl lock across a dropped connection (issue 18.6): the server frees an advisory lock with
its session, so a crawl whose lock connection drops re-takes the lock when it is free, and stops cleanly
(``interrupted``, one line, no traceback) when another crawl took it meanwhile."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from benchmarks.generated_site import generate_site, is_article_path
from hitmon.samplesite import RunningServer, serve_pages
from models.db import make_engine
from pipeline.ops.crawl_lock import ADVISORY_KEY
from tests.crawler.crash_harness import (
    crawl_command,
    environment,
    listing_sources,
    prepare,
    runs,
    stored,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
LOCK_HOLDER = text(
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = :high AND objid = :low"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
KEY = {"high": ADVISORY_KEY >> 32, "low": ADVISORY_KEY & 0xFFFFFFFF}


@pytest.fixture
def site() -> Iterator[tuple[RunningServer, int]]:
    pages = generate_site(300)
    with serve_pages(pages) as served:
        yield served, sum(is_article_path(path) for path in pages)


def start(env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(crawl_command(), env=env, stderr=(folder / "crawl.log").open("wb"))


def drop_lock_connection(admin: Connection) -> int:
    """Terminate the backend holding the crawl lock, as a network cut or a restarted pooler would."""
    holder = admin.scalar(LOCK_HOLDER, KEY)
    assert holder, "nobody holds the crawl lock"
    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": holder})
    return int(holder)


def test_a_dropped_lock_connection_is_re_taken_when_free(
    postgres_url: str, site: tuple[RunningServer, int], tmp_path: Path
) -> None:
    served, total = site
    env = environment(postgres_url, HITMON_SCHEDULE__STALE_LOCK="3")  # a lock check every second
    prepare(env, listing_sources(served.base_url), tmp_path)
    admin_engine = make_engine(postgres_url)
    crawl = start(env, tmp_path)
    with admin_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
        wait_for(lambda: stored(postgres_url)[0] >= 20, "20 articles stored")
        dropped = drop_lock_connection(admin)
        wait_for(
            lambda: admin.scalar(LOCK_HOLDER, KEY) not in (None, dropped), "the lock re-taken", timeout=60
        )
    crawl.wait(timeout=300)
    admin_engine.dispose()
    log = (tmp_path / "crawl.log").read_text(errors="replace")
    assert crawl.returncode == 0, log
    assert "lock re-taken" in log
    assert stored(postgres_url) == (total, total)
    assert runs(postgres_url)[-1][0] == "finished"


def test_a_crawl_whose_lock_was_taken_stops_cleanly_and_the_next_resumes(
    postgres_url: str, site: tuple[RunningServer, int], tmp_path: Path
) -> None:
    served, total = site
    env = environment(postgres_url, HITMON_SCHEDULE__STALE_LOCK="3")
    prepare(env, listing_sources(served.base_url), tmp_path)
    admin_engine = make_engine(postgres_url)
    crawl = start(env, tmp_path)
    with admin_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
        wait_for(lambda: stored(postgres_url)[0] >= 20, "20 articles stored")
        drop_lock_connection(admin)
        admin.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_KEY})  # a second crawl takes it
        crawl.wait(timeout=300)
        admin.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
    admin_engine.dispose()
    log = (tmp_path / "crawl.log").read_text(errors="replace")
    kept, _ = stored(postgres_url)
    assert kept < total, "the crawl finished before losing its lock"
    assert crawl.returncode == 3, log
    assert "Traceback" not in log
    status, error, _ = runs(postgres_url)[-1]
    assert status == "interrupted" and error.startswith("lost the crawl lock")  # type: ignore[union-attr]

    again = subprocess.run(crawl_command(), env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert stored(postgres_url) == (total, total)
