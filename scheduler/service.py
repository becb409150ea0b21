"""The foreground service (``hitmon schedule``): APScheduler 3 with the jobs of ``[schedule]``.

Jobs coalesce, never overlap, and a run missed while the machine was off still runs at start-up when it
is less than ``misfire_grace`` seconds late: each job's next run is computed from its last JobRun, not
from "now". SIGTERM or SIGINT stop the service: the running crawl is ended and recorded as abandoned.
"""

from __future__ import annotations

import functools
import logging
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.db import make_engine, require_current_schema
from models.schema import RunStatus
from pipeline.config import Settings
from pipeline.errors import HitmonError
from scheduler.crawl_process import CrawlProcess, crawl_command
from scheduler.jobs import JOBS, JobContext, run_job
from scheduler.ledger import abandon_dead_job_runs, last_job_starts

log = logging.getLogger(__name__)

EXIT_STATUS = {RunStatus.FINISHED: 0, RunStatus.SKIPPED: 75}  # anything else: 1


def schedule_timezone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.schedule.timezone or settings.timezone)


def job_triggers(settings: Settings) -> dict[str, CronTrigger]:
    """The enabled jobs and when they run; an empty crontab line disables a job."""
    triggers = {}
    for name in JOBS:
        line = getattr(settings.schedule, name).strip()
        if not line:
            continue
        try:
            triggers[name] = CronTrigger.from_crontab(line, timezone=schedule_timezone(settings))
        except ValueError as exc:
            raise HitmonError(f"schedule.{name}: not a crontab line: {line!r} ({exc})") from None
    return triggers


def add_jobs(
    scheduler: BaseScheduler,
    settings: Settings,
    run: Callable[[str], object],
    last_starts: dict[str, datetime],
) -> None:
    """Add each enabled job; one that ran before resumes from its first fire time after that run, so a
    fire missed while the service was down is due at once (and APScheduler applies the grace time)."""
    for name, trigger in job_triggers(settings).items():
        resume = {}
        if name in last_starts:
            resume["next_run_time"] = trigger.get_next_fire_time(
                None, last_starts[name] + timedelta(seconds=1)
            )
        scheduler.add_job(
            run,
            trigger,
            args=(name,),
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int(settings.schedule.misfire_grace)),
            replace_existing=True,
            **resume,
        )


def job_context(settings: Settings, engine: Engine, config_file: Path | None) -> JobContext:
    schedule = settings.schedule
    crawler = CrawlProcess(
        crawl_command(settings, config_file),
        db_url=settings.db,
        timeout=schedule.crawl_timeout,
        kill_grace=schedule.kill_grace,
    )
    return JobContext(settings, engine, crawler)


def serve(settings: Settings, config_file: Path | None) -> None:
    """Run the scheduler in the foreground until SIGTERM or SIGINT."""
    engine = make_engine(settings.db)
    require_current_schema(engine)
    ctx = job_context(settings, engine, config_file)
    scheduler = BlockingScheduler(
        timezone=schedule_timezone(settings), executors={"default": ThreadPoolExecutor(len(JOBS))}
    )
    with ctx.session() as session:
        _abandon_dead_job_runs(session)
        add_jobs(scheduler, settings, functools.partial(run_job, ctx), last_job_starts(session))
    scheduler.add_listener(lambda _event: _log_next_runs(scheduler), EVENT_SCHEDULER_STARTED)
    if not settings.alerts.channels:
        log.warning("no alert channels in [alerts]: failures and broken sources are only logged")

    def stop(reason: str) -> None:
        log.info("%s: stopping", reason)
        ctx.crawler.request_stop(f"the scheduler was stopped ({reason})")
        if scheduler.running:
            scheduler.shutdown(wait=False)

    with on_stop_signals(stop):
        scheduler.start()  # returns once stopped
        if not ctx.running.wait_idle(settings.schedule.kill_grace + 60):
            log.error("a job did not end in time; exiting anyway")
    engine.dispose()
    log.info("scheduler stopped")


def run_once(settings: Settings, config_file: Path | None, name: str) -> int:
    """Run job ``name`` now, in the foreground; the exit status: 0 finished, 75 skipped, 1 otherwise."""
    engine = make_engine(settings.db)
    require_current_schema(engine)
    ctx = job_context(settings, engine, config_file)
    with ctx.session() as session:
        _abandon_dead_job_runs(session)
    with on_stop_signals(lambda reason: ctx.crawler.request_stop(f"stopped ({reason})")):
        status = run_job(ctx, name, trigger="once")
    engine.dispose()
    return EXIT_STATUS.get(status, 1)


def _abandon_dead_job_runs(session: Session) -> None:
    marked = abandon_dead_job_runs(session)
    if marked:
        log.warning("marked %d job run(s) of a scheduler that died abandoned", marked)


def _log_next_runs(scheduler: BaseScheduler) -> None:
    for job in scheduler.get_jobs():
        log.info("job %s: next run %s", job.id, job.next_run_time)


@contextmanager
def on_stop_signals(stop: Callable[[str], None]) -> Iterator[None]:
    """Call ``stop`` with the signal's name on SIGTERM or SIGINT; restore the handlers after."""
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    for signum in previous:
        signal.signal(signum, lambda number, _frame: stop(signal.Signals(number).name))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
