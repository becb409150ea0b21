"""SIGTERM and SIGINT stop ``hitmon schedule`` cleanly: the crawl subprocess is ended and its run recorded."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import CrawlRun, JobRun
from models.types import utcnow

CRAWLING = "import sys, time; print('crawling', file=sys.stderr, flush=True); time.sleep(600)"
STUBBORN = "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); " + CRAWLING


def start_hitmon(
    engine: Engine, *args: str, script: str = CRAWLING, **schedule: str
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "HITMON_DB": engine.url.render_as_string(hide_password=False),
        "HITMON_SCHEDULE__CRAWL_COMMAND": json.dumps([sys.executable, "-c", script]),
        **{f"HITMON_SCHEDULE__{key.upper()}": value for key, value in schedule.items()},
    }
    hitmon = os.path.join(os.path.dirname(sys.executable), "hitmon")
    return subprocess.Popen([hitmon, *args], stderr=subprocess.PIPE, text=True, env=env)


def lines_of(process: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stderr:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def wait_for(lines: queue.Queue[str], text: str) -> list[str]:
    seen = []
    while text not in (seen[-1] if seen else ""):
        seen.append(lines.get(timeout=60))  # a safety net, not a wait: the line comes as soon as it is due
    return seen


def recorded(engine: Engine) -> tuple[list[tuple[str, str | None]], list[tuple[str, str]]]:
    with session_scope(session_factory(engine)) as session:
        runs = [(r.status, r.error) for r in session.scalars(select(CrawlRun))]
        jobs = [(r.job, r.status) for r in session.scalars(select(JobRun).order_by(JobRun.id))]
    return runs, jobs


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_a_scheduled_crawl_ends_it_records_it_and_exits_cleanly(
    engine: Engine, signum: signal.Signals
) -> None:
    with session_scope(session_factory(engine)) as session:  # last crawled two minutes ago: one is due now
        session.add(JobRun(job="crawl", status="finished", started_at=utcnow() - timedelta(minutes=2)))
    service = start_hitmon(engine, "schedule", crawl="* * * * *", digest="", maintenance="")
    lines = lines_of(service)
    try:
        seen = wait_for(lines, "crawling")
        child = int(re.search(r"crawl started \(pid (\d+)\)", "".join(seen)).group(1))
        service.send_signal(signum)
        assert service.wait(timeout=60) == 0
    finally:
        service.kill()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    runs, jobs = recorded(engine)
    [(status, error)] = runs
    assert status == "abandoned"
    assert error.startswith(f"the scheduler was stopped ({signum.name}) after ")
    assert jobs[-1] == ("crawl", "abandoned")


def test_a_crawl_that_ignores_sigterm_is_killed_after_the_grace(sqlite_url: str) -> None:
    from models.db import make_engine, upgrade_database

    engine = make_engine(sqlite_url)
    upgrade_database(engine)
    once = start_hitmon(engine, "schedule", "--once", "crawl", script=STUBBORN, kill_grace="0")
    lines = lines_of(once)
    try:
        wait_for(lines, "crawling")
        once.terminate()
        assert once.wait(timeout=60) == 1  # a crawl run by hand that did not finish
    finally:
        once.kill()
    runs, jobs = recorded(engine)
    assert runs[0][0] == "abandoned" and runs[0][1].startswith("stopped (SIGTERM) after ")
    assert jobs == [("crawl", "abandoned")]
    engine.dispose()
