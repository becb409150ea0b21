"""A synthetic archive for ``benchmarks/scale.py``: N articles over five years, as a real one has them.

Everything is generated here (nothing from outside the project). The recent weeks have the same density
at every size, so what grows with N is the archive behind them, not the week under review:

- **older archive**: N - 13,000 articles spread over the five years before the recent weeks;
- **recent weeks**: four weeks of 2,000 articles, the last one the week under review (``WEEK``), with
  decisions in progress and no issue yet;
- **nightly crawl**: 5,000 pages fetched at ``CRAWL_STARTED``, not yet grouped: 3,500 new texts, 1,300
  copies of those, 150 copies of recent stories and 50 old pages published years ago.

Every article has relevance (about a third flagged), a text of about 400 characters, a fingerprint, a
gzip page of about 1 KB and its words for the archive search (one text in a hundred on each of the
``TOPICS``); one in ten belongs to a story of 2-4 copies. Each past week has an exported issue of 20
items and the editor's decisions (accepted and rejected, with events); every night has a crawl run with
per-source stats.

The rows are cheap to make: a few thousand texts (and their pages and words) are made once and shared,
so a row is a tuple of ids, times and references. The big tables go in with PostgreSQL's binary COPY (its
full-text index built once after) or, on SQLite, executemany in one transaction with the journal and
syncs off for the fill only; ids are given and the sequences set after.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import Connection, Engine, Table, func, select, update
from sqlalchemy import text as sql

from models.schema import (
    Article,
    CrawlRun,
    Issue,
    IssueItem,
    Relevance,
    Review,
    ReviewEvent,
    Source,
    Story,
)
from pipeline.stages.dedupe import fingerprint_to_hex, text_fingerprint
from pipeline.weeks import IsoWeek

CRAWL_STARTED = datetime(2026, 11, 27, 18, tzinfo=UTC)  # Saturday 02:00 in Shanghai
WEEK = IsoWeek.containing(date(2026, 11, 27))  # 2026-W48, under review
RECENT_WEEKS, PER_RECENT_WEEK = 4, 2000
NIGHTLY = 5000
YEARS = 5
SOURCES = 40
TEXTS = 1000  # distinct archive texts (copies of one story share one)
CHUNK = 10_000
WORDS = (  # noqa: SIM905 - a sentence of words reads better than a list of strings
    "医院 信息化 电子病历 互联网 医疗 平台 数据 共享 患者 医生 诊疗 服务 系统 建设 卫生 健康 委员会 "
    "区域 医共体 远程 会诊 预约 挂号 检查 检验 结果 互认 医保 结算 支付 处方 流转 药品 配送 基层 "
    "乡镇 卫生院 村医 家庭 签约 慢病 管理 公共卫生 应急 监测 预警 统计 标准 安全 等级 保护 网络 "
    "秋粮 收购 天气 交通 旅游 文化 教育 体育 招聘 公告 财政 预算 农业 水利 环境 治理"
).split()
# Topics of the archive search, lexicon terms kept whole: text n of a hundred speaks of TOPICS[n // 10]
# when n % 10 == 0, so each is in one article in a hundred (SEARCHED in about 10,000 of 1,000,000).
TOPICS = (  # noqa: SIM905
    "互联互通测评 电子病历应用水平分级评价 智慧服务分级评估 全民健康信息化 卫生信息标准 "
    "医疗信息化 健康信息化 卫生信息化 信息化发展规划 医院智慧服务分级"
).split()
SEARCHED = TOPICS[0]

Words = Callable[[str], str]  # a text as the archive search indexes it: its words, space-separated


@dataclass(frozen=True, slots=True)
class Text:
    title: str
    body: str
    fingerprint: str
    page: bytes  # gzip


@cache
def archive_texts(count: int, family: str) -> tuple[Text, ...]:
    rng = random.Random(f"{family} texts")
    return tuple(_text(rng, TOPICS[n // 10 % len(TOPICS)] if n % 10 == 0 else None) for n in range(count))


def _text(rng: random.Random, topic: str | None = None) -> Text:
    sentences = [_sentence(rng) for _ in range(rng.randint(20, 30))]
    if topic:
        sentences[rng.randrange(len(sentences))] = f"推进{topic}工作。"
    body = "".join(sentences)
    title = "".join(rng.choice(WORDS) for _ in range(4))
    page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>"
    return Text(title, body, fingerprint_to_hex(text_fingerprint(body)), gzip.compress(page.encode()))


def _sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))) + "。"


def near_copy(original: Text, rng: random.Random) -> Text:
    """A reprint: a 来源 line and one sentence more."""
    body = f"来源：媒体{rng.randrange(50)}\n{original.body}{_sentence(rng)}"
    return Text(original.title, body, fingerprint_to_hex(text_fingerprint(body)), original.page)


@dataclass
class Plan:
    """Where the N articles go in time, and the ids handed out so far."""

    size: int
    words: Words
    article_id: int = 0
    story_id: int = 0

    @property
    def older(self) -> int:
        return max(self.size - RECENT_WEEKS * PER_RECENT_WEEK - NIGHTLY, 0)

    @property
    def recent_start(self) -> datetime:
        return CRAWL_STARTED - timedelta(weeks=RECENT_WEEKS)

    @property
    def archive_start(self) -> datetime:
        return self.recent_start - timedelta(days=365 * YEARS)


ARTICLE_COLUMNS = [
    *("id", "canonical_url", "url", "source_id", "story_id", "title", "text", "published_at", "media"),
    *("author", "fetched_at", "html_gz", "http_encoding", "fingerprint", "title_only"),
]
RELEVANCE_COLUMNS = ["article_id", "score", "flagged", "matched", "scored_at"]
WORDS_COLUMNS = ["article_id", "words", "indexed_at"]
Row = tuple[object, ...]


def fill(engine: Engine, size: int, words: Words, seed: int = 1) -> None:
    """Write the archive of ``size`` articles into a migrated, empty database; ``words`` gives a text's
    words for the archive search (the relevance model's tokens)."""
    rng = random.Random(seed)
    plan = Plan(size, words)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:  # the fill only: a crash leaves a broken file, and the benchmark makes a new one
            connection.exec_driver_sql("PRAGMA journal_mode=OFF")
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
            connection.commit()
        with connection.begin():
            _insert(connection, Source.__table__, _sources())
            if not sqlite:  # one build of the full-text index after the rows, not a million updates
                connection.exec_driver_sql("DROP INDEX article_fts_gin")
                connection.exec_driver_sql("ALTER TABLE articles DISABLE TRIGGER article_fts_queue_insert")
            _insert_articles(connection, plan, _article_times(plan, rng), rng)
            _insert_nightly(connection, plan, rng)
            connection.exec_driver_sql("DELETE FROM article_words_queue")  # their words are written
            if not sqlite:
                connection.exec_driver_sql("ALTER TABLE articles ENABLE TRIGGER article_fts_queue_insert")
                connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
                connection.exec_driver_sql(
                    "CREATE INDEX article_fts_gin ON article_words USING gin (to_tsvector('simple', words))"
                )
            _set_leaders(connection)
            _insert_desk(connection, plan, rng)
            _insert_crawls(connection, plan, rng)
            _set_sequences(connection)
        if sqlite:
            connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            connection.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")  # weekly maintenance keeps the planner's statistics
        if sqlite:  # and folds the WAL back into the file
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _insert(connection: Connection, table: Table, rows: Iterator[dict[str, object]]) -> None:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)


