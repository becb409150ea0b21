"""A full disk mid-crawl (issue 18.1): the batch that could not be committed fails its pages, each an
error against its source, the run is ``interrupted`` and keeps the listings' validators unsaved, so the
next crawl, with room again, stores every article exactly once.

The disk fills for real as far as SQLite can tell: every connection of the crawl process is capped with
``PRAGMA max_page_count`` a little above the file's size, which makes SQLite answer "database or disk is
full" exactly as on a full filesystem (a tmpfs mount would need privileges CI does not have)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.generated_site import LISTING_URL_PATH, generate_site, is_article_path
from hitmon.samplesite import RunningServer, serve_pages
from tests.crawler.crash_harness import (
    crawl_command,
    environment,
    listing_sources,
    prepare,
    runs,
    stored,
    validator_urls,
)

pytestmark = pytest.mark.slow
HEADROOM_PAGES = 250  # of 4 KB: room for a few dozen articles, not for 300
FULL_DISK_CRAWL = f"""
import sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

@event.listens_for(Engine, "connect")
def fill_up_soon(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    pages = cursor.execute("PRAGMA page_count").fetchone()[0]
    cursor.execute(f"PRAGMA max_page_count = {{pages + {HEADROOM_PAGES}}}")
    cursor.close()

from crawler.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def site() -> Iterator[tuple[RunningServer, int]]:
    pages = generate_site(300)
    with serve_pages(pages) as served:
        yield served, sum(is_article_path(path) for path in pages)


def test_a_full_disk_interrupts_the_crawl_and_loses_nothing(
    site: tuple[RunningServer, int], tmp_path: Path
) -> None:
    served, total = site
    db_url = f"sqlite:///{tmp_path / 'hitmon.db'}"
    env = environment(db_url, HITMON_CRAWL__DOWNLOAD_DELAY="0")
    prepare(env, listing_sources(served.base_url), tmp_path)

    full = subprocess.run(
        [sys.executable, "-c", FULL_DISK_CRAWL, "--trigger", "manual"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    kept, _ = stored(db_url)
    assert 0 < kept < total, full.stderr
    assert full.returncode == 3, full.stderr
    assert "database or disk is full" in full.stderr and "Traceback" not in full.stderr
    status, error, stats = runs(db_url)[-1]
    assert status == "interrupted" and "database or disk is full" in (error or "")
    assert stats["new_articles"] == kept
    assert stats["errors"] >= 1
    assert f"{served.base_url}{LISTING_URL_PATH}" not in validator_urls(db_url)

    again = subprocess.run(crawl_command(), env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert stored(db_url) == (total, total)
    assert runs(db_url)[-1][2]["new_articles"] == total - kept
