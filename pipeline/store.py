"""Where a record becomes a row: upserts keyed on the canonical URL, and the sources table."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.schema import Article, Relevance, Source
from models.types import utcnow
from pipeline.record import ArticleRecord
from pipeline.sources import SourceSpec

ARTICLE_FIELDS = (
    "url",
    "source_id",
    "title",
    "text",
    "published_at",
    "media",
    "author",
    "fetched_at",
    "html_gz",
    "http_encoding",
    "fingerprint",
)


@dataclass(frozen=True, slots=True)
class SaveResult:
    new: int
    updated: int
    article_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SourcesResult:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    not_in_file: tuple[str, ...]


def save_sources(session: Session, specs: Sequence[SourceSpec]) -> SourcesResult:
    """Add or update sources by name.

    Sources missing from the file are kept: their articles refer to them."""
    existing = {source.name: source for source in session.scalars(select(Source))}
    added, updated = [], []
    for spec in specs:
        source = existing.get(spec.name)
        if source is None:
            source = Source(name=spec.name)
            session.add(source)
            added.append(spec.name)
        else:
            updated.append(spec.name)
        source.kind, source.url, source.media = spec.kind, spec.url, spec.media_name
        source.options, source.enabled = spec.options(), spec.enabled
    session.flush()
    missing = sorted(set(existing) - {spec.name for spec in specs})
    return SourcesResult(tuple(added), tuple(updated), tuple(missing))


def save_articles(
    session: Session, records: Iterable[ArticleRecord], source_ids: dict[str, int]
) -> SaveResult:
    """Insert or update each record's article and relevance rows; one flush for the batch.

    The upsert (ON CONFLICT on the canonical URL) keeps one row per article under concurrent writers.
    """
    records = list(records)
    if not records:
        return SaveResult(0, 0, ())
    links = [record.link for record in records]
    known = set(session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(links))))
    ids = [_upsert_article(session, record, source_ids.get(record.source)) for record in records]
    for article_id, record in zip(ids, records, strict=True):
        _upsert_relevance(session, article_id, record)
    new = len(set(links) - known)
    return SaveResult(new=new, updated=len(set(links)) - new, article_ids=tuple(ids))


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _upsert_article(session: Session, record: ArticleRecord, source_id: int | None) -> int:
    values = {
        "canonical_url": record.link,
        "url": record.url,
        "source_id": source_id,
        "title": record.title,
        "text": record.text,
        "published_at": record.published_at,
        "media": record.media or record.source_media,
        "author": record.author,
        "fetched_at": record.fetched_at,
        "html_gz": gzip.compress(record.html, compresslevel=6) if record.html else None,
        "http_encoding": record.http_encoding,
        "fingerprint": record.fingerprint,
    }
    statement = _insert(session)(Article).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[Article.canonical_url],
        set_={name: statement.excluded[name] for name in ARTICLE_FIELDS},
    ).returning(Article.id)
    return session.execute(statement).scalar_one()


def _upsert_relevance(session: Session, article_id: int, record: ArticleRecord) -> None:
    values = {
        "article_id": article_id,
        "score": record.score,
        "flagged": record.flagged,
        "matched": list(record.matched),
        "scored_at": utcnow(),
    }
    statement = _insert(session)(Relevance).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[Relevance.article_id],
        set_={name: statement.excluded[name] for name in ("score", "flagged", "matched", "scored_at")},
    )
    session.execute(statement)


def stored_urls(session: Session, source_id: int | None = None) -> set[str]:
    """Fetched and canonical URLs already stored: the crawl does not fetch these again."""
    query = select(Article.url, Article.canonical_url)
    if source_id is not None:
        query = query.where(Article.source_id == source_id)
    return {url for row in session.execute(query) for url in row}


def raw_html(article: Article) -> bytes:
    """The response body as fetched, for re-extraction."""
    return gzip.decompress(article.html_gz) if article.html_gz else b""