def _bulk(connection: Connection, table: str, columns: list[str], rows: Iterable[Row]) -> None:
    """Rows as tuples in ``columns`` order: PostgreSQL's binary COPY, or SQLite's executemany."""
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor()
        types = cursor.execute(
            "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            (table,),
        ).fetchall()
        oid = dict(types)
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([oid[column] for column in columns])
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    driver.cursor().executemany(statement, (tuple(map(_sqlite_value, row)) for row in rows))


def _sqlite_value(value: object) -> object:
    """What SQLAlchemy would store: naive UTC times with microseconds, JSON as text."""
    if isinstance(value, datetime):
        return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _sources() -> Iterator[dict[str, object]]:
    for n in range(1, SOURCES + 1):
        url = f"http://127.0.0.1:1/site{n}/"
        yield {"id": n, "name": f"来源{n}", "kind": "listing", "url": url, "media": f"媒体{n}", "options": {}}


def _article_times(plan: Plan, rng: random.Random) -> Iterator[datetime]:
    """Publication times, oldest first: the older archive evenly over five years, then the recent weeks."""
    span = (plan.recent_start - plan.archive_start).total_seconds()
    for n in range(plan.older):
        yield plan.archive_start + timedelta(seconds=span * n / max(plan.older, 1) + rng.random() * 60)
    recent = RECENT_WEEKS * PER_RECENT_WEEK
    for n in range(recent):
        yield plan.recent_start + timedelta(seconds=RECENT_WEEKS * 7 * 86400 * n / recent)


