from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from models.db import session_factory, session_scope
from models.schema import Article, Story
from pipeline.config import Settings
from pipeline.desk import review
from pipeline.desk.candidates import Candidate, weekly_candidates
from pipeline.desk.issues import plan_issue, record_issue
from pipeline.errors import HitmonError
from pipeline.weeks import IsoWeek
from tests.pipeline.factories import record, store

W16, W17, W18 = IsoWeek(2018, 16), IsoWeek(2018, 17), IsoWeek(2018, 18)
TZ = "Asia/Shanghai"


def candidates(engine: Engine, week: IsoWeek = W17, **kwargs: bool):  # type: ignore[no-untyped-def]
    with session_scope(session_factory(engine)) as session:
        return weekly_candidates(session, week, TZ, **kwargs)


def test_week_window_is_read_in_shanghai_time(engine: Engine) -> None:
    # Monday 00:30 in Shanghai is Sunday in UTC; Sunday 23:30 is still W17.
    early, late, before = record(1, 23, hour=0), record(2, 29, hour=23), record(3, 22, hour=23)
    store(engine, early, late, before)
    assert sorted(c.title for c in candidates(engine)) == ["第1篇 电子病历", "第2篇 电子病历"]


def test_ranked_by_score_and_unflagged_only_with_all(engine: Engine) -> None:
    ids = store(engine, record(1, 23, score=4), record(2, 24, score=9), record(3, 25, score=1))
    assert [c.id for c in candidates(engine)] == [ids[1], ids[0]]
    assert [c.id for c in candidates(engine, flagged_only=False)] == [ids[1], ids[0], ids[2]]


def test_a_story_shows_once_with_its_reprint_count(engine: Engine) -> None:
    original, reprint, other = store(engine, record(1, 23), record(2, 24, score=7), record(3, 24))
    with session_scope(session_factory(engine)) as session:
        story = Story(leader_id=original)
        session.add(story)
        session.flush()
        for article_id in (original, reprint):
            session.get_one(Article, article_id).story_id = story.id
    rows = candidates(engine)
    assert sorted((c.id, c.reprints) for c in rows) == [(original, 1), (other, 0)]
    lead = next(c for c in rows if c.id == original)
    assert lead.score == 7  # the story ranks by its best copy


def test_review_then_issue_then_gone_from_next_week(engine: Engine) -> None:
    a, b, c = store(engine, record(1, 23), record(2, 24), record(3, 27, hour=20))
    late_friday = store(engine, record(4, 28))[0]  # Saturday of W17: after the issue's Mon-Fri period
    sessions = session_factory(engine)
    with session_scope(sessions) as session:
        review.decide(session, [a, b, c], "accept", actor="editor")
        review.decide(session, [c], "reject")
        review.order(session, [b, a])
        review.edit(session, a, title="改过的标题", media="改过的媒体", summary="摘要。")
        with pytest.raises(HitmonError, match="只有已采用"):
            review.order(session, [c])
    with session_scope(sessions) as session:
        planned = plan_issue(session, Settings(), W17, number=296)
        bulletin = planned.bulletin
        assert (bulletin.number, bulletin.issued, bulletin.period_start, bulletin.period_end) == (
            296,
            date(2018, 4, 27),
            date(2018, 4, 23),
            date(2018, 4, 27),
        )
        assert [i.title for i in bulletin.items] == ["第2篇 电子病历", "改过的标题"]
        assert (bulletin.items[1].media, bulletin.items[1].body, bulletin.items[0].published) == (
            "改过的媒体",
            "摘要。",
            date(2018, 4, 24),
        )
        record_issue(session, planned, actor="editor")
    with session_scope(sessions) as session:
        assert plan_issue(session, Settings(), W18).bulletin.number == 297
        with pytest.raises(HitmonError, match="已用于 2018-W17"):
            record_issue(session, plan_issue(session, Settings(), W18, number=296))
    # Exported items leave later lists; the weekend after the issue's period joins the next week.
    (monday,) = store(engine, record(5, 30))
    assert {row.id for row in candidates(engine, W18)} == {late_friday, monday}
    assert {row.id for row in candidates(engine, W17)} >= {a, b}  # re-exporting the same week still sees them


def test_reexport_replaces_items(engine: Engine) -> None:
    a, b = store(engine, record(1, 23), record(2, 24))
    sessions = session_factory(engine)
    for accepted in ([a], [a, b]):
        with session_scope(sessions) as session:
            review.decide(session, accepted, "accept")
            record_issue(session, plan_issue(session, Settings(), W17))
    with session_scope(sessions) as session:
        planned = plan_issue(session, Settings(), W17)
        assert planned.bulletin.number == 1 and len(planned.bulletin.items) == 2


class LeaningEditor:
    """Stands in for a trained EditorModel: accepts items whose title holds a word."""

    def __init__(self, liked: str):
        self.liked = liked
        self.asked = 0  # items it was asked about

    def accept_probabilities(self, items: list[tuple[str, str, str]], verdicts: object = None) -> list[float]:
        self.asked += len(items)
        return [0.9 if self.liked in title else 0.1 for title, _, _ in items]


def test_an_editor_model_moves_candidates_by_its_leaning(engine: Engine) -> None:
    plain, liked = store(engine, record(1, 23, score=6.0), record(2, 24, score=6.0, title="医保结算系统上线"))
    assert [c.id for c in candidates(engine)] == [liked, plain]  # same relevance: the newer first
    with session_scope(session_factory(engine)) as session:
        ranked = weekly_candidates(session, W17, TZ, editor=LeaningEditor("电子病历"), editor_weight=6.0)
    assert [c.id for c in ranked] == [plain, liked]
    assert ranked[0].rank_score - ranked[1].rank_score == pytest.approx(4.8, abs=0.01)


def test_the_editor_model_moves_only_the_listed_candidates(engine: Engine) -> None:
    """Unflagged articles (listed only with --all) are not scored by the editor model: a week holds many of
    them, and they keep the rank stage 1 gave them."""
    unflagged = record(2, 24, score=1.0, title="医保结算系统上线")
    listed, unlisted = store(engine, record(1, 23, score=6.0), unflagged)
    editor = LeaningEditor("医保")
    with session_scope(session_factory(engine)) as session:
        plain = {c.id: c.rank_score for c in weekly_candidates(session, W17, TZ, flagged_only=False)}
        ranked = weekly_candidates(session, W17, TZ, flagged_only=False, editor=editor, editor_weight=6.0)
    moved = {c.id: c.rank_score for c in ranked}
    assert moved[unlisted] == plain[unlisted]  # liked by the editor model, but never asked
    assert moved[listed] == pytest.approx(plain[listed] - 2.4, abs=0.01)  # leaning 0.1 of weight 6
    assert editor.asked == 1


@pytest.mark.parametrize(
    ("probability", "percent"), [(None, None), (0.29, 29), (0.42, 42), (0.998, 99), (1.0, 100), (0.0, 0)]
)
def test_the_probability_is_shown_in_whole_percent_rounded_down(
    probability: float | None, percent: int | None
) -> None:
    candidate = Candidate(
        id=1,
        title="第1篇 电子病历",
        media="HIT前哨网",
        published_at=None,
        url="http://127.0.0.1:1/hit/1.html",
        score=1.0,
        rank_score=1.0,
        flagged=True,
        matched=(),
        reprints=0,
        status="pending",
        position=None,
        source=None,
        probability=probability,
    )
    assert candidate.percent == percent
