"""Hostile input in a real crawl (`python -m crawler` in a subprocess) of a site on 127.0.0.1: only http(s)
is ever fetched or stored, and one bad source or item never silences the rest."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models.db import make_engine, session_factory, session_scope, upgrade_database
from models.schema import Article, CrawlRun, Source
from pipeline.desk.review import decide
from pipeline.record import ArticleRecord
from pipeline.store.articles import save_articles
from tests.crawler.hostile_site import (
    PARAGRAPH,
    HostileSite,
    Reply,
    article_html,
    distinct_paragraph,
    listing,
    page,
    redirect,
    rss,
    serve_hostile_site,
)

pytestmark = pytest.mark.slow
SECRET = "本机文件里的秘密内容不可被抓取"  # in a local file the hostile links point to
HIJACK_TITLE = "冒名顶替已采用文章的页面"
ACCEPTED_PATH = "/a/9001.html"  # stored and accepted before the crawl
OTHER_SITE = "http://127.0.0.1:9/a/9002.html"  # stored before the crawl, from another site
BIG5_TITLE = "衛生健康委員會推進醫院資訊化建設"
FUTURE_TITLE = "发布日期写成二〇九九年的条目"
BIG5_PAGE = (
    f"<html><head><title>{BIG5_TITLE}</title></head><body><h1>{BIG5_TITLE}</h1><div class='TRS_Editor'>"
    + "<p>衛生健康委員會推進醫院資訊化建設，電子病歷系統與互聯網醫院建設工作持續推進。</p>" * 5
    + "</div></body></html>"
)
LISTED = [
    *("/a/2001.html", "/go/file.html", "/go/port.html", "/a/2002.html", "/evil/1.html", "/evil/2.html"),
    *("/a/big5.html", "/a/utf7.html", "/a/complex.html"),
]
CONTENT = f"<p>{PARAGRAPH * 2}</p>"


@dataclass
class Crawled:
    site: HostileSite
    result: subprocess.CompletedProcess[str]
    articles: dict[str, Article]  # by fetched URL
    stats: dict[str, Any]  # source name -> CrawlSourceStats
    sources: dict[str, Source]


def add_sources(db_url: str, sources: list[tuple[str, str, str, dict[str, Any]]]) -> None:
    """Straight into the database: `sources load` refuses some of these URLs, a crawl must survive them."""
    engine = make_engine(db_url)
    upgrade_database(engine)
    with session_scope(session_factory(engine)) as session:
        for name, kind, url, options in sources:
            session.add(Source(name=name, kind=kind, url=url, media=name, options=options))
    engine.dispose()


def crawl(db_url: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HITMON_DB": db_url,
        "HITMON_CRAWL__TIMEOUT": "5",
        "HITMON_CRAWL__RETRIES": "0",
        "HITMON_CRAWL__EXTRACT_WORKERS": "1",
        **{f"HITMON_CRAWL__{name.upper()}": value for name, value in settings.items()},
    }
    command = [sys.executable, "-m", "crawler"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)


def read_back(db_url: str, site: HostileSite, result: subprocess.CompletedProcess[str]) -> Crawled:
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        articles = {a.url: a for a in session.scalars(select(Article))}
        (run,) = session.scalars(select(CrawlRun))
        stats = {s.source.name: s for s in run.sources}
        sources = {s.name: s for s in session.scalars(select(Source))}
        session.expunge_all()
    engine.dispose()
    return Crawled(site, result, articles, stats, sources)


def store_before(db_url: str, base: str) -> None:
    """An accepted article of this site and an article of another site, as an earlier crawl left them."""
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        ids = {s.name: s.id for s in session.scalars(select(Source))}
        fields = {"source": "列表页", "fetched_at": datetime(2018, 4, 23, tzinfo=UTC), "text": PARAGRAPH}
        accepted = ArticleRecord(url=base + ACCEPTED_PATH, title="编辑已采用的文章", **fields)
        other = ArticleRecord(url=OTHER_SITE, title="另一网站的文章", **fields)
        result = save_articles(session, [accepted, other], ids)
        decide(session, result.article_ids[:1], "accept", actor="editor")
    engine.dispose()


def hostile_pages(base: str, secret_file: Path) -> Mapping[str, Reply]:
    local = secret_file.as_uri()
    accepted = base + ACCEPTED_PATH
    json_feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON 订阅",
        "items": [
            {"id": "1", "url": local, "title": "本地文件", "content_html": CONTENT},
            {"id": "2", "url": f"{base}/a/3001.html", "title": "JSON 订阅的好文章", "content_html": CONTENT},
        ],
    }
    return {
        "/rss.xml": rss(
            [
                ("好文章一", f"{base}/a/1001.html", CONTENT),
                ("口令文件", "file:/etc/passwd", CONTENT),
                ("本机文件", "file://localhost" + secret_file.as_posix(), CONTENT),
                ("数据链接", "data:text/html;charset=utf-8,<h1>x</h1>" + PARAGRAPH, CONTENT),
                ("端口错误", "http://127.0.0.1:99999/a/1.html", CONTENT),
                ("好文章二", f"{base}/a/1002.html", CONTENT),
            ]
        ),
        "/feed.json": Reply(body=json.dumps(json_feed).encode(), content_type="application/feed+json"),
        "/sitemap.xml": Reply(
            body=(
                "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                f"<url><loc>{local}</loc></url><url><loc>file:///etc/passwd</loc></url>"
                f"<url><loc>{base}/a/4001.html</loc></url></urlset>"
            ).encode(),
            content_type="application/xml",
        ),
        "/list/": listing(LISTED),
        # No charset anywhere: GB18030 decodes these Big5 bytes without error, into nonsense.
        "/a/big5.html": Reply(body=BIG5_PAGE.encode("big5"), content_type="text/html"),
        "/a/utf7.html": Reply(
            body=article_html("七位编码的页面").replace("utf-8", "utf-7").encode("utf-7"),
            content_type="text/html",
        ),
        "/a/complex.html": page("<html><body><h1>元素极多的页面</h1>" + "<span><b>x</b></span>" * 60_000),
        "/future.xml": rss(
            [(FUTURE_TITLE, f"{base}/gone/1.html", CONTENT)], "Thu, 01 Jan 2099 10:00:00 +0800"
        ),
        # Declares the accepted article's URL (same site) and another site's stored article as canonical.
        "/evil/1.html": page(
            article_html(HIJACK_TITLE, extra_head=f"<link rel='canonical' href='{accepted}'>")
        ),
        "/evil/2.html": page(
            article_html(HIJACK_TITLE, extra_head=f"<meta property='og:url' content='{OTHER_SITE}'>")
        ),
        "/go/file.html": redirect("file:///etc/passwd"),
        "/go/port.html": redirect("http://127.0.0.1:99999/a/9.html"),
        **{
            f"/a/{n}.html": page(article_html(f"正常文章第{n}号的标题"))
            for n in (1001, 1002, 2001, 2002, 3001, 4001)
        },
    }


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    folder = tmp_path_factory.mktemp("hostile")
    secret_file = folder / "secret.html"
    secret_file.write_text(article_html(SECRET), encoding="utf-8")
    db_url = f"sqlite:///{folder / 'hitmon.db'}"
    with serve_hostile_site(lambda base: hostile_pages(base, secret_file)) as site:
        no_robots = {"obey_robots": False}
        add_sources(
            db_url,
            [
                ("端口错误源", "listing", "http://127.0.0.1:99999/list/", no_robots),
                ("换行源", "listing", f"{site.base_url}/li\nst/", no_robots),
                ("本地文件源", "feed", secret_file.as_uri(), no_robots),
                ("订阅源", "feed", f"{site.base_url}/rss.xml", no_robots),
                ("JSON订阅", "feed", f"{site.base_url}/feed.json", no_robots),
                ("站点地图", "sitemap", f"{site.base_url}/sitemap.xml", no_robots),
                ("未来订阅", "feed", f"{site.base_url}/future.xml", no_robots),
                (
                    "列表页",
                    "listing",
                    f"{site.base_url}/list/",
                    {**no_robots, "link_pattern": "/(a|go|evil)/"},
                ),
            ],
        )
        store_before(db_url, site.base_url)
        result = crawl(db_url, max_page_elements="50000")
        yield read_back(db_url, site, result)


def test_only_http_urls_are_fetched_or_stored(hostile_crawl: Crawled) -> None:
    assert hostile_crawl.result.returncode == 0, hostile_crawl.result.stderr
    for article in hostile_crawl.articles.values():
        assert article.url.startswith("http://127.0.0.1:") and article.canonical_url.startswith("http")
        assert SECRET not in article.text + article.title and "root:" not in article.text
    stats = hostile_crawl.stats
    # Each refused entry is counted against its source (the feed's file:, file://localhost, data: and
    # port 99999 items; the JSON Feed's file:///; the sitemap's two file: locations).
    assert (stats["订阅源"].dropped, stats["JSON订阅"].dropped, stats["站点地图"].dropped) == (4, 1, 2)
    # The redirects to file:///etc/passwd and to port 99999 are refused and recorded as errors.
    assert stats["列表页"].errors == 2 and "refused" in stats["列表页"].last_error
    assert "RefusedURL" in hostile_crawl.result.stderr + (stats["列表页"].last_error or "")


def test_a_bad_source_or_item_never_silences_the_rest(hostile_crawl: Crawled) -> None:
    site, articles = hostile_crawl.site, hostile_crawl.articles
    fetched = {url.removeprefix(site.base_url) for url in articles} - {ACCEPTED_PATH, OTHER_SITE}
    # Every good article of every later source, and the feed items after the bad ones, are stored.
    assert fetched - {"/evil/1.html", "/evil/2.html", "/a/big5.html", "/gone/1.html"} == {
        f"/a/{n}.html" for n in (1001, 1002, 2001, 2002, 3001, 4001)
    }
    for name in ("端口错误源", "换行源", "本地文件源"):
        source = hostile_crawl.sources[name]
        assert source.health == "failing" and "source URL refused" in source.health_reason, name
    assert "Port out of range" in hostile_crawl.sources["端口错误源"].health_reason
    assert "whitespace" in hostile_crawl.sources["换行源"].health_reason
    assert "scheme file:" in hostile_crawl.sources["本地文件源"].health_reason
    for name in ("订阅源", "JSON订阅", "站点地图", "列表页"):
        assert hostile_crawl.sources[name].health == "ok", name


HUGE_ENTRIES = 1500
SMALL_SOURCES = 30  # more than crawl.concurrency (16): some wait in the scheduler while the huge one queues


def crowded_host(base: str) -> Mapping[str, Reply]:
    """One feed of 1,500 entries (dead links, no content: cheap to answer, nothing to store) and 30
    small listings of two articles each, all on one host."""
    huge = [(f"海量条目{n}", f"{base}/huge/{n}.html", "") for n in range(HUGE_ENTRIES)]
    pages: dict[str, Reply] = {"/huge.xml": rss(huge)}
    for source in range(SMALL_SOURCES):
        links = [f"/small/{source}/{n}.html" for n in range(2)]
        pages[f"/small/{source}/"] = listing(links)
        pages.update(
            {link: page(article_html(f"小来源{source}的第{n}篇文章")) for n, link in enumerate(links)}
        )
    return pages


def test_a_huge_feed_does_not_starve_the_other_sources_on_its_host(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'hitmon.db'}"
    with serve_hostile_site(crowded_host) as site:
        no_robots = {"obey_robots": False}
        small = [
            (f"小来源{n}", "listing", f"{site.base_url}/small/{n}/", {**no_robots, "link_pattern": "/small/"})
            for n in range(SMALL_SOURCES)
        ]
        add_sources(db_url, [("海量订阅", "feed", f"{site.base_url}/huge.xml", no_robots), *small])
        result = crawl(db_url, autothrottle="false", max_feed_entries=str(HUGE_ENTRIES))
        assert result.returncode == 0, result.stderr
        log = site.paths()
    crawled = read_back(db_url, site, result)
    small_articles = [
        n for n, path in enumerate(log) if path.startswith("/small/") and path.endswith(".html")
    ]
    assert len(small_articles) == SMALL_SOURCES * 2
    # The small sources were served while the huge one had most of its entries still to go ...
    huge_before = sum(path.startswith("/huge/") for path in log[: max(small_articles)])
    assert huge_before < HUGE_ENTRIES // 10, huge_before
    # ... and every article they have is stored; the huge source still got all its entries asked for.
    assert (
        sum(stats.new_articles for name, stats in crawled.stats.items() if name != "海量订阅")
        == SMALL_SOURCES * 2
    )
    assert sum(path.startswith("/huge/") for path in log) == HUGE_ENTRIES


def test_a_page_declaring_a_stored_articles_url_cannot_overwrite_it(hostile_crawl: Crawled) -> None:
    base, articles = hostile_crawl.site.base_url, hostile_crawl.articles
    accepted, other = articles[base + ACCEPTED_PATH], articles[OTHER_SITE]
    assert (accepted.title, accepted.canonical_url) == ("编辑已采用的文章", base + ACCEPTED_PATH)
    assert (other.title, other.canonical_url) == ("另一网站的文章", OTHER_SITE)
    # Each hostile page is kept under its own URL instead, for the editor to see.
    for path in ("/evil/1.html", "/evil/2.html"):
        copy = articles[base + path]
        assert (copy.title, copy.canonical_url) == (HIJACK_TITLE, base + path)


def test_encodings_dates_and_complexity_of_hostile_pages(hostile_crawl: Crawled) -> None:
    base, articles, stats = hostile_crawl.site.base_url, hostile_crawl.articles, hostile_crawl.stats
    assert articles[base + "/a/big5.html"].title == BIG5_TITLE  # not 矫ネ胺眃…
    assert base + "/a/utf7.html" not in articles and base + "/a/complex.html" not in articles
    # Dropped with readable reasons: the UTF-7 page and the 120,000-element page (bound: 50,000).
    assert stats["列表页"].dropped == 2
    assert (
        "UndecodablePage" in hostile_crawl.result.stderr and "PageTooComplex" in hostile_crawl.result.stderr
    )
    future = articles[base + "/gone/1.html"]
    assert future.title == FUTURE_TITLE and future.published_at == future.fetched_at  # not 2099


def closed_port() -> int:
    """A port nothing listens on (bound, then released): connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_feed_of_dead_links_falls_back_to_its_content(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    # Distinct titles and texts: reprint grouping, after the crawl, has nothing to group.
    texts = [distinct_paragraph(n) for n in range(100)]
    entries = [(text[:16], f"{dead}/gone/{n}.html", f"<p>{text}</p>") for n, text in enumerate(texts)]
    db_url = f"sqlite:///{tmp_path / 'hitmon.db'}"
    with serve_hostile_site(lambda base: {"/dead.xml": rss(entries)}) as site:
        add_sources(db_url, [("死链订阅", "feed", f"{site.base_url}/dead.xml", {"obey_robots": False})])
        result = crawl(db_url, retries="2", retry_backoff="1", autothrottle="false")
    assert result.returncode == 0, result.stderr
    crawled = read_back(db_url, site, result)
    # Every entry is kept from the feed's own content (refused connections are not retried: see
    # tests/crawler/test_settings.py).
    assert crawled.stats["死链订阅"].new_articles == 100 and crawled.stats["死链订阅"].errors == 100
    assert {a.title for a in crawled.articles.values()} == {title for title, _, _ in entries}
