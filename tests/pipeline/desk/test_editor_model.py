from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import ReviewEvent
from pipeline.config import RelevanceSettings
from pipeline.desk import review
from pipeline.desk.editor_model import decisions_for_training, train_editor_model
from pipeline.desk.ranking import rerank_score
from pipeline.stages.relevance import load_relevance
from pipeline.stages.relevance.learned import load_learned
from tests.pipeline.factories import record, store

PLACES = ["省", "市", "县", "区", "某地", "全国", "我市", "多地", "江南省", "西部", "本市", "山区"]
INSURANCE = ["医保电子凭证推广", "医保结算提速", "医保码上线"] * 4
HIRING = ["医院招聘护士", "医院招聘医生公告", "医院公开招聘"] * 4
ACCEPTED = [place + what for place, what in zip(PLACES, INSURANCE, strict=True)]
REJECTED = [place + what for place, what in zip(PLACES, HIRING, strict=True)]


@pytest.fixture(scope="module")
def stage1():
    return load_relevance(RelevanceSettings(learned=False))


@pytest.fixture(scope="module")
def shipped():
    return load_relevance(RelevanceSettings()).learned


def planted() -> list[tuple[str, str, str, bool]]:
    """An editor who accepts every 医保 item and rejects every 医院招聘 one."""
    accepted = [(title, f"{title}，方便群众办事。", "日报", True) for title in ACCEPTED]
    rejected = [(title, f"{title}，欢迎报名。", "日报", False) for title in REJECTED]
    return accepted + rejected


def test_no_model_below_min_decisions_or_with_one_kind_of_decision(stage1, shipped) -> None:
    examples = planted()
    assert train_editor_model(examples[:19], stage1, shipped, min_decisions=20) is None
    assert train_editor_model([e for e in examples if e[3]], stage1, shipped, min_decisions=5) is None
    assert train_editor_model([e for e in examples if not e[3]], stage1, shipped, min_decisions=5) is None


def test_the_decisions_retrain_the_learned_model_towards_the_editor(stage1, shipped, tmp_path) -> None:
    """An editor who accepts hospital hiring news (which the shipped model doubts) and rejects 医保 items."""
    reversed_taste = [(t, x, m, not accepted) for t, x, m, accepted in planted()]
    model = train_editor_model(reversed_taste, stage1, shipped, weight=20.0, cache=tmp_path / "e.npz")
    assert model is not None and (model.accepted, model.rejected) == (12, 12)
    unseen = [("东部医院招聘护士", "欢迎报名。", "日报"), ("东部医保码上线", "方便群众办事。", "日报")]
    before = load_relevance(RelevanceSettings()).learned
    assert before is not None
    hiring_before = _probabilities(before, stage1, unseen)
    hiring_after = model.accept_probabilities(unseen)
    assert hiring_after[0] - hiring_after[1] > hiring_before[0] - hiring_before[1]
    assert model.learned.ref_labels[0] in ("accepted", "rejected")  # the editor's items are nearest first


def _probabilities(learned, stage1, items):  # type: ignore[no-untyped-def]
    from pipeline.stages.relevance.training import LabelledItem, featurise

    embeddings, features = featurise([LabelledItem(t, x, m, False, "x") for t, x, m in items], stage1)
    return list(learned.probabilities(embeddings, features))


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


