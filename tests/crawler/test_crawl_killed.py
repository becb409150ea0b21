"""A crawl killed outright keeps what it committed; the next crawl stores the rest, nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hitmon.samplesite import load_sample_articles, serve_sample_site, sources_yaml
from models.db import make_engine, session_factory, session_scope
from models.schema import Article, CrawlRun

pytestmark = pytest.mark.slow
SLOW = {
    "HITMON_CRAWL__DOWNLOAD_DELAY": "0.15",
    "HITMON_CRAWL__CONCURRENCY_PER_DOMAIN": "1",
    "HITMON_CRAWL__AUTOTHROTTLE": "false",
    "HITMON_CRAWL__STORE_BATCH": "3",
}


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from hitmon.cli import main; main()", *args]


def stored(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        rows = session.scalar(select(func.count()).select_from(Article)) or 0
        distinct = session.scalar(select(func.count(func.distinct(Article.url)))) or 0
    engine.dispose()
    return rows, distinct


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
