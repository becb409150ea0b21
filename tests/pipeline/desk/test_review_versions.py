"""Optimistic concurrency in the desk service: versions, Conflict, and old/new values in the history."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import ReviewEvent
from pipeline.config import Settings
from pipeline.desk import review
from pipeline.desk.week import BadOrder, OrderConflict, accepted_ids, reorder
from pipeline.weeks import IsoWeek
from tests.pipeline.factories import record, store

W17 = IsoWeek(2018, 17)


def test_a_save_based_on_an_old_version_raises_conflict_with_what_is_saved(engine: Engine) -> None:
    (a,) = store(engine, record(1, 23))
    sessions = session_factory(engine)
    with session_scope(sessions) as session:
        assert review.version_of(session, a) == 0
        review.edit(session, a, title="甲的标题", actor="甲", expected_version=0)
        seen_by_both = review.version_of(session, a)
        review.edit(session, a, summary="甲的正文", actor="甲", expected_version=seen_by_both)
    with session_scope(sessions) as session, pytest.raises(review.Conflict) as conflict:
        review.edit(session, a, title="乙的标题", actor="乙", expected_version=seen_by_both)
    saved = conflict.value.saved
    assert (saved.title, saved.summary, saved.updated_by) == ("甲的标题", "甲的正文", "甲")
    with session_scope(sessions) as session, pytest.raises(review.Conflict):
        review.decide(session, [a], "reject", actor="乙", expected_version=seen_by_both)
    with session_scope(sessions) as session:
        details = [e.detail for e in session.scalars(select(ReviewEvent).order_by(ReviewEvent.id))]
    assert details == [
        {"changes": {"title": [None, "甲的标题"]}},
        {"changes": {"summary": [None, "甲的正文"]}},
    ]


def test_a_reorder_must_name_the_weeks_accepted_items_once_and_match_what_was_seen(engine: Engine) -> None:
    a, b, c = store(engine, record(1, 23), record(2, 24), record(3, 25))
    (elsewhere,) = store(engine, record(4, 16))
    settings = Settings()
    sessions = session_factory(engine)
    with session_scope(sessions) as session:
        review.decide(session, [a, b, elsewhere], "accept")
        seen = accepted_ids(session, settings, W17)
        for ids in ([a, a, b], [a], [a, b, elsewhere], [a, b, c]):
            with pytest.raises(BadOrder):
                reorder(session, settings, W17, ids, "甲", seen)
        flipped = seen[::-1]
        reorder(session, settings, W17, flipped, "甲", seen)
        with pytest.raises(OrderConflict):
            reorder(session, settings, W17, seen, "乙", seen)  # 乙 still saw the old order
        assert accepted_ids(session, settings, W17) == flipped
