"""Retention: the raw pages of old articles are dropped; their extracted text, fields and history stay.

A page is kept gzip-compressed for re-extraction (``hitmon reextract``), which is worth it while the
extractor and rules still change for recent articles; years later it is most of the database and
nothing reads it. ``prune_raw_html`` sets ``html_gz`` to NULL for articles fetched before a cutoff, a
thousand at a time, each batch its own short transaction so that a crawl or an editor never waits long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select, update

from models.db import session_factory, session_scope
from models.schema import Article
from models.types import utcnow

BATCH = 1000  # articles per transaction


@dataclass(frozen=True, slots=True)
class Pruned:
    articles: int  # articles whose raw page was dropped
    bytes: int  # compressed bytes those pages held
    before: datetime  # the cutoff: pages fetched earlier were dropped

    def describe(self) -> str:
        day = self.before.date().isoformat()
        return f"dropped the raw HTML of {self.articles} article(s) fetched before {day} ({_mb(self.bytes)})"


def raw_html_cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)


def prune_raw_html(engine: Engine, before: datetime) -> Pruned:
    """Drop the raw page of every article fetched before ``before``; texts and all other fields stay."""
    sessions = session_factory(engine)
    articles = freed = 0
    while True:
        with session_scope(sessions) as session:
            query = (
                select(Article.id, func.length(Article.html_gz))
                .where(Article.fetched_at < before, Article.html_gz.is_not(None))
                .order_by(Article.fetched_at)
                .limit(BATCH)
            )
            batch = session.execute(query).all()
            if not batch:
                return Pruned(articles, freed, before)
            ids = [article_id for article_id, _ in batch]
            session.execute(update(Article).where(Article.id.in_(ids)).values(html_gz=None))
        articles += len(batch)
        freed += sum(size or 0 for _, size in batch)


def database_bytes(engine: Engine) -> int | None:
    """The database's size on disk: the SQLite file with its WAL, or PostgreSQL's database size."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return int(connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one())
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    from pathlib import Path

    files = (Path(database), Path(f"{database}-wal"))
    return sum(path.stat().st_size for path in files if path.exists())


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
