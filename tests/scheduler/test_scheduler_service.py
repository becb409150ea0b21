from __future__ import annotations

import functools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import CrawlRun, JobRun
from pipeline.config import Settings
from pipeline.errors import HitmonError
from scheduler.crawl_process import ProcessResult
from scheduler.jobs import JobContext, run_job
from scheduler.ledger import last_job_starts
from scheduler.service import add_jobs, job_triggers
from tests.scheduler.conftest import FakeClock, TickScheduler

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


def start(settings: Settings, last_starts: dict[str, datetime], run) -> TickScheduler:  # type: ignore[no-untyped-def]
    scheduler = TickScheduler(timezone=SHANGHAI)
    add_jobs(scheduler, settings, run, last_starts)
    scheduler.start()
    scheduler.tick()  # what the service does first: run whatever is due
    return scheduler


def recorder(clock: FakeClock) -> tuple[list[tuple[str, datetime]], object]:
    fired: list[tuple[str, datetime]] = []
    return fired, lambda name: fired.append((name, clock.now()))


def test_the_nightly_crawl_fires_at_two_in_shanghai_and_once(clock: FakeClock) -> None:
    fired, run = recorder(clock)
    scheduler = start(Settings(), {}, run)
    clock.current = utc(24, 17, 59, 59)  # 01:59:59 in Shanghai
    scheduler.tick()
    assert fired == []
    clock.advance(seconds=1)
    scheduler.tick()
    scheduler.tick()
    assert fired == [("crawl", utc(24, 18))]
    assert scheduler.get_job("crawl").next_run_time == utc(25, 18)


def test_the_digest_fires_on_friday_morning_and_maintenance_on_sunday(clock: FakeClock) -> None:
    fired, run = recorder(clock)
    scheduler = start(Settings(schedule={"crawl": ""}), {}, run)
    clock.current = utc(27, 0)  # Friday 08:00 in Shanghai
    scheduler.tick()
    clock.current = utc(28, 20, 30)  # Sunday 04:30 in Shanghai
    scheduler.tick()
    assert fired == [("digest", utc(27, 0)), ("maintenance", utc(28, 20, 30))]


def test_a_crawl_missed_while_the_machine_was_off_runs_at_start(clock: FakeClock) -> None:
    fired, run = recorder(clock)
    clock.current = utc(25, 1)  # 09:00 in Shanghai: 02:00 was missed seven hours ago
    start(Settings(), {"crawl": utc(23, 18, 0, 5)}, run)
    assert fired == [("crawl", utc(25, 1))]


def test_several_missed_nights_make_one_crawl(clock: FakeClock) -> None:
    fired, run = recorder(clock)
    clock.current = utc(25, 1)  # three nights missed, all within a generous grace
    start(Settings(schedule={"misfire_grace": 4 * 86400}), {"crawl": utc(21, 18, 0, 5)}, run)
    assert fired == [("crawl", utc(25, 1))]


def test_a_crawl_missed_by_more_than_the_grace_time_waits_for_the_next_night(clock: FakeClock) -> None:
    fired, run = recorder(clock)
    clock.current = utc(25, 8)  # 16:00 in Shanghai: 14 hours late, the grace is 12
    scheduler = start(Settings(), {"crawl": utc(23, 18, 0, 5)}, run)
    assert fired == []
    assert scheduler.get_job("crawl").next_run_time == utc(25, 18)


def test_the_grace_time_is_a_setting(clock: FakeClock) -> None:
    fired, run = recorder(clock)
    clock.current = utc(25, 8)
    start(Settings(schedule={"misfire_grace": 15 * 3600}), {"crawl": utc(23, 18, 0, 5)}, run)
    assert fired == [("crawl", utc(25, 8))]


def test_a_first_start_runs_nothing_it_never_missed(clock: FakeClock) -> None:
    fired, run = recorder(clock)
    clock.current = utc(25, 1)
    start(Settings(), {}, run)
    assert fired == []


def test_jobs_coalesce_never_overlap_and_use_the_schedule_timezone(clock: FakeClock) -> None:
    scheduler = start(Settings(schedule={"timezone": "UTC", "misfire_grace": 600}), {}, lambda name: None)
    crawl = scheduler.get_job("crawl")
    assert (crawl.coalesce, crawl.max_instances, crawl.misfire_grace_time) == (True, 1, 600)
    assert crawl.next_run_time == utc(25, 2)


def test_an_empty_line_disables_a_job_and_a_bad_line_is_named() -> None:
    assert set(job_triggers(Settings(schedule={"digest": "", "maintenance": " "}))) == {"crawl"}
    with pytest.raises(HitmonError, match=r"schedule.crawl: not a crontab line: '0 25 \* \* \*'"):
        job_triggers(Settings(schedule={"crawl": "0 25 * * *"}))


class FinishedCrawl:
    """Stands in for the crawl subprocess: stores a finished CrawlRun as ``python -m crawler`` does."""

    def __init__(self, engine: Engine, clock: FakeClock):
        self.engine, self.clock, self.stop_reason = engine, clock, None

    def run(self) -> ProcessResult:
        with session_scope(session_factory(self.engine)) as session:
            session.add(CrawlRun(trigger="schedule", status="finished", started_at=self.clock.now()))
        return ProcessResult(0, 60.0)

    def request_stop(self, reason: str) -> None:
        self.stop_reason = reason


def test_a_restart_finds_in_the_database_what_it_missed(engine: Engine, clock: FakeClock) -> None:
    settings = Settings(db=engine.url.render_as_string(hide_password=False))
    ctx = JobContext(settings, engine, FinishedCrawl(engine, clock), now=clock.now)  # type: ignore[arg-type]
    scheduler = start(settings, {}, functools.partial(run_job, ctx))
    clock.current = utc(24, 18)
    scheduler.tick()  # the nightly crawl, recorded
    scheduler.shutdown()
    with session_scope(session_factory(engine)) as session:
        last = last_job_starts(session)
        runs = list(session.scalars(select(JobRun)))
    assert last == {"crawl": utc(24, 18)}
    assert [(r.job, r.status, r.trigger) for r in runs] == [("crawl", "finished", "schedule")]

    clock.current = utc(25, 23)  # the machine was off at 02:00 (18:00 UTC) and is back five hours later
    restarted = start(settings, last, functools.partial(run_job, ctx))
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(CrawlRun.started_at).order_by(CrawlRun.id.desc()).limit(1)) == utc(
            25, 23
        )
    assert restarted.get_job("crawl").next_run_time == utc(26, 18)
