"""A fetched page in, the article's title, text, time, media, author and link out (docs/extraction.md says
in which order each field's candidates are tried)."""

from __future__ import annotations

from pipeline.errors import ChallengePage, NotAnArticle
from pipeline.record import ArticleRecord
from pipeline.stages.extract.blocks import check_blocked
from pipeline.stages.extract.body import feed_body, find_body, is_link_list
from pipeline.stages.extract.bounds import check_element_count
from pipeline.stages.extract.canonical import find_canonical
from pipeline.stages.extract.dates import feed_published, find_published
from pipeline.stages.extract.decode import decode_page
from pipeline.stages.extract.media import find_author, find_media
from pipeline.stages.extract.page import Page, parse_page
from pipeline.stages.extract.title import find_title
from pipeline.stages.extract.trim import clean_body
from pipeline.stages.extract.wechat import is_media_post, is_wechat_page, post_description, reprint_body

_BINARY_SAMPLE = 2048
_MIN_BODY_CHARS = 20
_NUL_SHARE = 20  # more than one byte in 20 is NUL: not text


def extract_article(record: ArticleRecord, *, max_elements: int | None = None) -> ArticleRecord:
    """Fill title, text, published_at (UTC), media, author and canonical_url from ``record.html``.

    Raises ChallengePage, DeletedArticle, NotAnArticle (binary, empty, no body), UndecodablePage
    (declares UTF-7) or PageTooComplex (more than ``max_elements`` elements), each with the reason; a feed
    entry whose page is a challenge or no article becomes a title-only item instead.
    """
    try:
        return _extract(record, max_elements)
    except (NotAnArticle, ChallengePage) as exc:
        feed = record.feed_entry or {}
        if feed.get("title_only_ok") and (feed.get("title") or "").strip():
            return title_only_item(record, f"{exc.reason}: {exc}")
        raise


def title_only_item(record: ArticleRecord, reason: str) -> ArticleRecord:
    """The feed entry alone: its title, link, date and account, marked so the page is fetched again."""
    feed = record.feed_entry
    return record.evolve(
        title=" ".join(feed["title"].split()),
        text="",
        published_at=feed_published(feed.get("published") or "", record.fetched_at),
        media=record.source_media or (feed.get("author") or "").strip() or None,
        author=None,
        canonical_url=None,
        title_only=reason[:300],
    )


def _extract(record: ArticleRecord, max_elements: int | None) -> ArticleRecord:
    if not record.html or not record.html.strip():
        if (record.feed_entry or {}).get("content"):
            return _from_feed(record)
        raise NotAnArticle("empty page")
    if _looks_binary(record.html):
        raise NotAnArticle("binary content, not HTML")
    check_element_count(record.html, max_elements)
    page = parse_page(decode_page(record.html, record.http_encoding))
    if page is None:
        raise NotAnArticle("no HTML document in the page")
    check_blocked(page)
    feed = record.feed_entry or {}
    # The title comes first: the date and media are looked for under it, and the body drops its copy.
    title = find_title(page) or (feed.get("title") or "").strip()
    published_at = find_published(page, record.url, record.fetched_at, title) or feed_published(
        feed.get("published") or "", record.fetched_at
    )
    media = find_media(page, title, record.source_media, feed.get("author"))
    author = find_author(page, media, feed.get("author"))
    canonical_url = find_canonical(page, record.url)
    text = find_body(page, record.url, title)
    media_post = False
    if is_wechat_page(page):
        text, media_post = _wechat_text(page, title, text)
    if _too_short(text) and feed.get("content"):
        # The page renders its article with JavaScript: the feed item's title and body are the article's.
        title = (feed.get("title") or "").strip() or title
        text = feed_body(feed["content"], title)
    if _too_short(text) and not media_post:
        raise NotAnArticle("no article body found")
    if not media_post and is_link_list(page, text):
        raise NotAnArticle("a list of links (listing or navigation page), not an article")
    return record.evolve(
        title=title,
        text=text,
        published_at=published_at,
        media=media,
        author=author,
        canonical_url=canonical_url,
    )


def _wechat_text(page: Page, title: str, text: str) -> tuple[str, bool]:
    """A reprint's original article; a video or image post's description (else its title), never the
    interface around it. The flag says it is such a post: its body may be one line."""
    if reprinted := reprint_body(page):
        return clean_body(reprinted, title), False
    if is_media_post(page):
        return clean_body(post_description(page), title) or title, True
    return text, False


def _from_feed(record: ArticleRecord) -> ArticleRecord:
    """The article page could not be fetched: the feed item's own title, body, author and time stand in."""
    feed = record.feed_entry
    title = (feed.get("title") or "").strip()
    text = feed_body(feed["content"], title)
    if _too_short(text):
        raise NotAnArticle("the page could not be fetched and the feed item has no article body")
    return record.evolve(
        title=title,
        text=text,
        published_at=feed_published(feed.get("published") or "", record.fetched_at),
        media=record.source_media or (feed.get("author") or "").strip() or None,
    )


def _too_short(text: str) -> bool:
    return len("".join(text.split())) < _MIN_BODY_CHARS


def _looks_binary(body: bytes) -> bool:
    """A known binary signature (images, PDFs, archives) or many NUL bytes; a stray NUL is tolerated."""
    sample = body[:_BINARY_SAMPLE]
    if sample.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")):
        return True
    has_bom = sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    return not has_bom and sample.count(b"\x00") > len(sample) // _NUL_SHARE
