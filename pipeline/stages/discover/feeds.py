"""Feeds (RSS 2.0, Atom, JSON Feed) and sitemaps: their entries, every link checked by the URL policy.

An entry whose link is missing or not fetchable (``file:``, ``data:``, ``javascript:``, a bad port) is
left out on its own; the entries after it are kept. At most ``max_entries`` are returned, and the result
says when there were more.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.etree

from pipeline.urls import fetchable_url


@dataclass(frozen=True, slots=True)
class FeedEntry:
    link: str
    title: str = ""
    author: str = ""
    content: str = ""  # full content or summary, as HTML or text
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    entries: tuple[FeedEntry, ...]
    skipped: tuple[str, ...] = ()  # why each left-out entry was left out
    truncated: bool = False  # more than max_entries entries


@dataclass(frozen=True, slots=True)
class Sitemap:
    pages: tuple[FeedEntry, ...]  # article URLs, with the <news:title> and date when given
    sitemaps: tuple[str, ...]  # child sitemaps of a sitemap index
    skipped: tuple[str, ...] = ()
    truncated: bool = False


def parse_feed(body: bytes, feed_url: str, max_entries: int = 1000) -> Feed:
    """RSS 2.0, Atom or JSON Feed. Raises ValueError when the body is none of them."""
    if body.lstrip()[:1] == b"{":
        title, raw = _json_feed(body)
    else:
        parsed = feedparser.parse(body)
        if not parsed.entries and (parsed.bozo or not parsed.version):
            raise ValueError(
                f"not a feed: {parsed.get('bozo_exception') or 'no RSS, Atom or JSON Feed found'}"
            )
        title = str(parsed.feed.get("title", ""))
        raw = [_feedparser_fields(entry) for entry in parsed.entries]
    entries, skipped = _checked(raw, feed_url, max_entries, lambda fields: fields.get("author") or title)
    return Feed(title=title, entries=entries, skipped=skipped, truncated=len(raw) > max_entries)


def _checked(
    raw: list[dict[str, Any]], base_url: str, max_entries: int, author: Any = None
) -> tuple[tuple[FeedEntry, ...], tuple[str, ...]]:
    entries: list[FeedEntry] = []
    skipped: list[str] = []
    for number, fields in enumerate(raw[:max_entries], start=1):
        try:
            link = fetchable_url(urljoin(base_url, str(fields.get("link") or "").strip()))
        except ValueError:
            link = None
        if not fields.get("link") or link is None:
            skipped.append(f"entry {number}: link {str(fields.get('link') or '')[:80]!r} is not fetchable")
            continue
        entries.append(
            FeedEntry(
                link=link,
                title=" ".join(str(fields.get("title") or "").split()),
                author=str((author(fields) if author else fields.get("author")) or ""),
                content=str(fields.get("content") or ""),
                published=fields.get("published"),
            )
        )
    return tuple(entries), tuple(skipped)


def _feedparser_fields(entry: feedparser.FeedParserDict) -> dict[str, Any]:
    try:
        content = (entry.get("content") or [{}])[0].get("value") or entry.get("summary", "")
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime(*stamp[:6], tzinfo=UTC) if stamp else None
    except (TypeError, ValueError, IndexError, AttributeError):
        content, published = entry.get("summary", ""), None
    return {
        "link": entry.get("link"),
        "title": entry.get("title", ""),
        "author": entry.get("author", ""),
        "content": content,
        "published": published,
    }


def _json_feed(body: bytes) -> tuple[str, list[dict[str, Any]]]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a JSON feed: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValueError("not a JSON feed: no items list")
    return str(data.get("title", "")), [_json_item(item) for item in data["items"]]


def _json_item(item: object) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {}
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    first = authors[0] if isinstance(authors, list) and authors else {}
    return {
        "link": item.get("url") or item.get("external_url"),
        "title": item.get("title", ""),
        "author": first.get("name", "") if isinstance(first, dict) else "",
        "content": item.get("content_html") or item.get("content_text") or item.get("summary", ""),
        "published": _iso(item.get("date_published")),
    }


def parse_sitemap(body: bytes, sitemap_url: str, max_entries: int = 1000) -> Sitemap:
    """A sitemap (``<urlset>``, with ``<news:news>`` entries) or a sitemap index, plain or gzipped."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError) as exc:
            raise ValueError(f"broken gzip sitemap: {exc}") from None
    try:
        root = lxml.etree.fromstring(
            body, parser=lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        )
    except lxml.etree.XMLSyntaxError as exc:
        raise ValueError(f"not a sitemap: {exc}") from None
    kind = lxml.etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap: root element <{kind}>")
    nodes = [node for node in root if _localname(node) in ("url", "sitemap")]
    raw = [
        {
            "link": _child_text(node, "loc"),
            "title": _descendant_text(node, "title"),
            "published": _iso(_descendant_text(node, "publication_date") or _child_text(node, "lastmod")),
        }
        for node in nodes[:max_entries]
    ]
    entries, skipped = _checked(raw, sitemap_url, max_entries)
    truncated = len(nodes) > max_entries
    if kind == "sitemapindex":
        return Sitemap((), tuple(entry.link for entry in entries), skipped, truncated)
    return Sitemap(entries, (), skipped, truncated)


def _localname(node: lxml.etree._Element) -> str:
    return lxml.etree.QName(node).localname if isinstance(node.tag, str) else ""


def _child_text(node: lxml.etree._Element, name: str) -> str:
    return next(((c.text or "").strip() for c in node if _localname(c) == name), "")


def _descendant_text(node: lxml.etree._Element, name: str) -> str:
    return next(((d.text or "").strip() for d in node.iter() if _localname(d) == name), "")


def _iso(value: object) -> datetime | None:
    """An ISO 8601 time; one without an offset is taken as UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
