"""Golden test: the two articles of the published issue 296, served as a WeChat mirror page and a
trade-media page beside the sample site, go through the real crawl, candidates, review and export; the
Markdown must say what the published issue says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta, timezone
from html import escape
from pathlib import Path

import pytest

from hitmon.samplesite import Page, serve_pages, serve_sample_site, sources_yaml
from tests.hitmon.bulletin_text import REFERENCE, Item, parse_bulletin, squash

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REFERENCE.is_file(), reason=f"the reference issue is not at {REFERENCE}"),
]
SHANGHAI = timezone(timedelta(hours=8))
UPDATED = datetime(2018, 4, 27, tzinfo=UTC)


def wechat_page(item: Item) -> bytes:
    posted = datetime.combine(item.published, time(9, 30), SHANGHAI)
    paragraphs = "".join(f"<section><span>{escape(p)}</span></section>" for p in item.paragraphs)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(item.title)}</title>
<meta property="og:title" content="{escape(item.title)}">
<meta property="og:url" content="{escape(item.link)}">
</head><body><div class="rich_media_area_primary"><h1 class="rich_media_title" id="activity-name">
{escape(item.title)}</h1><div class="rich_media_meta_list"><a id="js_name">{escape(item.media)}</a></div>
<div class="rich_media_content" id="js_content">{paragraphs}</div></div>
<div class="qr_code_pc"><p>微信扫一扫<br>关注该公众号</p></div>
<script>var nickname = "{escape(item.media)}"; var ct = "{int(posted.timestamp())}";
var msg_link = "{escape(item.link)}";</script></body></html>""".encode()


def trade_page(item: Item) -> bytes:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{escape(item.title)} - {escape(item.media)}</title>
<link rel="canonical" href="{escape(item.link)}"><meta property="og:site_name" content="{escape(item.media)}">
</head><body><nav><a href="/hit180/">首页</a><a href="/hit180/news/">资讯</a></nav>
<article><h1>{escape(item.title)}</h1>
<div class="meta">时间：{item.published:%Y-%m-%d} 10:12　来源：{escape(item.media)}</div>
<div class="article-content">{paragraphs}</div></article>
<div class="related"><h3>相关阅读</h3><ul><li><a href="/hit180/31001.html">其他文章</a></li></ul></div>
</body></html>""".encode()


def reference_site(items: list[Item]) -> Mapping[str, Page]:
    wechat, trade = items
    wechat_id = wechat.link.rsplit("/", 1)[1]
    trade_path = "/hit180/" + trade.link.rsplit("/", 1)[1]
    feed = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0">
<channel><title>{escape(wechat.media)}</title>
<item><title>{escape(wechat.title)}</title><link>/mirror/s/{wechat_id}.html</link>
<pubDate>{wechat.published:%a, %d %b %Y} 09:30:00 +0800</pubDate></item></channel></rss>"""
    listing = f"<html><body><ul><li><a href='{trade_path}'>{escape(trade.title)}</a></li></ul></body></html>"
    return {
        "/mirror/feed.rss": Page(feed.encode(), "application/rss+xml; charset=utf-8", UPDATED),
        f"/mirror/s/{wechat_id}.html": Page(wechat_page(wechat), "text/html; charset=utf-8", UPDATED),
        "/hit180/": Page(listing.encode(), "text/html; charset=utf-8", UPDATED),
        trade_path: Page(trade_page(trade), "text/html; charset=utf-8", UPDATED),
    }


def hitmon(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from hitmon.cli import main; main()", *args]
    env = {**os.environ, "HITMON_DB": db_url}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return result


def test_issue_296_end_to_end(tmp_path: Path) -> None:
    published = REFERENCE.read_text(encoding="utf-8").replace("2018 年 4 年 23 日", "2018 年 4 月 23 日")
    reference = parse_bulletin(published)
    db_url = f"sqlite:///{tmp_path / 'golden.db'}"
    with serve_sample_site() as sample, serve_pages(reference_site(reference.items)) as golden:
        wechat = reference.items[0]
        sources = sources_yaml(sample.base_url) + (
            f"- name: {wechat.media}\n  kind: feed\n  url: {golden.base_url}/mirror/feed.rss\n"
            f"- name: HIT专家网\n  kind: listing\n  url: {golden.base_url}/hit180/\n"
            "  link_pattern: '/\\d+\\.html$'\n"
        )
        (tmp_path / "sources.yaml").write_text(sources, encoding="utf-8")
        hitmon(db_url, "db", "upgrade")
        hitmon(db_url, "sources", "load", str(tmp_path / "sources.yaml"))
        hitmon(db_url, "crawl")

    week = json.loads(hitmon(db_url, "candidates", "--week", "2018-W17", "--format", "json").stdout)
    # Both published items are candidates, and in the top 3 of their week (the sample site's week 17 is
    # full of health-IT news, most of it provincial).
    ranks = {squash(row["title"]): (rank, row["id"]) for rank, row in enumerate(week, start=1)}
    top = [(row["title"], row["rank_score"]) for row in week[:5]]
    assert all(ranks[item.title][0] <= 3 for item in reference.items), top
    ids = [ranks[item.title][1] for item in reference.items]

    hitmon(db_url, "review", "accept", *map(str, ids))
    hitmon(db_url, "review", "order", *map(str, ids))
    out = tmp_path / "weekly-296.md"
    hitmon(
        db_url,
        "export",
        "--week",
        "2018-W17",
        "--issue",
        "296",
        "--date",
        "2018-04-27",
        "--org",
        "北京市卫生计生委信息中心",
        "--format",
        "md",
        "--out",
        str(out),
    )
    ours = parse_bulletin(out.read_text(encoding="utf-8"))

    assert [squash(line) for line in ours.lines] == [squash(line) for line in reference.lines]
    assert ours.toc == reference.toc
    for mine, theirs in zip(ours.items, reference.items, strict=True):
        assert (mine.title, mine.media, mine.published, mine.link) == (
            theirs.title,
            theirs.media,
            theirs.published,
            theirs.link,
        )
        assert mine.body == theirs.body
