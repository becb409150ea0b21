"""Shared by the crash tests: a generated TRS site on loopback, a crawl in a subprocess, and what the
database holds afterwards; processes found through /proc (no psutil)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.generated_site import LINK_PATTERN, LISTING_URL_PATH
from models.db import make_engine, session_factory, session_scope
from models.schema import Article, CrawlRun, PageValidator

# Slow enough that a kill or a signal lands mid-crawl on a loaded machine, fast enough to finish.
PACED = {
    "HITMON_CRAWL__DOWNLOAD_DELAY": "0.03",
    "HITMON_CRAWL__CONCURRENCY_PER_DOMAIN": "1",
    "HITMON_CRAWL__AUTOTHROTTLE": "false",
    "HITMON_CRAWL__STORE_BATCH": "10",
    "HITMON_CRAWL__MAX_PAGES": "100",
    "HITMON_CRAWL__EXTRACT_WORKERS": "2",
}


def hitmon_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from hitmon.cli import main; main()", *args]


def crawl_command(*args: str) -> list[str]:
    """What `hitmon crawl` replaces itself with."""
    return [sys.executable, "-m", "crawler", "--trigger", "manual", *args]


def listing_sources(base_url: str) -> str:
    return (
        "sources:\n  - name: 江南省卫生健康委\n    kind: listing\n"
        f"    url: {base_url}{LISTING_URL_PATH}\n    link_pattern: '{LINK_PATTERN}'\n    max_pages: 100\n"
    )


def prepare(env: dict[str, str], sources: str, folder: Path) -> None:
    path = folder / "sources.yaml"
    path.write_text(sources, encoding="utf-8")
    for args in (("db", "upgrade"), ("sources", "load", str(path))):
        done = subprocess.run(hitmon_command(*args), env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr


def stored(db_url: str) -> tuple[int, int]:
    """Article rows, and distinct fetched URLs among them."""
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        rows = session.scalar(select(func.count()).select_from(Article)) or 0
        distinct = session.scalar(select(func.count(func.distinct(Article.url)))) or 0
    engine.dispose()
    return rows, distinct


def runs(db_url: str) -> list[tuple[str, str | None, dict[str, int]]]:
    """(status, error, stats) of every crawl run, oldest first."""
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        ordered = session.scalars(select(CrawlRun).order_by(CrawlRun.id))
        found = [(run.status, run.error, dict(run.stats or {})) for run in ordered]
    engine.dispose()
    return found


def validator_urls(db_url: str) -> set[str]:
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        urls = set(session.scalars(select(PageValidator.url)))
    engine.dispose()
    return urls


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 180, poll: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(poll)


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def descendants(pid: int) -> dict[int, str]:
    """Every living process below ``pid``: pid -> command line."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    found, frontier = {}, [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found and _alive(child):
                found[child] = command_line(child)
                frontier.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def pool_workers(pid: int) -> list[int]:
    """The extraction pool's workers under ``pid``: spawned ones, or the forkserver's children (the
    forkserver's command line, under the forkserver); not the resource tracker nor the forkserver."""
    below = descendants(pid)

    def forked_by_the_server(child: int) -> bool:
        return "forkserver" in below.get(_parent_of(child) or 0, "")

    return [
        child
        for child, line in below.items()
        if "spawn_main" in line or ("forkserver" in line and forked_by_the_server(child))
    ]


def still_alive(pids: list[int]) -> list[int]:
    return [pid for pid in pids if _alive(pid)]


def environment(db_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "HITMON_DB": db_url, **PACED, **extra}


def big_result(size: int) -> bytes:
    """Run in a pool worker: a result far larger than a pipe holds, so the worker writes it in pieces."""
    return b"x" * size


def waiting_on(pid: int) -> str:
    """What the process's main thread is blocked in (its kernel wait channel)."""
    try:
        return Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return ""