class Batch:
    """Articles with their relevance, words and new stories, written CHUNK at a time."""

    def __init__(self, connection: Connection, words: Words):
        self.connection, self.words = connection, words
        self.indexed: dict[int, str] = {}  # id(text) -> its words: a text is segmented once
        self.articles: list[Row] = []
        self.relevance: list[Row] = []
        self.article_words: list[Row] = []
        self.stories: list[Row] = []

    def add(
        self,
        article_id: int,
        text: Text,
        published: datetime,
        fetched: datetime,
        story: int | None,
        rng: random.Random,
    ) -> None:
        source = rng.randint(1, SOURCES)
        url = f"http://127.0.0.1:1/site{source}/{article_id}.html"
        score = round(rng.random() * 10, 2)
        title = f"{text.title}{article_id}"
        self.articles.append(
            (
                article_id,
                url,
                url,
                source,
                story,
                title,
                text.body,
                published,
                f"媒体{source}",
                None,
                fetched,
                text.page,
                "utf-8",
                text.fingerprint,
                False,
            )
        )
        flagged = score >= 6.5
        self.relevance.append((article_id, score, flagged, ["电子病历"] if flagged else [], fetched))
        words = self.indexed.get(id(text))
        if words is None:
            words = self.indexed[id(text)] = self.words(f"{text.title}\n{text.body}")
        self.article_words.append((article_id, f"{title} {words}", fetched))
        if len(self.articles) >= CHUNK:
            self.write()

    def write(self) -> None:
        _bulk(self.connection, "stories", ["id", "leader_id", "created_at"], self.stories)
        _bulk(self.connection, "articles", ARTICLE_COLUMNS, self.articles)
        _bulk(self.connection, "relevance", RELEVANCE_COLUMNS, self.relevance)
        _bulk(self.connection, "article_words", WORDS_COLUMNS, self.article_words)
        self.stories, self.articles, self.relevance, self.article_words = [], [], [], []


def _insert_articles(
    connection: Connection, plan: Plan, times: Iterator[datetime], rng: random.Random
) -> None:
    texts = archive_texts(TEXTS, "archive")
    batch = Batch(connection, plan.words)
    copies_left, story, text = 0, None, texts[0]
    for published in times:
        if copies_left == 0:
            text = texts[rng.randrange(TEXTS)]
            story, copies_left = None, 1
            if rng.random() < 0.04:  # one article in ten ends up in a story of 2-4 copies
                plan.story_id += 1
                story, copies_left = plan.story_id, rng.randint(2, 4)
                batch.stories.append((story, None, published))
        copies_left -= 1
        plan.article_id += 1
        batch.add(plan.article_id, text, published, published + timedelta(hours=2), story, rng)
    batch.write()


def _insert_nightly(connection: Connection, plan: Plan, rng: random.Random) -> None:
    """The crawl's 5,000 pages: new texts, copies of them, copies of recent stories and old pages."""
    new = archive_texts(3500, "nightly")
    recent_copies = [near_copy(t, rng) for t in archive_texts(TEXTS, "archive")[:150]]
    pages = [*new, *(near_copy(rng.choice(new), rng) for _ in range(1300)), *recent_copies]
    batch = Batch(connection, plan.words)
    for n, text in enumerate(pages):
        published = CRAWL_STARTED - timedelta(hours=rng.randint(1, 24 * 6))
        plan.article_id += 1
        fetched = CRAWL_STARTED + timedelta(seconds=n / 2)
        batch.add(plan.article_id, text, published, fetched, None, rng)
    for n in range(NIGHTLY - len(pages)):  # pages the crawl found deep in a listing, years old
        plan.article_id += 1
        text = archive_texts(TEXTS, "archive")[n]
        published = plan.archive_start + timedelta(days=30 * n)
        batch.add(plan.article_id, text, published, CRAWL_STARTED + timedelta(hours=1), None, rng)
    batch.write()


def _set_leaders(connection: Connection) -> None:
    """Each story's first article leads it: one grouped pass, not a subquery per story."""
    first = (
        select(Article.story_id, func.min(Article.id).label("leader"))
        .where(Article.story_id.is_not(None))
        .group_by(Article.story_id)
        .subquery()
    )
    connection.execute(update(Story).values(leader_id=first.c.leader).where(Story.id == first.c.story_id))


def _weeks(plan: Plan) -> Iterator[IsoWeek]:
    week = WEEK.previous()
    while week.monday > plan.archive_start.date():
        yield week
        week = week.previous()


