"""The archive search's queue: what waits to be indexed is what was stored or changed, never a comparison
of the whole archive with its words (triggers of migration 0011, on both backends)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select, update

from models.db import session_factory, session_scope
from models.schema import Article, ArticleWords, ArticleWordsQueue
from pipeline.config import Settings
from pipeline.desk.archive import refresh_index, search_archive
from pipeline.stages.relevance import load_relevance
from tests.pipeline.factories import record, store


def queued(engine: Engine) -> dict[int, int]:
    with session_scope(session_factory(engine)) as session:
        return dict(session.execute(select(ArticleWordsQueue.article_id, ArticleWordsQueue.version)).all())


def test_stored_and_changed_articles_wait_in_the_queue_until_a_search_indexes_them(engine: Engine) -> None:
    model = load_relevance(Settings().relevance)
    first, second = store(engine, record(1, 2, title="互联网医院建设"), record(2, 3, title="天气预报"))
    assert queued(engine) == {first: 1, second: 1}
    with session_scope(session_factory(engine)) as session:
        assert search_archive(session, model, "互联网医院", "Asia/Shanghai").found[0].id == first
    assert queued(engine) == {}

    store(engine, record(2, 3, title="互联网医院开诊", fetched_at=datetime(2018, 5, 2, tzinfo=UTC)))
    with session_scope(session_factory(engine)) as session:
        session.execute(update(Article).where(Article.id == first).values(media="别家"))  # not searched
    assert queued(engine) == {second: 1}
    with session_scope(session_factory(engine)) as session:
        result = search_archive(session, model, "开诊", "Asia/Shanghai")
        assert [f.id for f in result.found] == [second] and result.unindexed == 0


def test_an_article_changed_again_while_being_indexed_stays_queued(engine: Engine) -> None:
    model = load_relevance(Settings().relevance)
    (article,) = store(engine, record(1, 2, title="互联网医院建设"))

    with session_scope(session_factory(engine)) as session:

        class ChangedMeanwhile:  # the crawl stores the article again while its words are being written
            def tokens(self, text: str, *, parts: bool = False) -> list[str]:
                session.execute(update(ArticleWordsQueue).values(version=ArticleWordsQueue.version + 1))
                return model.tokens(text, parts=parts)

        assert refresh_index(session, ChangedMeanwhile()) == 1  # type: ignore[arg-type]
        assert session.scalar(select(func.count()).select_from(ArticleWords)) == 1
    assert queued(engine) == {article: 2}


def test_the_migration_queues_what_was_never_indexed(engine: Engine) -> None:
    from models.db import downgrade_database, upgrade_database

    ids = store(engine, record(1, 2), record(2, 3))
    downgrade_database(engine, "0010")
    upgrade_database(engine)
    assert sorted(queued(engine)) == sorted(ids)
