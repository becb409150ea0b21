"""The crawl job with real subprocesses (python one-liners standing in for ``python -m crawler``)."""

from __future__ import annotations

import itertools
import os
import queue
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import CrawlRun, JobRun, Source
from pipeline.config import Settings
from pipeline.ops.crawl_lock import crawl_lock
from pipeline.store.articles import save_sources
from scheduler.crawl_process import CrawlProcess, crawl_command
from scheduler.jobs import JobContext, run_job
from tests.pipeline.factories import SOURCES
from tests.pipeline.ops.alerts.receivers import WebhookReceiver

PRELUDE = """
import os, sys
from models.db import make_engine, session_factory, session_scope
from models.schema import CrawlRun, Source
from models.types import utcnow
sessions = session_factory(make_engine(os.environ["HITMON_DB"]))
"""
FINISHED = (
    PRELUDE
    + """
with session_scope(sessions) as s:
    for source in s.query(Source):
        source.health, source.health_reason = sys.argv[1], sys.argv[2] or None
    s.add(CrawlRun(trigger="schedule", status="finished", finished_at=utcnow(), stats={"pages": 3}))
"""
)
DIES_MIDWAY = (
    PRELUDE
    + """
with session_scope(sessions) as s:
    s.add(CrawlRun(trigger="schedule", status="running", stats={}))
print("Traceback: MemoryError", file=sys.stderr, flush=True)
os._exit(9)
"""
)
LOCKED = (
    PRELUDE
    + """
from pipeline.ops.crawl_lock import CrawlAlreadyRunning, crawl_lock
try:
    with crawl_lock(sessions.kw["bind"], f"crawl pid {os.getpid()}"):
        with session_scope(sessions) as s:
            run = CrawlRun(trigger="schedule", status="running")
            s.add(run)
        open(sys.argv[1]).read()  # until the test lets it finish
        with session_scope(sessions) as s:
            s.get(CrawlRun, run.id).status = "finished"
except CrawlAlreadyRunning as busy:
    print(f"error: {busy}", file=sys.stderr)
    sys.exit(75)
"""
)


def context(
    engine: Engine, script: str, *args: str, hook: str | None = None, **crawler: object
) -> JobContext:
    url = engine.url.render_as_string(hide_password=False)
    alerts = {"channels": [{"kind": "webhook", "url": hook}], "retries": 0} if hook else {}
    settings = Settings(
        db=url, schedule={"crawl_command": [sys.executable, "-c", script, *args]}, alerts=alerts
    )
    process = CrawlProcess(
        crawl_command(settings, None), db_url=url, timeout=3600, kill_grace=30, poll=0.05, **crawler
    )
    return JobContext(settings, engine, process, sleep=lambda seconds: None)


def runs(engine: Engine) -> list[tuple[str, str | None]]:
    with session_scope(session_factory(engine)) as session:
        return [(r.status, r.error) for r in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]


def job_runs(engine: Engine) -> list[tuple[str, str, str | None]]:
    with session_scope(session_factory(engine)) as session:
        return [(r.job, r.status, r.detail) for r in session.scalars(select(JobRun).order_by(JobRun.id))]


@pytest.fixture
def sources(engine: Engine) -> Engine:
    with session_scope(session_factory(engine)) as session:
        save_sources(session, SOURCES)
        for source in session.scalars(select(Source)):
            source.health = "ok"
    return engine


def test_a_finished_crawl_is_recorded_and_alerts_nobody(sources: Engine) -> None:
    with WebhookReceiver() as hook:
        assert run_job(context(sources, FINISHED, "ok", "", hook=hook.url()), "crawl") == "finished"
    assert hook.received == []
    assert runs(sources) == [("finished", None)]
    assert job_runs(sources) == [("crawl", "finished", "crawl 1")]


def test_a_crawl_that_exits_with_an_error_is_recorded_as_failed_and_alerted(sources: Engine) -> None:
    script = "import sys; print('error: no enabled sources', file=sys.stderr); sys.exit(1)"
    with WebhookReceiver() as hook:
        assert run_job(context(sources, script, hook=hook.url()), "crawl") == "failed"
    assert runs(sources) == [("failed", "exit status 1: error: no enabled sources")]
    [alert] = [r.json for r in hook.received]
    assert alert["event"] == "crawl_failed" and "exit status 1: error: no enabled sources" in str(
        alert["lines"]
    )


