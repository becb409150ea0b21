"""A crawl of the sample site together with a misbehaving one: each fault is recorded against its
source, nothing bad is stored, and the other sources carry on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from hitmon.samplesite import load_sample_articles, serve_sample_site, sources_yaml
from models.db import make_engine, session_factory, session_scope
from models.schema import Article, CrawlRun, Source
from tests.crawler.fault_site import (
    FAULTS,
    FEED_ONLY_TEXT,
    FEED_ONLY_TITLE,
    GBK_TITLE,
    GOOD,
    SITEMAP_PAGES,
    fault_sources,
    serve_fault_site,
)

pytestmark = pytest.mark.slow


def hitmon(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HITMON_DB": db_url,
        "HITMON_CRAWL__TIMEOUT": "2",
        "HITMON_CRAWL__RETRIES": "1",
        "HITMON_CRAWL__RETRY_BACKOFF": "0.1",
        "HITMON_CRAWL__MAX_RESPONSE_MB": "5",
        "HITMON_CRAWL__EXTRACT_WORKERS": "2",
    }
    command = [sys.executable, "-c", "from hitmon.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_faults_are_recorded_and_the_crawl_goes_on(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'faults.db'}"
    with serve_sample_site() as sample, serve_fault_site() as faulty:
        sources = tmp_path / "sources.yaml"
        sources.write_text(sources_yaml(sample.base_url) + fault_sources(faulty.base_url), encoding="utf-8")
        assert hitmon(db_url, "db", "upgrade").returncode == 0
        assert hitmon(db_url, "sources", "load", str(sources)).returncode == 0
        result = hitmon(db_url, "crawl")
        assert result.returncode == 0, result.stderr
        assert faulty.count(FAULTS["error"]) == 2  # tried, then retried once
        trap_pages = [p for p in faulty.hits if p.startswith("/trap/page/")]
        assert len(trap_pages) == 4  # max_pages bounds an endless pagination
        assert faulty.count("/trap/page/5/") == 0
        assert faulty.count("/private/closed/") == 0  # robots.txt forbids it

    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        urls = {a.url.removeprefix(faulty.base_url): a for a in session.scalars(select(Article))}
        sources_by_name = {s.name: s for s in session.scalars(select(Source))}
        (run,) = session.scalars(select(CrawlRun))
        stats = {s.source.name: s for s in run.sources}

        # The sample site's sources are untouched by their neighbour's faults.
        assert len([u for u in urls if u.startswith("http")]) == len(load_sample_articles())
        assert all(sources_by_name[name].health == "ok" for name in ("HIT前哨网", "江南省卫生健康委"))

        # Good pages of the faulty site are stored; the GBK page without a charset is decoded.
        assert set(GOOD) <= set(urls)
        assert urls[FAULTS["gbk"]].title == GBK_TITLE
        for fault in ("slow", "error", "truncated", "huge", "loop", "verify", "deleted"):
            assert FAULTS[fault] not in urls, fault
        faulty_stats = stats["故障测试网"]
        assert faulty_stats.errors == 5 and faulty_stats.dropped == 2  # the verification and the deleted page
        faulty_source = sources_by_name["故障测试网"]
        assert faulty_source.health == "blocked" and "环境异常" in (faulty_source.health_reason or "")

        # The challenge site is blocked with the reason, and nothing of it is stored.
        challenge = sources_by_name["反爬挑战站"]
        assert challenge.health == "blocked"
        assert "HTTP 412" in challenge.health_reason and "__jsl_clearance" in challenge.health_reason
        assert stats["反爬挑战站"].new_articles == 0

        # The endless pagination was cut at max_pages, its articles kept.
        assert stats["翻页陷阱"].new_articles == 4

        # A 403 and a 202 answered with a JavaScript challenge block their sources too.
        assert sources_by_name["拒绝访问站"].health == "blocked"
        assert sources_by_name["拒绝访问站"].health_reason.startswith("HTTP 403: access forbidden")
        assert sources_by_name["二〇二挑战站"].health == "blocked"
        assert sources_by_name["二〇二挑战站"].health_reason.startswith("HTTP 202: JavaScript challenge")

        # A feed item whose page is gone is kept from the feed's own content.
        from_feed = urls["/gone/20180423/5001.html"]
        assert from_feed.title == FEED_ONLY_TITLE and FEED_ONLY_TEXT[:30] in from_feed.text
        assert from_feed.source.name == "故障订阅号" and stats["故障订阅号"].errors == 1

        # A news sitemap's pages are crawled.
        assert set(SITEMAP_PAGES) <= set(urls) and stats["站点地图源"].new_articles == 2

        # robots.txt is obeyed by default and a source may opt out.
        assert "/private/a/20180423/4001.html" in urls
        assert urls["/private/a/20180423/4001.html"].source.name == "不守robots的源"
        assert stats["守robots的源"].new_articles == 0 and stats["守robots的源"].pages == 0
    engine.dispose()
    listed = hitmon(db_url, "runs").stdout
    assert "反爬挑战站" in listed and "HTTP 412" in listed
