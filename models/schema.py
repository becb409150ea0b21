"""The database schema: SQLAlchemy 2.x typed declarative models.

Migrations in ``models/migrations`` create exactly this schema; a test compares the two.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from models.types import UTCDateTime, utcnow

# Named constraints keep migrations identical on SQLite (batch mode) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

URL_LENGTH = 2000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class SourceKind(StrEnum):
    LISTING = "listing"
    FEED = "feed"
    SITEMAP = "sitemap"


class HealthState(StrEnum):
    """A source's health (pipeline.ops.health)."""

    NEW = "new"  # never crawled
    OK = "ok"
    BLOCKED = "blocked"  # a challenge, 403 or verification page: the reason says which
    FAILING = "failing"  # errors on every page of its last crawl
    STALE = "stale"  # nothing new for longer than expected


class ReviewStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RunStatus(StrEnum):
    """How a crawl run or a scheduler job run ended (docs/operations.md)."""

    RUNNING = "running"
    FINISHED = "finished"  # did all it had to do
    INTERRUPTED = "interrupted"  # stopped, lost a worker or the lock, or could not store: resumed next time
    FAILED = "failed"
    ABANDONED = "abandoned"  # its process died; marked by the next run
    SKIPPED = "skipped"  # a job that did not run (another crawl held the lock)


CUT_SHORT = (RunStatus.INTERRUPTED, RunStatus.FAILED, RunStatus.ABANDONED)  # runs that left work undone


class Source(Base):
    """A site, feed or sitemap to crawl, as loaded from the sources file."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # a SourceKind
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    media: Mapped[str | None] = mapped_column(String(200))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)  # link_pattern, max_pages, obey_robots ...
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    health: Mapped[str] = mapped_column(String(20), default=HealthState.NEW.value)  # a HealthState
    health_reason: Mapped[str | None] = mapped_column(Text)
    health_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Story(Base):
    """A reprint cluster: the copies of one story across sites, with the copy that leads."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", use_alter=True, ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="story", foreign_keys="Article.story_id")


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), index=True)  # the URL fetched
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    media: Mapped[str | None] = mapped_column(String(200))
    author: Mapped[str | None] = mapped_column(String(200))
    fetched_at: Mapped[datetime] = mapped_column(index=True)  # a crawl groups and prunes by it
    html_gz: Mapped[bytes | None] = mapped_column(LargeBinary)  # raw response, gzip: re-extract later
    http_encoding: Mapped[str | None] = mapped_column(String(40))
    fingerprint: Mapped[str | None] = mapped_column(Text)  # MinHash signature, hex
    # Only a feed entry's title, link, date and account: its page failed, was blocked or too short.
    # Fetched again by later crawls and upgraded in place when the page comes.
    title_only: Mapped[bool] = mapped_column(Boolean, default=False)

    source: Mapped[Source | None] = relationship()
    story: Mapped[Story | None] = relationship(back_populates="articles", foreign_keys=[story_id])
    relevance: Mapped[Relevance | None] = relationship(back_populates="article", cascade="all, delete-orphan")
    review: Mapped[Review | None] = relationship(back_populates="article", cascade="all, delete-orphan")


class ArticleWords(Base):
    """An article's title and text as words (jieba, lexicon terms whole, search mode), space-separated: what
    the archive search indexes. SQLite puts an FTS5 table over it (``article_fts``), PostgreSQL a GIN index
    on its ``to_tsvector('simple', words)``; both are made by the migration only (see SEARCH_OBJECTS)."""

    __tablename__ = "article_words"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    words: Mapped[str] = mapped_column(Text, default="")
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleWordsQueue(Base):
    """Articles whose words are missing or out of date: stored, fetched again, or with a new title or text.
    Triggers of the migration (``article_fts_queue_*``) keep it; the archive search indexes what it holds
    and takes those rows off, so it never compares the whole archive with its words."""

    __tablename__ = "article_words_queue"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # moves on each time the article changes again


SEARCH_OBJECTS = "article_fts"  # the prefix of the search tables and indexes the models do not describe


