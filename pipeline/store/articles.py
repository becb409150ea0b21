"""Where a record becomes a row: upserts keyed on the canonical URL, and the sources table.

The canonical URL is what a page declares, so a hostile page could declare a stored article's URL and
overwrite it. A record replaces a stored article only when it comes from that article's own site (or
declares its own site's URL), and never one the editor accepted or an issue printed: otherwise it is
stored under the URL it was fetched from (a row of its own, for review), or held back when that is the
protected article itself.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.schema import Article, IssueItem, Relevance, Review, Source
from models.types import utcnow
from pipeline.record import ArticleRecord, gzip_page
from pipeline.store.sources import SourceSpec

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
    "title_only",
)


Item = TypeVar("Item")
ROWS_PER_STATEMENT = 200  # well under SQLite's limit of bound parameters per statement


@dataclass(frozen=True, slots=True)
class SaveResult:
    new: int
    updated: int
    article_ids: tuple[int, ...]  # of the records stored, in their order
    diverted: int = 0  # stored under their fetched URL: their canonical URL is another site's article
    held: int = 0  # not stored: a newer copy of an accepted or printed article, whose text stays


@dataclass(frozen=True, slots=True)
class _Stored:
    id: int
    url: str  # the URL the stored article was fetched from
    protected: bool  # accepted by the editor or printed in an issue: its text changes by hand only
    title_only: bool  # only a feed entry's title so far


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
    """Insert or update the records' article and relevance rows, a few statements for the whole batch.

    The upsert (ON CONFLICT on the canonical URL) keeps one row per article under concurrent writers.
    """
    records = list(records)
    if not records:
        return SaveResult(0, 0, ())
    _upgrade_title_only_links(session, records)
    stored = _stored(session, {key for r in records for key in (r.link, r.url)})
    placed = [_place(record, stored) for record in records]
    kept = [record for record in placed if record is not None]
    latest = {record.link: record for record in kept}  # a page twice in one batch: the later copy wins
    # A title-only entry never overwrites the full article stored before under its link.
    ids = {link: row.id for link, row in stored.items() if not row.title_only}
    latest = {link: r for link, r in latest.items() if not (r.title_only is not None and link in ids)}
    for chunk in _chunks(list(latest.values())):
        ids.update(_upsert_articles(session, chunk, source_ids))
        _upsert_relevance(session, [(ids[record.link], record) for record in chunk])
    new = len(latest.keys() - stored.keys())
    return SaveResult(
        new=new,
        updated=len(latest) - new,
        article_ids=tuple(ids[r.link] for r in kept),
        diverted=sum(p is not None and p.link != r.link for p, r in zip(placed, records, strict=True)),
        held=len(records) - len(kept),
    )


def _upgrade_title_only_links(session: Session, records: list[ArticleRecord]) -> None:
    """A title-only row is keyed on the feed's link; the page, once fetched, may declare another canonical
    URL. Move the row to that URL so the upsert upgrades it in place instead of adding a second row."""
    moved = {r.url: r.link for r in records if r.title_only is None and r.link != r.url}
    if not moved:
        return
    taken = set(
        session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(moved.values())))
    )
    for fetched, canonical in moved.items():
        if canonical not in taken:
            session.execute(
                update(Article)
                .where(Article.canonical_url == fetched, Article.title_only.is_(True))
                .values(canonical_url=canonical)
            )


def _stored(session: Session, urls: set[str]) -> dict[str, _Stored]:
    """The stored articles among these canonical URLs."""
    accepted = select(Review.id).where(Review.article_id == Article.id, Review.status == "accepted")
    printed = select(IssueItem.id).where(IssueItem.article_id == Article.id)
    query = select(
        Article.canonical_url,
        Article.id,
        Article.url,
        or_(accepted.exists(), printed.exists()),
        Article.title_only,
    )
    found: dict[str, _Stored] = {}
    for chunk in _chunks(sorted(urls)):
        for link, article_id, url, protected, title_only in session.execute(
            query.where(Article.canonical_url.in_(chunk))
        ):
            found[link] = _Stored(article_id, url, bool(protected), bool(title_only))
    return found


def _place(record: ArticleRecord, stored: dict[str, _Stored]) -> ArticleRecord | None:
    """The record as it may be stored: under its canonical URL, under its fetched URL, or not at all."""
    existing = stored.get(record.link)
    if existing is None or _may_replace(record, existing):
        return record
    own = record.evolve(canonical_url=None)  # keyed on the URL it was fetched from
    existing = stored.get(own.link)
    if own.link == record.link or (existing is not None and not _may_replace(own, existing)):
        return None
    return own


def _may_replace(record: ArticleRecord, existing: _Stored) -> bool:
    """A newer copy from the article's own site (or one declaring its own site) may update it, unless
    the editor accepted it or an issue printed it."""
    own_site = _site(record.url) in (_site(existing.url), _site(record.link))
    return own_site and not existing.protected


def _site(url: str) -> str:
    """host:port, without a leading www. (www.example.gov.cn and example.gov.cn are one site)."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    except ValueError:
        return url
    return f"{(parts.hostname or '').removeprefix('www.')}:{port}"


