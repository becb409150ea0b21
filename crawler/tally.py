"""Per-source counts of one crawl, kept on the spider and stored as CrawlSourceStats at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class SourceTally:
    pages: int = 0  # responses received (listing, feed and article pages)
    new_articles: int = 0
    updated_articles: int = 0
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> count
    errors: int = 0
    not_modified: int = 0  # listing pages and feeds answered 304
    browser_pages: int = 0  # pages that needed the browser (a challenge, or ``render: always``)
    last_error: str | None = None
    blocked_reason: str | None = None

    def error(self, message: str) -> None:
        self.errors += 1
        self.last_error = message[:500]

    @property
    def health(self) -> str:
        if self.blocked_reason:
            return "blocked"
        if self.errors and not (self.new_articles or self.updated_articles or self.pages > self.errors):
            return "failing"
        return "ok"


@dataclass
class CrawlTally:
    sources: dict[str, SourceTally] = field(default_factory=dict)

    def __getitem__(self, name: str) -> SourceTally:
        return self.sources.setdefault(name, SourceTally())

    def totals(self) -> dict[str, int]:
        return {
            "pages": sum(t.pages for t in self.sources.values()),
            "new_articles": sum(t.new_articles for t in self.sources.values()),
            "updated_articles": sum(t.updated_articles for t in self.sources.values()),
            "dropped": sum(sum(t.dropped.values()) for t in self.sources.values()),
            "errors": sum(t.errors for t in self.sources.values()),
            "not_modified": sum(t.not_modified for t in self.sources.values()),
            "browser_pages": sum(t.browser_pages for t in self.sources.values()),
        }
