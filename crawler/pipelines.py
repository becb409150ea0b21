"""Scrapy item pipeline: a thin adapter that runs the pipeline stages on each page and stores in batches.

The stages run in a process pool (crawler.workers), so the reactor thread only fetches and stores. Every
page that enters is settled in the crawl's ledger (stored or dropped) or failed, never left unaccounted:
a failed page keeps its listing's validators unsaved, so the next crawl asks for it again."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy.exc import SQLAlchemyError

from crawler.ledger import CrawlLedger
from crawler.spiders import SourcesSpider
from crawler.workers import PageLost, PageProcessor
from models.db import make_engine, session_factory, session_scope
from models.schema import Source
from pipeline.config import Settings
from pipeline.errors import ChallengePage, DropArticle
from pipeline.record import ArticleRecord
from pipeline.store.articles import save_articles

log = logging.getLogger(__name__)


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

    @property
    def ledger(self) -> CrawlLedger:
        return self.spider.ledger  # type: ignore[attr-defined, no-any-return]

    def open_spider(self) -> None:
        self.engine = make_engine(self.settings.db)
        self.sessions = session_factory(self.engine)
        with session_scope(self.sessions) as session:
            self.source_ids = {source.name: source.id for source in session.query(Source)}
        self.processor = PageProcessor(self.settings)

    async def process_item(self, item: Any) -> ArticleRecord:
        tally = self.spider.tally[item.source]
        options = self.spider.sources[item.source].options
        self.ledger.entered(item.url)
        try:
            record = await self.processor.process(item, options.max_age_days)
        except DropArticle as exc:
            tally.dropped[exc.reason] += 1
            if isinstance(exc, ChallengePage):
                tally.blocked_reason = f"{exc} ({item.url})"
            self.ledger.settle(item.url)
            raise DropItem(f"{exc.reason}: {exc} ({item.url})") from None
        except Exception as exc:  # a lost worker, a bug in a stage: this page fails, the crawl goes on
            self._failed(item, exc)
            raise DropItem(f"not processed: {exc} ({item.url})") from None
        finally:
            self.ledger.worker_restarts = self.processor.restarts
        if record.title_only and record.title_only.startswith(ChallengePage.__name__):
            tally.blocked_reason = (
                f"{record.title_only} ({item.url})"  # kept by title, but the source is blocked
            )
        self.batch.append(record)
        if len(self.batch) >= self.settings.crawl.store_batch:
            self.flush()
        return record

    def _failed(self, item: ArticleRecord, exc: Exception) -> None:
        if isinstance(exc, PageLost):
            self.ledger.interrupt("pages lost to extraction workers that died (see the source errors)")
        else:
            log.error("processing %s failed", item.url, exc_info=exc)
        self.spider.tally[item.source].error(f"{type(exc).__name__} processing {item.url}: {exc}")
        self.ledger.fail(item.url)

    def close_spider(self) -> None:
        self.processor.close()
        self.flush()
        self.engine.dispose()

    def flush(self) -> list[str]:
        """Commit the batch: a crawl killed later keeps what was committed. Returns the URLs stored.

        A failed commit (a full disk, a dropped connection) fails the batch's pages, each an error
        against its source, and marks the crawl interrupted; later batches are still tried."""
        batch, self.batch = self.batch, []
        if not batch:
            return []
        by_source: dict[str, list[ArticleRecord]] = defaultdict(list)
        for record in batch:
            by_source[record.source].append(record)
        try:
            with session_scope(self.sessions) as session:
                results = {
                    name: save_articles(session, rows, self.source_ids) for name, rows in by_source.items()
                }
        except SQLAlchemyError as exc:
            self._store_failed(batch, exc)
            return []
        for name, result in results.items():
            self.spider.tally[name].new_articles += result.new
            self.spider.tally[name].updated_articles += result.updated
        for record in batch:
            self.ledger.settle(record.url)
        return [record.url for record in batch]

    def _store_failed(self, batch: list[ArticleRecord], exc: SQLAlchemyError) -> None:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        log.error("storing %d article(s) failed: %s", len(batch), reason)
        self.ledger.interrupt(f"storing articles failed: {reason}")
        for record in batch:
            self.spider.tally[record.source].error(f"not stored ({reason}): {record.url}")
            self.ledger.fail(record.url)