def _chunks(records: list[Item]) -> Iterator[list[Item]]:
    for start in range(0, len(records), ROWS_PER_STATEMENT):
        yield records[start : start + ROWS_PER_STATEMENT]


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _article_row(record: ArticleRecord, source_id: int | None) -> dict[str, object]:
    return {
        "canonical_url": record.link,
        "url": record.url,
        "source_id": source_id,
        "title": record.title,
        "text": record.text,
        "published_at": record.published_at,
        "media": record.media or record.source_media,
        "author": record.author,
        "fetched_at": record.fetched_at,
        "html_gz": record.html_gz or gzip_page(record.html),
        "http_encoding": record.http_encoding,
        "fingerprint": record.fingerprint,
        "title_only": record.title_only is not None,
    }


def _upsert_articles(
    session: Session, records: list[ArticleRecord], source_ids: dict[str, int]
) -> dict[str, int]:
    """canonical URL -> article id, for one multi-row upsert."""
    statement = _insert(session)(Article).values([_article_row(r, source_ids.get(r.source)) for r in records])
    statement = statement.on_conflict_do_update(
        index_elements=[Article.canonical_url],
        set_={name: statement.excluded[name] for name in ARTICLE_FIELDS},
    ).returning(Article.id, Article.canonical_url)
    return {link: article_id for article_id, link in session.execute(statement)}


# What re-extraction may change on a stored row (not its URLs, fetch time or raw page).
EXTRACTED_FIELDS = ("title", "text", "published_at", "media", "author", "fingerprint", "title_only")
SCORED_FIELDS = ("score", "flagged", "matched", "probability")


def update_article(session: Session, article: Article, record: ArticleRecord) -> bool:
    """Write a re-extracted ``record`` onto its stored row, in place by id; True when anything changed.

    The canonical URL moves only where no other row holds it (an upsert on it would make a second row)."""
    row = _article_row(record, article.source_id)
    fields = {name: row[name] for name in EXTRACTED_FIELDS}
    taken = record.canonical_url and session.scalar(
        select(Article.id).where(Article.canonical_url == record.canonical_url, Article.id != article.id)
    )
    if record.canonical_url and not taken:
        fields["canonical_url"] = record.canonical_url
    changed = any(getattr(article, name) != value for name, value in fields.items())
    for name, value in fields.items():
        setattr(article, name, value)
    scores = _relevance_row(article.id, record, utcnow())
    relevance = article.relevance or Relevance(article_id=article.id)
    rescored = any(getattr(relevance, name) != scores[name] for name in SCORED_FIELDS)
    for name, value in scores.items():
        setattr(relevance, name, value)
    session.add(relevance)
    return changed or rescored


def _relevance_row(article_id: int, record: ArticleRecord, now: datetime) -> dict[str, object]:
    return {
        "article_id": article_id,
        "score": record.score,
        "flagged": record.flagged,
        "matched": list(record.matched),
        "probability": record.probability,
        "scored_at": now,
    }


def _upsert_relevance(session: Session, scored: list[tuple[int, ArticleRecord]]) -> None:
    now = utcnow()
    rows = [_relevance_row(article_id, r, now) for article_id, r in scored]
    statement = _insert(session)(Relevance).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[Relevance.article_id],
        set_={name: statement.excluded[name] for name in (*SCORED_FIELDS, "scored_at")},
    )
    session.execute(statement)


def stored_urls(session: Session, source_id: int | None = None) -> set[str]:
    """Fetched and canonical URLs already stored: the crawl does not fetch these again. Title-only rows
    are left out, so their page is tried again and the row upgraded when it comes."""
    query = select(Article.url, Article.canonical_url).where(Article.title_only.is_(False))
    if source_id is not None:
        query = query.where(Article.source_id == source_id)
    return {url for row in session.execute(query) for url in row}


def raw_html(article: Article) -> bytes:
    """The response body as fetched, for re-extraction."""
    return gzip.decompress(article.html_gz) if article.html_gz else b""
