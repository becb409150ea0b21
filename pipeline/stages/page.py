"""The per-page stages in order: extract -> relevance -> fingerprint. One call per fetched article page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pipeline.config import Settings
from pipeline.errors import TooOld
from pipeline.record import ArticleRecord
from pipeline.stages.extract.article import extract_article
from pipeline.stages.extract.bounds import time_limit
from pipeline.stages.fingerprint import fingerprint_record
from pipeline.stages.relevance import RelevanceModel, load_relevance, score_article


@dataclass(frozen=True)
class Stages:
    """What the stages need, built once per process (the relevance model loads its lexicon and rules)."""

    relevance: RelevanceModel
    max_elements: int | None = None  # crawl.max_page_elements
    max_seconds: float | None = None  # crawl.max_extract_seconds


def load_stages(settings: Settings) -> Stages:
    return Stages(
        relevance=load_relevance(settings.relevance),
        max_elements=settings.crawl.max_page_elements,
        max_seconds=settings.crawl.max_extract_seconds,
    )


def process_page(record: ArticleRecord, stages: Stages, max_age_days: int | None = None) -> ArticleRecord:
    """Extract, score and fingerprint one fetched page.

    Raises a DropArticle subclass for a page that is no article, PageTooComplex for one past the
    bounds of ``stages`` (elements, seconds)."""
    with time_limit(stages.max_seconds):
        return _process(record, stages, max_age_days)


def _process(record: ArticleRecord, stages: Stages, max_age_days: int | None) -> ArticleRecord:
    record = extract_article(record, max_elements=stages.max_elements)
    if (
        max_age_days
        and record.published_at
        and record.published_at < record.fetched_at - timedelta(max_age_days)
    ):
        raise TooOld(f"published {record.published_at:%Y-%m-%d}, older than {max_age_days} days")
    record = score_article(record, stages.relevance)
    return fingerprint_record(record)
