"""Feeds and sitemaps under the URL policy and the entry limit; title-only mirror feeds kept whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.stages.discover import parse_feed, parse_sitemap

LISTINGS = Path(__file__).parents[3] / "fixtures" / "listings"
EXPECTED = json.loads((LISTINGS / "expected.json").read_text(encoding="utf-8"))


def test_every_entry_of_a_title_only_mirror_feed_is_kept_with_title_link_and_date() -> None:
    want = EXPECTED["mirror_feed_titles"]
    feed = parse_feed((LISTINGS / "mirror_feed_titles.xml").read_bytes(), want["url"])
    assert len(feed.entries) == want["entries"] and feed.skipped == () and not feed.truncated
    for entry in feed.entries:
        assert entry.link.startswith("https://mp.weixin.qq.com/s/")
        assert entry.title and entry.published and entry.content == ""
        assert entry.author == "健康四川官微"


BAD_LINKS = [
    "file:///etc/passwd",
    "data:text/html,x",
    "javascript:alert(1)",
    "http://h.example.cn:70000/x",
    "",
]


def rss(links: list[str]) -> bytes:
    items = "".join(f"<item><title>第{n}条</title><link>{link}</link></item>" for n, link in enumerate(links))
    channel = f"<channel><title>账号</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def test_a_feed_entry_outside_the_url_policy_is_skipped_and_the_later_ones_kept() -> None:
    feed = parse_feed(rss(["http://h.example.cn/1.html", *BAD_LINKS, "/2.html"]), "http://h.example.cn/feed")
    assert [entry.link for entry in feed.entries] == [
        "http://h.example.cn/1.html",
        "http://h.example.cn/2.html",
    ]
    assert len(feed.skipped) == len(BAD_LINKS)


def test_a_json_feed_with_bad_items_keeps_the_good_ones() -> None:
    items = [
        {"url": "file:///etc/passwd"},
        "not an item",
        {"url": "http://h.example.cn/3.html", "title": "好"},
    ]
    feed = parse_feed(json.dumps({"title": "t", "items": items}).encode(), "http://h.example.cn/feed.json")
    assert [entry.link for entry in feed.entries] == ["http://h.example.cn/3.html"]


def test_feed_entries_are_bounded_and_the_cut_is_reported() -> None:
    body = rss([f"http://h.example.cn/{n}.html" for n in range(30)])
    feed = parse_feed(body, "http://h.example.cn/feed", max_entries=10)
    assert len(feed.entries) == 10 and feed.truncated
    assert not parse_feed(body, "http://h.example.cn/feed", max_entries=30).truncated


def sitemap(locs: list[str], root: str = "urlset", child: str = "url") -> bytes:
    body = "".join(f"<{child}><loc>{loc}</loc></{child}>" for loc in locs)
    return f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</{root}>'.encode()


@pytest.mark.parametrize(("root", "child"), [("urlset", "url"), ("sitemapindex", "sitemap")])
def test_sitemap_locs_outside_the_url_policy_are_skipped(root: str, child: str) -> None:
    parsed = parse_sitemap(
        sitemap(["/a/1.html", *BAD_LINKS, "/a/2.html"], root, child), "http://h.example.cn/s.xml"
    )
    found = [page.link for page in parsed.pages] or list(parsed.sitemaps)
    assert found == ["http://h.example.cn/a/1.html", "http://h.example.cn/a/2.html"]


def test_sitemap_entries_are_bounded() -> None:
    parsed = parse_sitemap(
        sitemap([f"/a/{n}.html" for n in range(50)]), "http://h.example.cn/s.xml", max_entries=5
    )
    assert len(parsed.pages) == 5 and parsed.truncated
