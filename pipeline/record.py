"""The one record that flows through the stages: spider -> extract -> relevance -> dedupe -> store.

Each stage returns ``dataclasses.replace(record, ...)``; nothing mutates a record in place.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field, replace
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    # Set by the crawler (or by whoever hands a saved page to the stages).
    url: str
    source: str
    fetched_at: datetime  # aware, UTC
    html: bytes = b""  # the raw response body, undecoded
    http_encoding: str | None = None  # charset from the Content-Type header, if any
    # ``html`` gzipped as stored, where pages are processed in a worker: it then sends this back instead of
    # ``html`` (a quarter of the bytes through the pool's pipe, no compressing on the reactor thread).
    html_gz: bytes | None = None
    source_media: str | None = None  # the source's configured 媒体, the fallback for ``media``
    feed_entry: dict[str, str] = field(default_factory=dict)  # title/author/content from a feed item
    # Set by extraction.
    canonical_url: str | None = None
    title: str = ""
    text: str = ""
    published_at: datetime | None = None  # aware, UTC
    media: str | None = None
    author: str | None = None
    # Set when only the feed entry is known (its page failed, was blocked or too short): why, e.g.
    # "NotAnArticle: no article body found". The row is upgraded in place once the page is fetched.
    title_only: str | None = None
    # Set by relevance.
    score: float = 0.0
    flagged: bool = False
    matched: tuple[str, ...] = ()
    probability: float | None = None  # the learned stage's; None when it is off
    # Set by dedupe.
    fingerprint: str | None = None

    @property
    def link(self) -> str:
        """The link printed in the bulletin: the canonical URL when the page declares one."""
        return self.canonical_url or self.url

    def evolve(self, **changes: object) -> ArticleRecord:
        return replace(self, **changes)

    def packed(self) -> ArticleRecord:
        """The record with its page gzipped as stored (``html_gz``) instead of ``html``."""
        if self.html_gz is not None or not self.html:
            return self
        return replace(self, html=b"", html_gz=gzip_page(self.html))


def gzip_page(html: bytes) -> bytes | None:
    """The raw page as ``articles.html_gz`` stores it."""
    return gzip.compress(html, compresslevel=6) if html else None