def test_editor_model_for_uses_only_decisions_made_before_the_week(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from pipeline.desk.editor_model import editor_model_for

    liked = [record(n, 23, title=f"医保结算系统第{n}期上线") for n in range(12)]
    other = [record(n, 23, title=f"某医院招聘护士第{n}批") for n in range(100, 112)]
    ids = store(engine, *liked, *other)
    kept = tmp_path / "editor.npz"
    settings = RelevanceSettings(editor_min_decisions=20, editor_model_file=kept, editor_decision_weight=20)
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
        (fitted,) = kept_models(tmp_path)
        fitted_at = fitted.stat().st_ctime_ns  # the kept model's content; its mtime says when it was used
        again = editor_model_for(session, settings, before=datetime(2100, 1, 1, tzinfo=UTC))
        assert again is not None and kept_models(tmp_path) == [fitted]
        assert fitted.stat().st_ctime_ns >= fitted_at
        assert load_learned(fitted).trained == model.learned.trained  # same decisions: not refitted
        stale = load_learned(fitted)  # kept by a hitmon whose title signals were others: fitted again
        replace(stale, signals=stale.signals[1:]).save(fitted)
        assert editor_model_for(session, settings, before=datetime(2100, 1, 1, tzinfo=UTC)) is not None
        assert load_learned(fitted).signals == model.learned.signals
        too_few = RelevanceSettings(editor_min_decisions=30, editor_model_file=kept)
        assert editor_model_for(session, too_few, before=datetime(2100, 1, 1, tzinfo=UTC)) is None


def kept_models(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("editor.*.npz") if not p.name.endswith(".embeddings.npz"))


def test_each_week_keeps_its_model_and_the_least_used_go(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Weeks differ in the decisions made before them: going back and forth between two weeks fits each
    once, and only the KEPT_MODELS last used stay."""
    from pipeline.desk import editor_model

    liked = [record(n, 23, title=f"医保结算系统第{n}期上线") for n in range(12)]
    other = [record(n, 23, title=f"某医院招聘护士第{n}批") for n in range(100, 112)]
    ids = store(engine, *liked, *other)
    settings = RelevanceSettings(editor_min_decisions=20, editor_model_file=tmp_path / "editor.npz")
    with session_scope(session_factory(engine)) as session:
        review.decide(session, ids[:12], "accept")
        review.decide(session, ids[12:], "reject")
        events = session.scalars(select(ReviewEvent).order_by(ReviewEvent.id)).all()
        for day, event in enumerate(events, start=1):  # one decision a day, from 2018-03-01
            event.at = datetime(2018, 3, day, tzinfo=UTC)
    fits: list[int] = []
    train = editor_model.train_editor_model
    monkeypatch.setattr(editor_model, "train_editor_model", lambda *a, **k: fits.append(1) or train(*a, **k))
    weeks = [datetime(2018, 3, day, 12, tzinfo=UTC) for day in (20, 21, 22, 23, 24)]  # 20 .. 24 decisions
    with session_scope(session_factory(engine)) as session:
        for before in (weeks[0], weeks[1], weeks[0], weeks[1]):
            assert editor_model.editor_model_for(session, settings, before=before) is not None
        assert len(fits) == 2 and len(kept_models(tmp_path)) == 2
        for before in weeks[2:]:
            assert editor_model.editor_model_for(session, settings, before=before) is not None
        assert len(fits) == 5 and len(kept_models(tmp_path)) == editor_model.KEPT_MODELS


def test_stored_verdicts_stand_in_for_stage_1_on_flagged_articles(stage1, shipped, tmp_path) -> None:
    """The candidate list passes the stored score of its flagged stories instead of running stage 1 again:
    the leaning is the same."""
    from pipeline.stages.relevance import explain_fields
    from pipeline.stages.relevance.learned import stored_stage1

    model = train_editor_model(planted(), stage1, shipped, cache=tmp_path / "e.npz")
    assert model is not None
    items = [("东部医保电子凭证全面推广", "医保电子凭证覆盖全部定点医院，方便群众办事。", "日报")]
    explained = explain_fields(*items[0], stage1)
    assert explained.flagged
    vector = stage1.signals.vector(stage1.signals.fired(items[0][0]))
    assert any(vector)  # 医保 and 电子: the title signals count too
    computed = model.accept_probabilities(items)
    stored = [(round(explained.total, 2), explained.flagged)]
    assert model.accept_probabilities(items, stored) == pytest.approx(computed, abs=1e-3)
    assert stored_stage1(0.0, False, vector) is None  # blocked or merely low: the stored verdict cannot tell
