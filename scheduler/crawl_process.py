"""One crawl in a subprocess (a Twisted reactor cannot restart in one process), with a timeout and a stop.

The child gets a session of its own, so a Ctrl-C on the terminal reaches the scheduler only; stopping
sends SIGTERM to the child's whole process group (extraction workers too), then SIGKILL after a grace.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings

log = logging.getLogger(__name__)

TAIL_LINES = 20  # of the child's stderr, kept for the failure reason


@dataclass(frozen=True)
class ProcessResult:
    exit_code: int | None  # None: never started (a stop came first)
    seconds: float
    timed_out: bool = False
    stop_reason: str | None = None  # set when the scheduler stopped the crawl
    stderr_tail: tuple[str, ...] = ()


def crawl_command(settings: Settings, config_file: Path | None) -> list[str]:
    """``python -m crawler --trigger schedule [--config F]``; the database goes in HITMON_DB (see ``run``)."""
    base = list(settings.schedule.crawl_command) or [sys.executable, "-m", "crawler"]
    return [*base, "--trigger", "schedule", *(["--config", str(config_file)] if config_file else [])]


class CrawlProcess:
    """Runs the crawl command; ``request_stop`` (safe in a signal handler) ends the running one."""

    def __init__(
        self,
        command: list[str],
        *,
        db_url: str,
        timeout: float,
        kill_grace: float,
        poll: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.command, self.timeout, self.kill_grace = command, timeout, kill_grace
        self.poll, self.clock = poll, clock
        self.env = {**os.environ, "HITMON_DB": db_url}  # not on the command line: ps would show a password
        self.stop_reason: str | None = None
        self._process: subprocess.Popen[str] | None = None

    def request_stop(self, reason: str) -> None:
        self.stop_reason = reason
        process = self._process
        if process is not None and process.poll() is None:
            _signal_group(process, signal.SIGTERM)

    def run(self) -> ProcessResult:
        if self.stop_reason:
            return ProcessResult(None, 0.0, stop_reason=self.stop_reason)
        started = self.clock()
        process = subprocess.Popen(
            self.command,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            env=self.env,
            start_new_session=True,
        )
        self._process = process
        log.info("crawl started (pid %d): %s", process.pid, " ".join(self.command))
        tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        reader = threading.Thread(target=_forward, args=(process, tail), name="crawl-stderr", daemon=True)
        reader.start()
        timed_out = self._wait(process, started)
        reader.join(timeout=max(self.kill_grace, 5))  # a leftover grandchild may keep the pipe open
        self._process = None
        seconds = self.clock() - started
        return ProcessResult(process.returncode, seconds, timed_out, self.stop_reason, tuple(tail))

    def _wait(self, process: subprocess.Popen[str], started: float) -> bool:
        """Wait for the child; end it on a stop request or at the timeout. True if it timed out."""
        while True:
            try:
                process.wait(timeout=self.poll)
                return False
            except subprocess.TimeoutExpired:
                pass
            if self.stop_reason:
                self._end(process)
                return False
            if self.clock() - started >= self.timeout:
                log.error("crawl timed out after %.0f s: stopping it", self.timeout)
                self._end(process)
                return True

    def _end(self, process: subprocess.Popen[str]) -> None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=self.kill_grace)
        except subprocess.TimeoutExpired:
            log.warning("crawl (pid %d) ignored SIGTERM for %.0f s: killing it", process.pid, self.kill_grace)
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[str], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _forward(process: subprocess.Popen[str], tail: collections.deque[str]) -> None:
    """Pass the child's stderr on to ours (the journal) and keep its last lines."""
    assert process.stderr is not None
    for line in process.stderr:
        sys.stderr.write(line)
        if line.strip():
            tail.append(line.rstrip())
    process.stderr.close()
