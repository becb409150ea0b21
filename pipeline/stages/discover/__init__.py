"""Finding articles: links on listing pages, their pagination, and the entries of feeds and sitemaps.

Pure functions over fetched bytes and text, so the crawler's callbacks stay thin and each can be tried on
a saved page (``hitmon sources probe``). Every URL they return has passed ``pipeline.urls``.

- ``listing``: the page's main list, found by block scoring, with ``link_pattern`` as the override;
- ``hosts``: which hosts a source's links may lead to (same registrable domain, WeChat, allow_domains);
- ``urlshape``: what a URL's shape says (article, gallery, video, topic, index page);
- ``pagers``: the next listing page from links, pager scripts and plug-ins;
- ``feeds``: RSS, Atom, JSON Feed and sitemaps.
"""

from __future__ import annotations

from pipeline.stages.discover.feeds import Feed, FeedEntry, Sitemap, parse_feed, parse_sitemap
from pipeline.stages.discover.hosts import HostPolicy, is_wechat_article, registrable_domain
from pipeline.stages.discover.listing import ListFinding, find_main_list
from pipeline.stages.discover.pagers import NextPage, find_next_page
from pipeline.stages.link_pattern import LinkPattern

__all__ = [
    "Feed",
    "FeedEntry",
    "HostPolicy",
    "ListFinding",
    "NextPage",
    "Sitemap",
    "article_links",
    "find_main_list",
    "find_next_page",
    "is_wechat_article",
    "listing_links",
    "next_page_url",
    "parse_feed",
    "parse_sitemap",
    "registrable_domain",
]


def listing_links(
    html: str,
    page_url: str,
    *,
    link_pattern: str | LinkPattern | None = None,
    allow_domains: tuple[str, ...] | list[str] = (),
    max_links: int = 500,
) -> ListFinding:
    """The article links of a listing page with the reasons, and whether ``max_links`` cut them."""
    policy = HostPolicy.for_page(page_url, allow_domains)
    return find_main_list(html, page_url, policy, link_pattern, max_links)


def article_links(html: str, base_url: str, link_pattern: str | LinkPattern | None = None) -> list[str]:
    """Absolute article URLs on a listing page, in page order, without repeats."""
    return [url for url, _ in listing_links(html, base_url, link_pattern=link_pattern).kept]


def next_page_url(html: str, page_url: str, page_number: int) -> str | None:
    """The URL of the listing page after ``page_number`` (1-based), or None."""
    return find_next_page(html, page_url, page_number).url
