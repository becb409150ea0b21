"""Every run of a scheduler job is a JobRun: what ran, and how a restart finds what it missed."""

from __future__ import annotations

import os
import socket
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.schema import JobRun, RunStatus
from models.types import utcnow
from pipeline.ops.crawl_lock import process_alive


def start_job_run(session: Session, job: str, trigger: str, now: datetime) -> int:
    run = JobRun(
        job=job,
        trigger=trigger,
        started_at=now,
        status=RunStatus.RUNNING,
        host=socket.gethostname(),
        pid=os.getpid(),
    )
    session.add(run)
    session.flush()
    return run.id


def finish_job_run(session: Session, run_id: int, status: str, detail: str | None) -> None:
    run = session.get_one(JobRun, run_id)
    run.status, run.detail, run.finished_at = status, detail, utcnow()


def last_job_starts(session: Session) -> dict[str, datetime]:
    """When each job last started, whatever its outcome (a failed crawl is not re-run at a restart)."""
    query = select(JobRun.job, func.max(JobRun.started_at)).group_by(JobRun.job)
    return {key: moment for key, moment in session.execute(query)}


def last_job_runs(session: Session) -> dict[str, JobRun]:
    """The latest run of each job."""
    latest = select(func.max(JobRun.id)).group_by(JobRun.job)
    return {run.job: run for run in session.scalars(select(JobRun).where(JobRun.id.in_(latest)))}


def abandon_dead_job_runs(session: Session) -> int:
    """A scheduler killed outright (SIGKILL, power loss) leaves its job runs "running": at start-up,
    mark those of a scheduler on this host that is gone (and those that name no owner, from before
    owners were recorded) abandoned. Runs of a scheduler on another host are left alone: its process
    cannot be seen from here. Returns how many were marked."""
    here = socket.gethostname()
    query = select(JobRun).where(
        JobRun.status == RunStatus.RUNNING,
        or_(JobRun.host == here, JobRun.host.is_(None), JobRun.pid.is_(None)),
    )
    marked = 0
    for run in session.scalars(query):
        if run.pid and run.host == here and process_alive(run.pid):
            continue
        run.status, run.finished_at = RunStatus.ABANDONED, utcnow()
        run.detail = run.detail or "the scheduler running it ended without recording its end"
        marked += 1
    return marked
