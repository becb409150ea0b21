"""Records and rows for tests, written here (no crawl needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Engine

from models.db import session_factory, session_scope
from models.schema import Source
from pipeline.record import ArticleRecord
from pipeline.store.articles import save_articles, save_sources
from pipeline.store.sources import SourceSpec

SHANGHAI = timezone(timedelta(hours=8))
SOURCES = [
    SourceSpec(
        name="江南省卫生健康委", kind="listing", url="http://127.0.0.1:1/wsjkw/", media="江南省卫生健康委"
    ),
    SourceSpec(name="HIT前哨网", kind="listing", url="http://127.0.0.1:1/hit/"),
]


def record(
    n: int, day: int, *, hour: int = 10, score: float = 5.0, source: str = "HIT前哨网", **fields
) -> ArticleRecord:
    values = {
        "url": f"http://127.0.0.1:1/hit/{n}.html",
        "source": source,
        "fetched_at": datetime(2018, 5, 1, tzinfo=UTC),
        "html": f"<html><body><p>第{n}篇</p></body></html>".encode(),
        "title": f"第{n}篇 电子病历",
        "text": f"第{n}篇正文。\n第二段。",
        "published_at": datetime(2018, 4, day, hour, tzinfo=SHANGHAI),
        "media": "HIT前哨网",
        "score": score,
        "flagged": score >= 3.0,
        "matched": ("电子病历",) if score >= 3.0 else (),
        **fields,
    }
    return ArticleRecord(**values)


def store(engine: Engine, *records: ArticleRecord) -> tuple[int, ...]:
    with session_scope(session_factory(engine)) as session:
        save_sources(session, SOURCES)
        ids = {s.name: s.id for s in session.query(Source)}
        return save_articles(session, records, ids).article_ids
