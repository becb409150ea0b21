from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import ReviewEvent
from pipeline.config import RelevanceSettings
from pipeline.desk import review
from pipeline.desk.editor_model import (
    BODY_CHARS,
    decisions_for_training,
    editor_tokenizer,
    train_editor_model,
)
from pipeline.desk.ranking import rerank_score
from pipeline.stages.relevance import load_relevance
from tests.pipeline.factories import record, store

PLACES = ["省", "市", "县", "区", "某地", "全国", "我市", "多地", "江南省", "西部", "本市", "山区"]
INSURANCE = ["医保电子凭证推广", "医保结算提速", "医保码上线"] * 4
HIRING = ["医院招聘护士", "医院招聘医生公告", "医院公开招聘"] * 4
ACCEPTED = [place + what for place, what in zip(PLACES, INSURANCE, strict=True)]
REJECTED = [place + what for place, what in zip(PLACES, HIRING, strict=True)]


@pytest.fixture(scope="module")
def tokens():
    return editor_tokenizer(load_relevance(RelevanceSettings()))


def planted() -> list[tuple[str, str, str, bool]]:
    """An editor who accepts every 医保 item and rejects every 医院招聘 one."""
    accepted = [(title, f"{title}，方便群众办事。", "日报", True) for title in ACCEPTED]
    rejected = [(title, f"{title}，欢迎报名。", "日报", False) for title in REJECTED]
    return accepted + rejected


def test_no_model_below_min_decisions_or_with_one_kind_of_decision(tokens) -> None:
    examples = planted()
    assert train_editor_model(examples[:19], tokens, min_decisions=20) is None
    assert train_editor_model([e for e in examples if e[3]], tokens, min_decisions=5) is None
    assert train_editor_model([e for e in examples if not e[3]], tokens, min_decisions=5) is None
    model = train_editor_model(examples, tokens, min_decisions=20)
    assert model is not None
    assert (model.accepted, model.rejected) == (12, 12)


def test_a_planted_preference_ranks_unseen_items(tokens) -> None:
    model = train_editor_model(planted(), tokens)
    assert model is not None
    insurance = model.accept_probability("医保支付方式改革在全省推开", "参保群众受益。", "晚报")
    hiring = model.accept_probability("人民医院招聘临床医生", "报名时间为五月。", "晚报")
    neutral = model.accept_probability("春季天气多变", "注意增减衣物。", "晚报")
    assert insurance > 0.6 > 0.4 > hiring
    assert insurance > neutral > hiring
    accept_words, reject_words = model.strongest_features(5)
    assert "t:医保" in accept_words
    assert {"t:招聘", "b:招聘"} & set(reject_words)


def test_training_is_deterministic(tokens) -> None:
    items = [("医保结算提速", "群众受益。", "日报"), ("医院招聘", "报名。", "日报"), ("天气", "", "")]
    first = train_editor_model(planted(), tokens)
    second = train_editor_model(list(reversed(planted())), tokens)
    assert first is not None and second is not None
    assert first.accept_probabilities(items) == train_editor_model(planted(), tokens).accept_probabilities(
        items
    )
    assert first.accept_probabilities(items) == pytest.approx(second.accept_probabilities(items), abs=1e-6)
    assert first.accept_probabilities([]) == []


def test_rerank_score_moves_base_by_at_most_half_the_weight() -> None:
    assert rerank_score(5.0, 0.5, 6.0) == 5.0
    assert rerank_score(5.0, 1.0, 6.0) == 8.0
    assert rerank_score(5.0, 0.0, 6.0) == 2.0
    assert rerank_score(5.0, 0.9, 0.0) == 5.0


def test_decisions_come_from_accepted_and_rejected_reviews_only(engine: Engine) -> None:
    ids = store(
        engine,
        record(1, 23, title="医保码上线", text="全市药店可用。"),
        record(2, 24, title="医院招聘", text="欢迎报名。", media=None, source="江南省卫生健康委"),
        record(3, 25, title="待定稿件"),
        record(4, 26, title="撤回的决定"),
    )
    with session_scope(session_factory(engine)) as session:
        review.decide(session, [ids[0], ids[3]], "accept", actor="editor")
        review.decide(session, [ids[1]], "reject", actor="editor")
        review.review_for(session, ids[2])  # pending: no decision
        review.decide(session, [ids[3]], "reset", actor="editor")
        review.edit(session, ids[0], title="编辑改过的标题")
    with session_scope(session_factory(engine)) as session:
        decisions = sorted(decisions_for_training(session))
    assert decisions == [
        ("医保码上线", "全市药店可用。", "HIT前哨网", True),  # the crawled title, not the edited one
        ("医院招聘", "欢迎报名。", "江南省卫生健康委", False),  # no media of its own: the source's
    ]


def test_decisions_before_a_time_and_latest_first(engine: Engine) -> None:
    ids = store(engine, *(record(n, 23, title=f"稿件{n}") for n in range(1, 4)))
    with session_scope(session_factory(engine)) as session:
        review.decide(session, ids, "accept")
        events = session.scalars(select(ReviewEvent).order_by(ReviewEvent.id)).all()
        for day, event in zip((20, 22, 21), events, strict=True):
            event.at = datetime(2018, 4, day, tzinfo=UTC)
        review.edit(session, ids[0], summary="later edit is no new decision")
    with session_scope(session_factory(engine)) as session:
        assert [d[0] for d in decisions_for_training(session, limit=2)] == ["稿件2", "稿件3"]
        before = datetime(2018, 4, 21, 12, tzinfo=UTC)
        assert [d[0] for d in decisions_for_training(session, before=before)] == ["稿件3", "稿件1"]


def test_only_the_lede_of_the_body_counts(tokens) -> None:
    model = train_editor_model(planted(), tokens)
    assert model is not None
    lede = "春季天气多变。" * (BODY_CHARS // 7 + 1)
    plain, late = model.accept_probabilities([("通知", lede, ""), ("通知", lede + "医保医保医保", "")])
    early = model.accept_probability("通知", "医保医保医保" + lede, "")
    assert plain == late < early


def test_editor_model_for_uses_only_decisions_made_before_the_week(engine) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from pipeline.desk.editor_model import editor_model_for

    liked = [record(n, 23, title=f"医保结算系统第{n}期上线") for n in range(12)]
    other = [record(n, 23, title=f"某医院招聘护士第{n}批") for n in range(100, 112)]
    ids = store(engine, *liked, *other)
    settings = RelevanceSettings(editor_min_decisions=20)
    with session_scope(session_factory(engine)) as session:
        review.decide(session, ids[:12], "accept")
        review.decide(session, ids[12:], "reject")
    with session_scope(session_factory(engine)) as session:
        assert editor_model_for(session, settings, before=datetime(2000, 1, 1, tzinfo=UTC)) is None
        model = editor_model_for(session, settings, before=datetime(2100, 1, 1, tzinfo=UTC))
        assert model is not None
        assert model.accept_probability("医保结算系统再升级", "", "") > model.accept_probability(
            "医院招聘护士", "", ""
        )
        too_few = RelevanceSettings(editor_min_decisions=30)
        assert editor_model_for(session, too_few, before=datetime(2100, 1, 1, tzinfo=UTC)) is None
