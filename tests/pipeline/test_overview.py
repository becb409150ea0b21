from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import Article, CrawlRun, CrawlSourceStats, Source, Story
from pipeline.candidates import weekly_candidates
from pipeline.overview import candidate_sources, filter_candidates, source_health, story_copies, week_counts
from pipeline.weeks import IsoWeek
from tests.pipeline.factories import record, store

WEEK = IsoWeek(2018, 17)


def test_week_counts_per_local_day_and_per_source(engine: Engine) -> None:
    store(
        engine,
        record(1, 23, hour=1),  # 2018-04-23 01:00 in Shanghai: still Monday there (Sunday in UTC)
        record(2, 23, source="江南省卫生健康委", url="http://127.0.0.1:1/wsjkw/2.html"),
        record(3, 29, hour=23),
        record(4, 24, score=1.0),
        record(5, 30),  # the next week
    )
    with session_scope(session_factory(engine)) as session:
        flagged = week_counts(session, WEEK, "Asia/Shanghai")
        everything = week_counts(session, WEEK, "Asia/Shanghai", flagged_only=False)
    assert flagged.per_day[0] == (date(2018, 4, 23), 2)
    assert [count for _, count in flagged.per_day] == [2, 0, 0, 0, 0, 0, 1]
    assert flagged.per_source == (("HIT前哨网", 2), ("江南省卫生健康委", 1))
    assert [count for _, count in everything.per_day] == [2, 1, 0, 0, 0, 0, 1]


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
        health = {item.name: item for item in source_health(session)}
    assert health["HIT前哨网"].last_new == 3 and health["HIT前哨网"].last_errors == 2
    assert health["HIT前哨网"].last_run_at == datetime(2018, 4, 2, tzinfo=UTC)
    assert (health["HIT前哨网"].health, health["HIT前哨网"].reason) == ("failing", "HTTP 500 on every page")
    assert health["江南省卫生健康委"].last_run_at is None and health["江南省卫生健康委"].health == "new"


def test_story_copies_and_candidate_filters(engine: Engine) -> None:
    first, second, alone = store(
        engine,
        record(1, 23, title="电子病历 评级"),
        record(2, 24, title="转载 电子病历 评级", source="江南省卫生健康委"),
        record(3, 25, title="Internet 医院"),
    )
    with session_scope(session_factory(engine)) as session:
        story = Story()
        session.add(story)
        session.flush()
        for article_id in (first, second):
            session.get_one(Article, article_id).story_id = story.id
        story.leader_id = first
    with session_scope(session_factory(engine)) as session:
        assert [a.id for a in story_copies(session, first)] == [second]
        assert story_copies(session, alone) == [] and story_copies(session, 999) == []
        candidates = weekly_candidates(session, WEEK, "Asia/Shanghai")
    assert candidate_sources(candidates) == ["HIT前哨网"]
    assert [c.id for c in filter_candidates(candidates, search="internet")] == [alone]
    assert [c.id for c in filter_candidates(candidates, source="江南省卫生健康委")] == []
    assert len(filter_candidates(candidates)) == 2
