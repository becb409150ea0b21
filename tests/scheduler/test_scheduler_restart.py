"""A scheduler killed outright (SIGKILL, the OOM killer, power loss) leaves its job run "running": the
next scheduler on the host marks it abandoned, and leaves alone the runs of a scheduler still alive."""

from __future__ import annotations

import os
import re
import signal
import socket

from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import JobRun
from models.types import utcnow
from tests.scheduler.test_scheduler_signals import lines_of, start_hitmon, wait_for


def job_runs(engine: Engine) -> list[tuple[str, str, str | None]]:
    with session_scope(session_factory(engine)) as session:
        return [(r.job, r.status, r.detail) for r in session.scalars(select(JobRun).order_by(JobRun.id))]


def test_a_killed_schedulers_running_job_is_abandoned_at_the_next_start(engine: Engine) -> None:
    with session_scope(session_factory(engine)) as session:  # a scheduler that runs on, in this process
        session.add(
            JobRun(
                job="digest",
                status="running",
                started_at=utcnow(),
                host=socket.gethostname(),
                pid=os.getpid(),
            )
        )
    killed = start_hitmon(engine, "schedule", "--once", "crawl")
    lines = lines_of(killed)
    try:
        seen = wait_for(lines, "crawling")
        child = int(re.search(r"crawl started \(pid (\d+)\)", "".join(seen)).group(1))
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
    finally:
        killed.kill()
        os.killpg(child, signal.SIGKILL)  # its crawl, in a session of its own, would run on
    assert [(job, status) for job, status, _ in job_runs(engine)] == [
        ("digest", "running"),
        ("crawl", "running"),
    ]

    again = start_hitmon(engine, "schedule", "--once", "maintenance")
    _, errors = again.communicate(timeout=120)
    assert again.returncode == 0, errors
    assert "marked 1 job run(s) of a scheduler that died abandoned" in errors
    digest, crawl, maintenance = job_runs(engine)
    assert digest[:2] == ("digest", "running")  # its owner is alive
    assert crawl[:2] == ("crawl", "abandoned") and crawl[2]
    assert maintenance[:2] == ("maintenance", "finished")
