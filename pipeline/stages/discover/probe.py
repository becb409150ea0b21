"""What a crawl would take from one listing page, feed or sitemap, with the reasons: ``hitmon sources probe``.

The same functions the spider calls, on bytes the operator fetched or saved, so "why does this source
return nothing" has an answer before a crawl is run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pipeline.stages.discover.feeds import FeedEntry, parse_feed, parse_sitemap
from pipeline.stages.discover.hosts import HostPolicy
from pipeline.stages.discover.listing import find_main_list
from pipeline.stages.discover.pagers import NextPage, find_next_page

Kind = Literal["listing", "feed", "sitemap"]


@dataclass(frozen=True)
class ProbeReport:
    kind: Kind
    url: str
    links: tuple[tuple[str, str], ...] = ()  # article links taken, with why
    left_out: tuple[tuple[str, str], ...] = ()  # links not taken, with why
    next_page: NextPage | None = None
    entries: tuple[FeedEntry, ...] = ()  # feed entries or sitemap pages
    sitemaps: tuple[str, ...] = ()  # child sitemaps of a sitemap index
    skipped: tuple[str, ...] = ()  # feed or sitemap entries left out, with why
    truncated: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "url": self.url,
            "links": [{"url": url, "why": why} for url, why in self.links],
            "left_out": [{"url": url, "why": why} for url, why in self.left_out],
            "next_page": None
            if self.next_page is None
            else {"url": self.next_page.url, "how": self.next_page.how, "problem": self.next_page.problem},
            "entries": [
                {
                    "link": entry.link,
                    "title": entry.title,
                    "published": entry.published.isoformat() if entry.published else None,
                    "author": entry.author,
                    "has_content": bool(entry.content.strip()),
                }
                for entry in self.entries
            ],
            "sitemaps": list(self.sitemaps),
            "skipped": list(self.skipped),
            "truncated": self.truncated,
        }


def guess_kind(body: bytes) -> Kind:
    """A feed or sitemap by its root element, else a web page."""
    head = body.lstrip()[:600].lower()
    if b"<urlset" in head or b"<sitemapindex" in head or body[:2] == b"\x1f\x8b":
        return "sitemap"
    if head.startswith(b"{") or b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    return "listing"


def probe(
    body: bytes,
    text: str,
    url: str,
    kind: Kind,
    options: dict[str, Any],
    *,
    page: int = 1,
    max_links: int = 500,
    max_entries: int = 1000,
) -> ProbeReport:
    """``body`` is the raw response, ``text`` the same decoded (for a listing). Raises ValueError when a
    feed or sitemap cannot be read."""
    if kind == "feed":
        feed = parse_feed(body, url, max_entries)
        return ProbeReport(kind, url, entries=feed.entries, skipped=feed.skipped, truncated=feed.truncated)
    if kind == "sitemap":
        sitemap = parse_sitemap(body, url, max_entries)
        return ProbeReport(
            kind, url, entries=sitemap.pages, sitemaps=sitemap.sitemaps, skipped=sitemap.skipped,
            truncated=sitemap.truncated,
        )  # fmt: skip
    policy = HostPolicy.for_page(url, options.get("allow_domains") or ())
    found = find_main_list(text, url, policy, options.get("link_pattern"), max_links)
    return ProbeReport(
        kind, url, links=found.kept, left_out=found.left_out, next_page=find_next_page(text, url, page),
        truncated=found.truncated,
    )  # fmt: skip
