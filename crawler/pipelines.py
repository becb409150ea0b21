"""Scrapy item pipeline: a thin adapter that runs the pipeline stages on each page and stores in batches.

The stages run in a process pool (crawler.workers), so the reactor thread only fetches and stores."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.spiders import SourcesSpider
from crawler.workers import PageProcessor
from models.db import make_engine, session_factory, session_scope
from models.schema import Source
from pipeline.config import Settings
from pipeline.errors import ChallengePage, DropArticle
from pipeline.record import ArticleRecord
from pipeline.store import save_articles


class StorePipeline:
    def __init__(self, crawler: Crawler, settings: Settings):
        self.crawler = crawler
        self.settings = settings
        self.batch: list[ArticleRecord] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler, crawler.settings["HITMON_SETTINGS"])

    @property
    def spider(self) -> SourcesSpider:
        return self.crawler.spider  # type: ignore[return-value]

    def open_spider(self) -> None:
        self.engine = make_engine(self.settings.db)
        self.sessions = session_factory(self.engine)
        with session_scope(self.sessions) as session:
            self.source_ids = {source.name: source.id for source in session.query(Source)}
        self.processor = PageProcessor(self.settings)

    async def process_item(self, item: Any) -> ArticleRecord:
        tally = self.spider.tally[item.source]
        options = self.spider.sources[item.source].options
        try:
            record = await self.processor.process(item, options.get("max_age_days"))
        except DropArticle as exc:
            tally.dropped[exc.reason] += 1
            if isinstance(exc, ChallengePage):
                tally.blocked_reason = f"{exc} ({item.url})"
            raise DropItem(f"{exc.reason}: {exc} ({item.url})") from None
        if record.title_only and record.title_only.startswith(ChallengePage.__name__):
            tally.blocked_reason = (
                f"{record.title_only} ({item.url})"  # kept by title, but the source is blocked
            )
        self.batch.append(record)
        if len(self.batch) >= self.settings.crawl.store_batch:
            self.flush()
        return record

    def close_spider(self) -> None:
        self.processor.close()
        self.flush()
        self.engine.dispose()

    def flush(self) -> None:
        """Commit the batch: a crawl killed later keeps what was committed."""
        by_source: dict[str, list[ArticleRecord]] = defaultdict(list)
        for record in self.batch:
            by_source[record.source].append(record)
        self.batch = []
        with session_scope(self.sessions) as session:
            for name, records in by_source.items():
                result = save_articles(session, records, self.source_ids)
                self.spider.tally[name].new_articles += result.new
                self.spider.tally[name].updated_articles += result.updated
