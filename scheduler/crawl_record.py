"""How a scheduled crawl ended, stored as its CrawlRun even when the child could not store it itself."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import CUT_SHORT, CrawlRun, RunStatus
from models.types import utcnow
from pipeline.ops.crawl_lock import EX_TEMPFAIL
from scheduler.crawl_process import ProcessResult

CLOCK_SLACK = timedelta(seconds=5)  # the child stamps its run with its own clock


@dataclass(frozen=True)
class CrawlOutcome:
    status: str  # finished | interrupted | failed | abandoned | skipped
    reason: str | None
    run_id: int | None
    seconds: float
    stats: dict[str, int] = field(default_factory=dict)


def record_crawl(session: Session, started_at: datetime, result: ProcessResult) -> CrawlOutcome:
    """Find the CrawlRun the child made (trigger "schedule", started after us) and make it tell the truth:
    failed on a timeout or a crash, abandoned on a stop; make one if the child died before making it."""
    if result.exit_code == EX_TEMPFAIL:  # the lock was taken: a run found now is the holder's, not ours
        reason = result.stderr_tail[-1] if result.stderr_tail else "a crawl is already running"
        return CrawlOutcome(RunStatus.SKIPPED, reason.removeprefix("error: "), None, result.seconds)
    run = session.scalars(
        select(CrawlRun)
        .where(CrawlRun.trigger == "schedule", CrawlRun.started_at >= started_at - CLOCK_SLACK)
        .order_by(CrawlRun.id.desc())
        .limit(1)
    ).first()
    status, reason = _verdict(result, run)
    if run is None:
        run = CrawlRun(trigger="schedule", started_at=started_at)
        session.add(run)
    if status != RunStatus.FINISHED:
        run.status = status
        run.error = "; ".join(part for part in (run.error, reason) if part) or None
        run.finished_at = run.finished_at or utcnow()
    session.flush()
    return CrawlOutcome(run.status, run.error, run.id, result.seconds, dict(run.stats or {}))


def _verdict(result: ProcessResult, run: CrawlRun | None) -> tuple[str, str | None]:
    if result.stop_reason:
        return RunStatus.ABANDONED, f"{result.stop_reason} after {result.seconds:.0f} s"
    if result.timed_out:
        return RunStatus.FAILED, f"timed out after {result.seconds:.0f} s"
    if result.exit_code == 0 and run is not None and run.status == RunStatus.FINISHED:
        return RunStatus.FINISHED, None
    if result.exit_code is not None and result.exit_code < 0:
        return RunStatus.FAILED, f"killed by {signal.Signals(-result.exit_code).name}"
    if result.exit_code == 0 and run is None:
        return RunStatus.FAILED, "the crawl exited without recording a run"
    last = result.stderr_tail[-1] if result.stderr_tail else "no message"
    if run is not None and run.status in CUT_SHORT and run.error:
        return run.status, None  # the child said why (interrupted: exit 3, the next crawl resumes it)
    return RunStatus.FAILED, f"exit status {result.exit_code}: {last}"