def _insert_desk(connection: Connection, plan: Plan, rng: random.Random) -> None:
    """Each past week: 50 decisions on flagged articles (20 accepted, printed in an exported issue)."""
    issues, items, reviews, events = [], [], [], []
    weeks = list(_weeks(plan))
    for number, week in enumerate(reversed(weeks), start=1):
        start = datetime.combine(week.monday, datetime.min.time(), tzinfo=UTC)
        flagged = _flagged_ids(connection, start, start + timedelta(days=7), 50)
        issues.append(_issue(number, week))
        for n, article_id in enumerate(flagged):
            status = "accepted" if n < 20 else "rejected"
            reviews.append(_review(len(reviews) + 1, article_id, status, n if n < 20 else None, start))
            events.append({"review_id": len(reviews), "action": status[:6], "detail": {}, "at": start})
            if n < 20:
                items.append(_item(number, n + 1, article_id, week))
    this_week = datetime.combine(WEEK.monday, datetime.min.time(), tzinfo=UTC)
    for n, article_id in enumerate(_flagged_ids(connection, this_week, CRAWL_STARTED, 70)):
        status = "accepted" if n < 30 else "rejected"
        reviews.append(_review(len(reviews) + 1, article_id, status, n if n < 30 else None, this_week))
        events.append({"review_id": len(reviews), "action": status[:6], "detail": {}, "at": this_week})
    _insert(connection, Issue.__table__, iter(issues))
    _insert(connection, IssueItem.__table__, iter(items))
    _insert(connection, Review.__table__, iter(reviews))
    _insert(connection, ReviewEvent.__table__, iter(events))


def _flagged_ids(connection: Connection, start: datetime, end: datetime, limit: int) -> list[int]:
    query = (
        select(Article.id)
        .join(Relevance)
        .where(Relevance.flagged.is_(True), Article.published_at >= start, Article.published_at < end)
        .order_by(Article.published_at)  # by id, SQLite would walk the whole table in id order
        .limit(limit)
    )
    return list(connection.scalars(query))


def _issue(number: int, week: IsoWeek) -> dict[str, object]:
    issued = datetime.combine(week.friday, datetime.min.time(), tzinfo=UTC)
    return {
        "id": number,
        "number": number,
        "week": str(week),
        "issued_on": week.friday,
        "period_start": week.monday,
        "period_end": week.day(7),
        "exported_at": issued,
        "exported_by": "editor1",
    }


def _item(issue: int, position: int, article_id: int, week: IsoWeek) -> dict[str, object]:
    link = f"http://127.0.0.1:1/item/{article_id}.html"
    return {
        "issue_id": issue,
        "article_id": article_id,
        "position": position,
        "title": f"条目{article_id}",
        "media": "媒体",
        "link": link,
        "published_on": week.monday,
        "body": "主要内容。",
    }


def _review(
    review_id: int, article_id: int, status: str, position: int | None, at: datetime
) -> dict[str, object]:
    return {
        "id": review_id,
        "article_id": article_id,
        "status": status,
        "position": position,
        "updated_by": "editor1",
        "updated_at": at,
    }


def _insert_crawls(connection: Connection, plan: Plan, rng: random.Random) -> None:
    """A crawl run every night of the five years, with each source's stats."""
    nights = (CRAWL_STARTED - plan.archive_start).days
    runs = []
    for n in range(nights):
        started = plan.archive_start + timedelta(days=n)
        runs.append(
            {
                "id": n + 1,
                "started_at": started,
                "finished_at": started + timedelta(minutes=40),
                "status": "finished",
                "trigger": "schedule",
                "stats": {},
            }
        )
    _insert(connection, CrawlRun.__table__, iter(runs))

    def source_stats() -> Iterator[Row]:
        for run in range(1, nights + 1):
            for source in range(1, SOURCES + 1):
                yield (run * SOURCES + source, run, source, 12, rng.randint(0, 9), 0, 0, 0, 0, 0)

    columns = (
        "id run_id source_id pages new_articles updated_articles dropped errors not_modified browser_pages"
    )
    _bulk(connection, "crawl_source_stats", columns.split(), source_stats())


def _set_sequences(connection: Connection) -> None:
    """Ids were given: PostgreSQL's sequences must continue after them (SQLite takes max(id) + 1)."""
    if connection.dialect.name != "postgresql":
        return
    for table in (
        "sources",
        "articles",
        "stories",
        "reviews",
        "review_events",
        "issues",
        "issue_items",
        "crawl_runs",
        "crawl_source_stats",
    ):
        connection.execute(
            sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 1)) FROM {table}")
        )
