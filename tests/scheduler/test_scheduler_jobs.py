from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import JobRun
from pipeline.config import Settings
from pipeline.ops.crawl_lock import crawl_lock
from scheduler.jobs import JobContext, run_job
from tests.pipeline.factories import record, store
from tests.pipeline.ops.alerts.receivers import WebhookReceiver

FRIDAY_MORNING = datetime(2018, 4, 27, 0, tzinfo=UTC)  # 08:00 in Shanghai, ISO week 2018-W17


class NoCrawl:
    def run(self) -> None:
        raise AssertionError("no crawl in this test")


def context(engine: Engine, hook: str | None = None, **schedule: object) -> JobContext:
    alerts = {"channels": [{"kind": "wecom", "url": hook}], "retries": 0} if hook else {}
    settings = Settings(db=engine.url.render_as_string(hide_password=False), schedule=schedule, alerts=alerts)
    return JobContext(settings, engine, NoCrawl(), now=lambda: FRIDAY_MORNING)  # type: ignore[arg-type]


def last_run(engine: Engine) -> tuple[str, str, str | None]:
    with session_scope(session_factory(engine)) as session:
        run = session.scalars(select(JobRun).order_by(JobRun.id.desc())).first()
        return run.job, run.status, run.detail


def test_the_digest_lists_the_week_top_candidates_to_the_editor(engine: Engine) -> None:
    store(
        engine,
        record(1, 23, score=4.0),
        record(2, 24, score=9.0, probability=0.973),
        record(3, 25, score=6.0),  # scored before the learned stage: its rules' score
        record(4, 16),
    )
    with WebhookReceiver() as robot:
        ctx = context(engine, robot.url(), digest_size=2, review_url="https://hitmon.example/review")
        assert run_job(ctx, "digest", trigger="once") == "finished"
    content = robot.received[0].json["markdown"]["content"]
    assert content.splitlines() == [
        "### hitmon：本周候选已就绪（2018-W17）",
        "共 3 条候选，前 2 条：",
        "1. 第2篇 电子病历（HIT前哨网）2018-04-24 相关度 97%",
        "2. 第3篇 电子病历（HIT前哨网）2018-04-25 分数 6",
        "审阅：https://hitmon.example/review",
    ]
    assert last_run(engine) == ("digest", "finished", "2018-W17: 3 candidates; alert sent to 1 of 1 channels")


def test_a_digest_nobody_received_is_a_failed_job(engine: Engine) -> None:
    with WebhookReceiver(answer={"errcode": 93000, "errmsg": "invalid webhook url"}) as robot:
        assert run_job(context(engine, robot.url()), "digest") == "failed"
    assert last_run(engine)[2] == "2018-W17: 0 candidates; alert sent to 0 of 1 channels"


def test_maintenance_runs_on_either_database_but_never_during_a_crawl(engine: Engine) -> None:
    assert run_job(context(engine), "maintenance") == "finished"
    expected = (
        "ANALYZE"
        if engine.dialect.name == "postgresql"
        else "PRAGMA wal_checkpoint(TRUNCATE), VACUUM, ANALYZE"
    )
    job, status, detail = last_run(engine)
    assert (job, status) == ("maintenance", "finished")
    assert detail.startswith(f"{expected}; database ") and detail.endswith(" MB")  # its size before and after
    with crawl_lock(engine, "nightly crawl"):
        assert run_job(context(engine), "maintenance") == "skipped"
    assert "a crawl is already running (nightly crawl" in last_run(engine)[2]


def test_a_job_that_raises_is_recorded_as_failed_and_does_not_escape(engine: Engine) -> None:
    ctx = context(engine)
    ctx.crawler = None  # type: ignore[assignment]  # the crawl job will trip over it
    assert run_job(ctx, "crawl") == "failed"
    assert last_run(engine)[:2] == ("crawl", "failed")
    assert "AttributeError" in last_run(engine)[2]