def test_a_crawl_that_dies_midway_has_its_run_closed_as_failed(sources: Engine) -> None:
    assert run_job(context(sources, DIES_MIDWAY), "crawl") == "failed"
    assert runs(sources) == [("failed", "exit status 9: Traceback: MemoryError")]


def test_a_crawl_past_its_timeout_is_stopped_and_recorded(sources: Engine) -> None:
    ticks = itertools.chain([0.0], itertools.repeat(3601.0))  # the monotonic clock jumps past the timeout
    ctx = context(sources, "import time; time.sleep(600)", clock=lambda: next(ticks))
    assert run_job(ctx, "crawl") == "failed"
    assert runs(sources) == [("failed", "timed out after 3601 s")]


def test_sources_that_break_or_recover_are_alerted(sources: Engine) -> None:
    with WebhookReceiver() as hook:
        run_job(
            context(sources, FINISHED, "blocked", "HTTP 521 JavaScript challenge", hook=hook.url()), "crawl"
        )
        run_job(context(sources, FINISHED, "ok", "", hook=hook.url()), "crawl")
    events = [(r.json["event"], r.json["title"]) for r in hook.received]
    assert sorted(events) == sorted(
        [("source_broken", f"hitmon：信息源异常 {s.name}（blocked）") for s in SOURCES]
        + [("source_recovered", f"hitmon：信息源已恢复 {s.name}") for s in SOURCES]
    )
    assert "HTTP 521 JavaScript challenge" in str(hook.received[0].json["lines"])


def test_a_crawl_refused_by_the_lock_is_skipped_without_a_failed_run(sources: Engine, tmp_path: Path) -> None:
    with crawl_lock(sources, "nightly crawl on host-b"):
        assert run_job(context(sources, LOCKED, str(tmp_path / "unused")), "crawl") == "skipped"
    [(_, status, detail)] = job_runs(sources)
    assert status == "skipped" and detail.startswith(
        "a crawl is already running (nightly crawl on host-b, since"
    )
    assert runs(sources) == []


def test_two_schedulers_on_one_database_run_one_crawl(sources: Engine, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    os.mkfifo(gate)
    results: queue.Queue[str] = queue.Queue()
    schedulers = [context(sources, LOCKED, str(gate)) for _ in range(2)]
    threads = [
        threading.Thread(target=lambda c=c: results.put(run_job(c, "crawl")), daemon=True) for c in schedulers
    ]
    for thread in threads:
        thread.start()
    try:
        assert results.get(timeout=120) == "skipped"  # the second one found the lock taken
        with open(gate, "w") as release:  # let the crawl that holds the lock finish
            release.write("go")
        assert results.get(timeout=120) == "finished"
    finally:
        for ctx in schedulers:  # never leave a crawl waiting at the gate
            ctx.crawler.request_stop("the test is over")
        for thread in threads:
            thread.join(timeout=60)
    assert runs(sources) == [("finished", None)]
    assert sorted(status for _, status, _ in job_runs(sources)) == ["finished", "skipped"]


def test_the_default_command_runs_python_m_crawler_on_the_same_database(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(db=url)
    command = crawl_command(settings, None)
    assert command == [sys.executable, "-m", "crawler", "--trigger", "schedule"]
    process = CrawlProcess(command, db_url=url, timeout=600, kill_grace=30, poll=0.05)
    ctx = JobContext(settings, engine, process, sleep=lambda seconds: None)
    assert run_job(ctx, "crawl") == "failed"  # no sources loaded: the real crawler says so and exits 1
    [(status, error)] = runs(engine)
    assert status == "failed" and error.startswith("exit status 1: error: no enabled sources")


def test_a_configured_crawl_command_gets_the_trigger_and_the_config_file() -> None:
    settings = Settings(
        db="postgresql://u:secret@db/hitmon", schedule={"crawl_command": ["nice", "python3", "-m", "crawler"]}
    )
    command = crawl_command(settings, Path("/etc/hitmon/hitmon.toml"))
    assert command == [
        "nice",
        "python3",
        "-m",
        "crawler",
        "--trigger",
        "schedule",
        "--config",
        "/etc/hitmon/hitmon.toml",
    ]
    process = CrawlProcess(command, db_url=settings.db, timeout=1, kill_grace=1)
    assert process.env["HITMON_DB"] == settings.db and "secret" not in " ".join(process.command)
