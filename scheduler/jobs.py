"""The scheduler's jobs. Each runs inside ``run_job``, which records it as a JobRun and never lets an
error escape into the service (APScheduler would only log it; ``--once`` reports the status)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.db import session_factory, session_scope
from models.schema import RunStatus
from models.types import utcnow
from pipeline.config import Settings
from pipeline.desk.week import week_candidates
from pipeline.ops.alerts import Alert, compose, deliver_alert
from pipeline.ops.crawl_lock import CrawlAlreadyRunning, crawl_lock, default_owner
from pipeline.ops.health import HealthChange, health_changes, health_snapshot, mark_stale_sources
from pipeline.weeks import current_week
from scheduler.crawl_process import CrawlProcess
from scheduler.crawl_record import CrawlOutcome, record_crawl
from scheduler.ledger import finish_job_run, start_job_run
from scheduler.maintenance import maintain_database

log = logging.getLogger(__name__)


class RunningJobs:
    """How many jobs are running, so that a stopping service can wait for them to record their end."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    @contextmanager
    def track(self) -> Iterator[None]:
        with self._idle:
            self._count += 1
        try:
            yield
        finally:
            with self._idle:
                self._count -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout)


@dataclass
class JobContext:
    settings: Settings
    engine: Engine
    crawler: CrawlProcess
    now: Callable[[], datetime] = utcnow
    sleep: Callable[[float], None] = time.sleep  # between alert retries
    running: RunningJobs = field(default_factory=RunningJobs)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(session_factory(self.engine)) as session:
            yield session

    def alert(self, alert: Alert) -> None:
        deliver_alert(alert, self.settings.alerts, sleep=self.sleep)


JobResult = tuple[str, str | None]  # status, detail


def crawl_job(ctx: JobContext) -> JobResult:
    """Run one crawl; store how it ended; mark stale sources; alert on a failure and on sources that
    broke or recovered."""
    started = ctx.now()
    with ctx.session() as session:
        before = health_snapshot(session)
    result = ctx.crawler.run()
    with ctx.session() as session:
        outcome = record_crawl(session, started, result)
    detail = f"crawl {outcome.run_id}: {outcome.reason}" if outcome.reason else f"crawl {outcome.run_id}"
    if outcome.status in (RunStatus.SKIPPED, RunStatus.ABANDONED):
        log.warning("crawl %s: %s", outcome.status, outcome.reason)
        return outcome.status, outcome.reason
    with ctx.session() as session:
        mark_stale_sources(session, ctx.now(), ctx.settings.schedule.expect_new_within_days)
        changes = health_changes(before, session)
    for alert in _crawl_alerts(outcome, changes):
        ctx.alert(alert)
    log.info("crawl %s in %.0f s: %s", outcome.status, outcome.seconds, outcome.stats)
    return outcome.status, detail


def _crawl_alerts(outcome: CrawlOutcome, changes: list[HealthChange]) -> list[Alert]:
    alerts = [compose.source_changed(change) for change in changes]
    if outcome.status in (RunStatus.FAILED, RunStatus.INTERRUPTED):  # interrupted: a full disk, a lost lock
        reason = outcome.reason or ""
        alerts.insert(
            0, compose.crawl_failed(outcome.run_id, outcome.status, reason, outcome.seconds, outcome.stats)
        )
    return [alert for alert in alerts if alert is not None]


def digest_job(ctx: JobContext) -> JobResult:
    """Tell the editor the week's candidates are ready, with the top ones."""
    settings = ctx.settings
    week = current_week(settings.timezone, ctx.now())
    with ctx.session() as session:
        candidates = week_candidates(session, settings, week)
    schedule = settings.schedule
    alert = compose.candidates_ready(
        week, candidates, schedule.digest_size, settings.timezone, schedule.review_url
    )
    deliveries = deliver_alert(alert, settings.alerts, sleep=ctx.sleep)
    sent = sum(d.delivered for d in deliveries)
    status = RunStatus.FINISHED if sent == len(deliveries) else RunStatus.FAILED
    return status, f"{week}: {len(candidates)} candidates; alert sent to {sent} of {len(deliveries)} channels"


def maintenance_job(ctx: JobContext) -> JobResult:
    """Database care, never during a crawl (VACUUM needs the SQLite file to itself)."""
    try:
        with crawl_lock(
            ctx.engine, default_owner("maintenance"), stale_after=ctx.settings.schedule.stale_lock
        ):
            return RunStatus.FINISHED, maintain_database(ctx.engine, ctx.settings.retention.raw_html_days)
    except CrawlAlreadyRunning as busy:
        return RunStatus.SKIPPED, str(busy)


JOBS: dict[str, Callable[[JobContext], JobResult]] = {
    "crawl": crawl_job,
    "digest": digest_job,
    "maintenance": maintenance_job,
}


def run_job(ctx: JobContext, name: str, trigger: str = "schedule") -> str:
    """Run job ``name``, recorded as a JobRun; return its status (failed on any error, logged)."""
    with ctx.running.track():
        with ctx.session() as session:
            run_id = start_job_run(session, name, trigger, ctx.now())
        log.info("job %s started (%s)", name, trigger)
        try:
            status, detail = JOBS[name](ctx)
        except Exception as exc:
            log.exception("job %s failed", name)
            status, detail = RunStatus.FAILED, f"{type(exc).__name__}: {exc}"
        with ctx.session() as session:
            finish_job_run(session, run_id, status, detail)
        log.info("job %s %s%s", name, status, f": {detail}" if detail else "")
        return status
