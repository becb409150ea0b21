"""Archive search: every stored article by words and date range, so the editor can look up earlier
coverage of a topic.

Chinese has no spaces, so articles are indexed as words: the relevance model's jieba tokenizer (lexicon
terms kept whole, search mode adding a long word's parts) writes them, space-separated, into
``article_words``; SQLite searches them with FTS5, PostgreSQL with ``to_tsvector('simple', ...)`` and its
GIN index (both made by migration 0007). The index is brought up to date before each search, at most
``INDEX_BATCH`` articles at a time, so a new crawl's articles are found without a separate job: those
waiting are in ``article_words_queue``, which triggers fill (migration 0011), so a search reads the
queue rather than the whole archive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, delete, func, select, text, tuple_
from sqlalchemy.orm import Session

from models.schema import Article, ArticleWords, ArticleWordsQueue
from models.types import utcnow
from pipeline.desk.printed import printed
from pipeline.stages.relevance import RelevanceModel
from pipeline.weeks import local_midnight_utc

INDEX_BATCH = 2000  # articles segmented per search at most (jieba: a few ms each)
MAX_RESULTS = 200
MAX_TERMS = 10


@dataclass(frozen=True, slots=True)
class Found:
    id: int
    title: str
    media: str
    published_at: datetime | None
    source: str | None
    story_id: int | None
    status: str


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    terms: tuple[str, ...]  # the query as words, as searched
    found: list[Found]
    indexed: int  # articles newly (re)indexed before this search
    more: bool  # more than MAX_RESULTS matched
    unindexed: int = 0  # articles still waiting to be indexed: the results may miss them


def search_archive(
    session: Session,
    model: RelevanceModel,
    query: str,
    timezone: str,
    start: date | None = None,
    end: date | None = None,
) -> ArchiveResult:
    """Articles containing every word of ``query``, published from ``start`` to ``end`` (local dates,
    inclusive), newest first."""
    indexed = refresh_index(session, model)
    waiting = session.scalar(select(func.count()).select_from(ArticleWordsQueue)) or 0
    terms = tuple(dict.fromkeys(model.tokens(query)))[:MAX_TERMS]
    if not terms:
        return ArchiveResult((), [], indexed, False, waiting)
    ids = select(ArticleWords.article_id).where(_matching(session, terms))
    statement = select(Article).where(Article.id.in_(ids))
    statement = _in_period(statement, timezone, start, end)
    statement = statement.order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
    articles = list(session.scalars(statement.limit(MAX_RESULTS + 1)))
    found = [_found(article) for article in articles[:MAX_RESULTS]]
    return ArchiveResult(terms, found, indexed, len(articles) > MAX_RESULTS, waiting)


def refresh_index(session: Session, model: RelevanceModel, limit: int | None = None) -> int:
    """Index the articles not indexed yet, or changed since (at most ``limit``, default INDEX_BATCH);
    returns how many."""
    batch = INDEX_BATCH if limit is None else limit
    queued = session.execute(
        select(ArticleWordsQueue.article_id, ArticleWordsQueue.version)
        .order_by(ArticleWordsQueue.article_id)
        .limit(batch)
    ).all()
    ids = [article_id for article_id, _ in queued]
    articles = list(session.scalars(select(Article).where(Article.id.in_(ids)).order_by(Article.id)))
    now = utcnow()
    for article in articles:
        words = " ".join(model.tokens(f"{article.title}\n{article.text}", parts=True))
        row = session.get(ArticleWords, article.id)
        if row is None:
            session.add(ArticleWords(article_id=article.id, words=words, indexed_at=now))
        else:
            row.words, row.indexed_at = words, now
    if queued:  # an article changed again meanwhile has a new version: it stays for the next search
        pairs = tuple_(ArticleWordsQueue.article_id, ArticleWordsQueue.version).in_(
            [tuple(row) for row in queued]
        )
        session.execute(delete(ArticleWordsQueue).where(pairs))
    session.flush()
    return len(articles)


def _matching(session: Session, terms: tuple[str, ...]):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "postgresql":
        vector = func.to_tsvector(text("'simple'"), ArticleWords.words)
        return vector.op("@@")(func.plainto_tsquery(text("'simple'"), " ".join(terms)))
    phrase = " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)  # each word, literally
    matches = text("article_fts MATCH :phrase").bindparams(phrase=phrase)
    return ArticleWords.article_id.in_(select(text("rowid")).select_from(text("article_fts")).where(matches))


def _in_period(statement: Select, timezone: str, start: date | None, end: date | None) -> Select:  # type: ignore[type-arg]
    bounds = []
    if start is not None:
        bounds.append(Article.published_at >= local_midnight_utc(start, timezone))
    if end is not None:
        bounds.append(Article.published_at < local_midnight_utc(end + timedelta(days=1), timezone))
    return statement.where(and_(*bounds)) if bounds else statement


def _found(article: Article) -> Found:
    shown = printed(article)
    return Found(
        id=article.id,
        title=shown.title,
        media=shown.media,
        published_at=article.published_at,
        source=article.source.name if article.source else None,
        story_id=article.story_id,
        status=article.review.status if article.review else "pending",
    )