def described_by_models(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """For comparing the database with the models: leave out the full-text objects of the migrations."""
    return not (name or "").startswith(SEARCH_OBJECTS)


class Relevance(Base):
    """The relevance result of one article: its score, whether it is flagged, and what matched."""

    __tablename__ = "relevance"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    matched: Mapped[list[str]] = mapped_column(default=list)
    probability: Mapped[float | None] = mapped_column(Float, nullable=True)  # the learned stage (ranking)
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="relevance")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="editor")  # editor | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A sign-in to the web app. The cookie carries a random token; only its SHA-256 is stored here, and a
    session ends server-side (sign-out, password change), whatever copies of the cookie exist."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie's token
    username: Mapped[str] = mapped_column(String(100), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # An edit posted after the sign-in expired, kept until the editor is back on that article.
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Review(Base):
    """The editor's decision on an article, and the edits that override the crawled fields."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(
        String(20), default=ReviewStatus.PENDING.value, index=True
    )  # a ReviewStatus
    title: Mapped[str | None] = mapped_column(Text)
    media: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)  # 主要内容; the full text when empty
    position: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic concurrency: every UPDATE checks and bumps it, so a save based on an older version fails
    # instead of silently putting back what another editor changed (pipeline.desk.review.Conflict).
    version: Mapped[int] = mapped_column(Integer, default=1)
    # An article the editor pasted into a week (ISO week): listed there whatever its publication date.
    week: Mapped[str | None] = mapped_column(String(10), index=True)
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    article: Mapped[Article] = relationship(back_populates="review")
    events: Mapped[list[ReviewEvent]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewEvent.id"
    )


class ReviewEvent(Base):
    """Every change to a review, with who made it and when."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # accept | reject | reset | edit | order
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    review: Mapped[Review] = relationship(back_populates="events")


class Issue(Base):
    """An exported bulletin: its number, ISO week, date and period."""

    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    week: Mapped[str] = mapped_column(String(10), index=True)  # ISO week, 2018-W17
    issued_on: Mapped[date] = mapped_column(Date)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    exported_at: Mapped[datetime] = mapped_column(default=utcnow)
    exported_by: Mapped[str | None] = mapped_column(String(100))

    items: Mapped[list[IssueItem]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueItem.position"
    )
    exports: Mapped[list[IssueExport]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueExport.id"
    )


class IssueExport(Base):
    """Each time an issue was exported, by whom, and whether it skipped numbers or replaced an export."""

    __tablename__ = "issue_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # first | again | gap
    actor: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    issue: Mapped[Issue] = relationship(back_populates="exports")


class IssueItem(Base):
    """One item of an exported issue, as printed (a snapshot: later edits do not change history)."""

    __tablename__ = "issue_items"
    __table_args__ = (UniqueConstraint("issue_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    media: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(URL_LENGTH))
    published_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)

    issue: Mapped[Issue] = relationship(back_populates="items")


class CrawlRun(Base):
    """One crawl: when, how it ended, and its totals."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING.value)  # a RunStatus
    trigger: Mapped[str] = mapped_column(String(20), default="manual")  # manual | schedule | demo | worker
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)

    sources: Mapped[list[CrawlSourceStats]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="CrawlSourceStats.id"
    )


class CrawlSourceStats(Base):
    """What one crawl did for one source: pages, new articles, errors, and why it stopped if it did."""

    __tablename__ = "crawl_source_stats"
    __table_args__ = (UniqueConstraint("run_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    new_articles: Mapped[int] = mapped_column(Integer, default=0)
    updated_articles: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)  # listing pages and feeds answered 304
    browser_pages: Mapped[int] = mapped_column(Integer, default=0)  # pages fetched through the browser
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)

    run: Mapped[CrawlRun] = relationship(back_populates="sources")
    source: Mapped[Source] = relationship()


class PageValidator(Base):
    """The ETag and Last-Modified a listing page or feed sent in the last finished crawl: the next crawl
    asks conditionally, and an unchanged page costs a 304."""

    __tablename__ = "page_validators"

    url: Mapped[str] = mapped_column(String(URL_LENGTH), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CrawlLock(Base):
    """Who is crawling: the lock on SQLite (heartbeat, stale takeover); on PostgreSQL, next to the advisory
    lock, only the holder's name and time (see pipeline.ops.crawl_lock)."""

    __tablename__ = "crawl_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "crawl"
    owner: Mapped[str] = mapped_column(String(200))  # user@host pid N (trigger)
    token: Mapped[str] = mapped_column(String(64))  # tells two holders with the same owner apart
    host: Mapped[str | None] = mapped_column(String(255))  # with pid: a holder that died here is seen at once
    pid: Mapped[int | None] = mapped_column(Integer)
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobRun(Base):
    """One run of a scheduler job (crawl, digest, maintenance): a restart finds what it missed here."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40), index=True)
    trigger: Mapped[str] = mapped_column(String(20), default="schedule")  # schedule | once
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING.value)  # a RunStatus
    detail: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(255))  # the scheduler that runs it: a restart on this
    pid: Mapped[int | None] = mapped_column(Integer)  # host marks the rows of a dead one abandoned
