"""Every run of a scheduler job is a JobRun: what ran, and how a restart finds what it missed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.schema import JobRun
from models.types import utcnow


def start_job_run(session: Session, job: str, trigger: str, now: datetime) -> int:
    run = JobRun(job=job, trigger=trigger, started_at=now, status="running")
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
