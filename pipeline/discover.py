"""Finding articles: links on listing pages, their pagination, and the entries of feeds.

Pure functions over fetched bytes and text, so the crawler's callbacks stay thin and each can be tried
on a saved page.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html

from pipeline.link_pattern import LinkPattern, compile_link_pattern

# Article URLs on Chinese sites carry a date or an id: /t20180423_123456.shtml, /2018-04/23/c_1122.htm,
# /31078.html, /202507/<hex>.shtml, /content_5283901.htm.
ARTICLE_PATH = re.compile(
    r"""(
        /t\d{8}_\d+\.s?html?$                       # TRS: t20180423_123456.shtml
      | /20\d{2}[-/]?\d{2}(?:[-/]?\d{2})?/.+\.s?html?$ # dated folder: /2018-04/23/c_1122.htm, /201804/...
      | /(?:content|art|c|a|n|detail)_?\d{4,}\.s?html?$  # content_5283901.htm, art_123_4567.html
      | /\d{4,}\.s?html?$                          # numeric id: /31078.html
      | /[0-9a-f]{16,}\.s?html?$                   # hex id
    )""",
    re.VERBOSE | re.IGNORECASE,
)
NEXT_TEXT = re.compile(r"^\s*(下一页|下页|next\s*(page)?|›|»|>)\s*$", re.IGNORECASE)
CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]"
)


def article_links(html: str, base_url: str, link_pattern: str | LinkPattern | None = None) -> list[str]:
    """Absolute article URLs on a listing page, in page order, without repeats.

    With ``link_pattern`` a link is an article when the pattern is found in its absolute URL; without one,
    same-site links whose path looks like an article's (see ARTICLE_PATH).
    """
    # Time-bounded: an operator's pattern may backtrack catastrophically (raises PatternTimeout).
    pattern = compile_link_pattern(link_pattern) if link_pattern else None
    site = urlsplit(base_url).netloc
    found: dict[str, None] = {}
    for href in _hrefs(html):
        url = urljoin(base_url, href).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            continue
        if pattern is not None:
            if pattern.search(url):
                found[url] = None
        elif parts.netloc == site and ARTICLE_PATH.search(parts.path):
            found[url] = None
    return list(found)


def next_page_url(html: str, page_url: str, page_number: int) -> str | None:
    """The URL of the listing page after ``page_number`` (1-based), or None on the last page.

    TRS sites number pages index.shtml, index_1.shtml ...; their createPageHTML(total, current, name, ext)
    script tells how many there are. Other sites link 下一页 / next.
    """
    script = CREATE_PAGE.search(html)
    if script:
        total, name, ext = int(script.group(1)), script.group(3), script.group(4)
        return urljoin(page_url, f"{name}_{page_number}.{ext}") if page_number < total else None
    document = _parse(html)
    if document is None:
        return None
    for anchor in document.iter("a"):
        if NEXT_TEXT.match(anchor.text_content() or "") and anchor.get("href"):
            href = anchor.get("href", "")
            if href.startswith(("javascript:", "#")):
                continue
            url = urljoin(page_url, href)
            return url if url != page_url else None
    return None


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


def parse_feed(body: bytes, feed_url: str) -> Feed:
    """RSS 2.0, Atom or JSON Feed. Raises ValueError when the body is none of them."""
    if body.lstrip()[:1] == b"{":
        return _json_feed(body, feed_url)
    parsed = feedparser.parse(body)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        raise ValueError(f"not a feed: {parsed.get('bozo_exception') or 'no RSS, Atom or JSON Feed found'}")
    title = parsed.feed.get("title", "")
    entries = tuple(_feed_entry(entry, feed_url, title) for entry in parsed.entries if entry.get("link"))
    return Feed(title=title, entries=entries)


def _feed_entry(entry: feedparser.FeedParserDict, feed_url: str, feed_title: str) -> FeedEntry:
    content = entry.get("content", [{}])[0].get("value") or entry.get("summary", "")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return FeedEntry(
        link=urljoin(feed_url, entry["link"]),
        title=entry.get("title", ""),
        author=entry.get("author", "") or feed_title,
        content=content,
        published=datetime(*stamp[:6], tzinfo=UTC) if stamp else None,
    )


def _json_feed(body: bytes, feed_url: str) -> Feed:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a JSON feed: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValueError("not a JSON feed: no items list")
    title = str(data.get("title", ""))
    entries = []
    for item in data["items"]:
        link = item.get("url") or item.get("external_url") if isinstance(item, dict) else None
        if not link:
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        entries.append(
            FeedEntry(
                link=urljoin(feed_url, link),
                title=item.get("title", ""),
                author=(authors[0].get("name", "") if authors else "") or title,
                content=item.get("content_html") or item.get("content_text") or item.get("summary", ""),
                published=_iso(item.get("date_published")),
            )
        )
    return Feed(title=title, entries=tuple(entries))


@dataclass(frozen=True, slots=True)
class Sitemap:
    pages: tuple[FeedEntry, ...]  # article URLs, with the <news:title> and date when given
    sitemaps: tuple[str, ...]  # child sitemaps of a sitemap index


def parse_sitemap(body: bytes, sitemap_url: str) -> Sitemap:
    """A sitemap (``<urlset>``, with ``<news:news>`` entries) or a sitemap index, plain or gzipped."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError) as exc:
            raise ValueError(f"broken gzip sitemap: {exc}") from None
    try:
        root = lxml.etree.fromstring(
            body, parser=lxml.etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except lxml.etree.XMLSyntaxError as exc:
        raise ValueError(f"not a sitemap: {exc}") from None
    kind = lxml.etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap: root element <{kind}>")
    locs = [(node, _child_text(node, "loc")) for node in root if _localname(node) in ("url", "sitemap")]
    if kind == "sitemapindex":
        return Sitemap(pages=(), sitemaps=tuple(urljoin(sitemap_url, loc) for _, loc in locs if loc))
    pages = tuple(
        FeedEntry(
            link=urljoin(sitemap_url, loc),
            title=_descendant_text(node, "title"),
            published=_iso(_descendant_text(node, "publication_date") or _child_text(node, "lastmod")),
        )
        for node, loc in locs
        if loc
    )
    return Sitemap(pages=pages, sitemaps=())


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


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None


def _hrefs(html: str) -> list[str]:
    document = _parse(html)
    if document is None:
        return []
    return [anchor.get("href", "") for anchor in document.iter("a") if anchor.get("href")]
