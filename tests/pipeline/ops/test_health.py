from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.db import session_factory, session_scope
from models.schema import CrawlRun, CrawlSourceStats, Source
from pipeline.ops.health import assess_sources, health_changes, health_snapshot, mark_stale_sources
from pipeline.store.articles import save_sources
from tests.pipeline.factories import SOURCES, store

NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)
GOV, HIT = SOURCES[0].name, SOURCES[1].name


def crawled(session: Session, days_ago: int, **new_by_source: int) -> None:
    """A crawl ``days_ago`` that brought ``new_by_source[name]`` new articles from each named source."""
    run = CrawlRun(trigger="schedule", status="finished", started_at=NOW - timedelta(days=days_ago))
    ids = {s.name: s.id for s in session.scalars(select(Source))}
    names = {"gov": GOV, "hit": HIT}
    run.sources = [
        CrawlSourceStats(source_id=ids[names[k]], new_articles=n) for k, n in new_by_source.items()
    ]
    session.add(run)


def prepared(engine: Engine, added_days_ago: int = 30) -> Session:
    session = session_factory(engine)()
    save_sources(session, SOURCES)
    for source in session.scalars(select(Source)):
        source.created_at = NOW - timedelta(days=added_days_ago)
        source.health = "ok"
    session.flush()
    return session


def by_name(session: Session, default_days: int | None = 7) -> dict[str, tuple[str, str | None]]:
    return {a.name: (a.health, a.reason) for a in assess_sources(session, NOW, default_days)}


def test_a_source_with_nothing_new_for_longer_than_expected_is_stale(engine: Engine) -> None:
    with prepared(engine) as session:
        crawled(session, 10, gov=3, hit=2)
        crawled(session, 1, gov=0, hit=1)
        health = by_name(session)
        assert health[HIT] == ("ok", None)
        assert health[GOV] == ("stale", "nothing new for 10 days, since 2026-11-15 (expected within 7 days)")
        assert by_name(session, default_days=None)[GOV] == ("ok", None)


def test_a_source_may_expect_news_less_often(engine: Engine) -> None:
    with prepared(engine) as session:
        crawled(session, 10, gov=3, hit=3)
        session.scalars(select(Source).where(Source.name == GOV)).one().options = {
            "expect_new_within_days": 14
        }
        session.flush()
        health = by_name(session)
        assert health[GOV] == ("ok", None) and health[HIT][0] == "stale"
        gov = next(a for a in assess_sources(session, NOW, 7) if a.name == GOV)
        assert gov.expect_new_within_days == 14 and gov.last_new_at == NOW - timedelta(days=10)


def test_a_source_that_never_brought_anything_is_stale_after_its_grace(engine: Engine) -> None:
    with prepared(engine, added_days_ago=9) as session:
        crawled(session, 1, gov=0, hit=1)
        assert by_name(session)[GOV] == (
            "stale",
            "nothing new since it was added 9 days ago (expected within 7 days)",
        )
    with prepared(engine, added_days_ago=3) as session:
        assert by_name(session)[GOV] == ("ok", None)


def test_blocked_failing_new_and_disabled_sources_are_not_called_stale(engine: Engine) -> None:
    with prepared(engine) as session:
        crawled(session, 20, gov=1, hit=1)
        gov, hit = (session.scalars(select(Source).where(Source.name == n)).one() for n in (GOV, HIT))
        gov.health, gov.health_reason = "blocked", "HTTP 412 JavaScript challenge"
        hit.enabled = False
        session.flush()
        health = by_name(session)
        assert health[GOV] == ("blocked", "HTTP 412 JavaScript challenge")
        assert health[HIT] == ("ok", None)


def test_marking_and_the_changes_that_make_alerts(engine: Engine) -> None:
    with session_scope(session_factory(engine)) as session:
        prepared_session = prepared(engine)
        crawled(prepared_session, 10, gov=3, hit=3)
        crawled(prepared_session, 0, gov=0, hit=2)
        prepared_session.commit()
        prepared_session.close()
        before = health_snapshot(session)
        mark_stale_sources(session, NOW, 7)
        [change] = health_changes(before, session)
        assert (change.name, change.before, change.after, change.broke, change.recovered) == (
            GOV,
            "ok",
            "stale",
            True,
            False,
        )
        assert session.scalars(select(Source).where(Source.name == GOV)).one().health_at == NOW
        before = health_snapshot(session)
        crawled(session, 0, gov=1)  # it publishes again
        session.flush()
        mark_stale_sources(session, NOW, 7)
        [back] = health_changes(before, session)
        assert (back.before, back.after, back.recovered, back.broke) == ("stale", "ok", True, False)


def test_source_health_shows_the_latest_run_of_each_source(engine: Engine) -> None:
    store(engine)
    with session_scope(session_factory(engine)) as session:
        hit = session.scalar(select(Source).where(Source.name == "HIT前哨网"))
        assert hit is not None
        hit.health, hit.health_reason = "failing", "HTTP 500 on every page"
        for day, new in ((1, 5), (2, 3)):
            run = CrawlRun(started_at=datetime(2018, 4, day, tzinfo=UTC))
            run.sources.append(CrawlSourceStats(source_id=hit.id, new_articles=new, errors=day))
            session.add(run)
    with session_scope(session_factory(engine)) as session:
        health = {item.name: item for item in assess_sources(session, datetime(2018, 4, 3, tzinfo=UTC), None)}
    assert health["HIT前哨网"].last_new == 3 and health["HIT前哨网"].last_errors == 2
    assert health["HIT前哨网"].last_crawled_at == datetime(2018, 4, 2, tzinfo=UTC)
    assert (health["HIT前哨网"].health, health["HIT前哨网"].reason) == ("failing", "HTTP 500 on every page")
    assert health["江南省卫生健康委"].last_crawled_at is None and health["江南省卫生健康委"].health == "new"
