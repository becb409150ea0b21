from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from models.db import session_factory, session_scope
from models.schema import Article, Story
from pipeline.desk.candidates import weekly_candidates
from pipeline.desk.overview import (
    candidate_sources,
    filter_candidates,
    story_copies,
    week_counts,
)
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
