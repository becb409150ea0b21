"""Page processing off the reactor thread: extraction is CPU-bound (~20 ms a page), so it runs in a
process pool whose workers each build the stages (lexicon, rules) once.

A worker may die (the OOM killer's SIGKILL): the pool is then broken and every page in it fails, so
the pool is replaced and those pages retried, a bounded number of times. Workers ignore SIGINT and
SIGTERM (a Ctrl-C or a process-group SIGTERM reaches them too) and leave it to the crawl to drain and
close the pool; they exit on their own when the crawl process is gone, even killed outright."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from pipeline.config import Settings
from pipeline.record import ArticleRecord

if TYPE_CHECKING:  # the stages (trafilatura, jieba, datasketch) load where pages are processed only:
    # with a pool, the crawl's main process fetches and stores and is ~100 MB lighter without them.
    from pipeline.stages.page import Stages

log = logging.getLogger(__name__)

# A page whose worker died is tried this many more times in a new pool, then recorded as failed: a page
# that kills every worker (a decompression bomb, a regex blow-up) must not stop the crawl.
WORKER_DEATH_RETRIES = 2
PARENT_POLL_SECONDS = 0.5

# One per worker process, set by the pool's initializer: the only way to keep per-process state
# in a ProcessPoolExecutor without shipping the relevance model with every page.
_worker_stages: Stages | None = None


class PageLost(Exception):
    """The page's extraction worker died on every try."""


def _start_worker(settings: Settings, parent_pid: int) -> None:
    from pipeline.stages.page import load_stages

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    watch = threading.Thread(target=_exit_with_parent, args=(parent_pid,), name="parent-watch", daemon=True)
    watch.start()
    global _worker_stages
    _worker_stages = load_stages(settings)


def _exit_with_parent(parent_pid: int) -> None:
    """An orphan is re-parented (to init or a subreaper): then nobody will ever send it a page."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _process_in_worker(record: ArticleRecord, max_age_days: int | None) -> ArticleRecord:
    from pipeline.stages.page import process_page

    assert _worker_stages is not None, "worker started without its stages"
    return process_page(record, _worker_stages, max_age_days)


class PageProcessor:
    """Runs ``process_page`` in ``crawl.extract_workers`` processes (0: one per core; 1: inline)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.workers = settings.crawl.extract_workers or os.cpu_count() or 1
        self.executor: ProcessPoolExecutor | None = None
        self.stages: Stages | None = None
        self.restarts = 0  # pools replaced after a worker died
        if self.workers > 1:
            self.executor = self._new_pool()
        else:
            from pipeline.stages.page import load_stages

            self.stages = load_stages(settings)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),  # no fork of a process running a reactor
            initializer=_start_worker,
            initargs=(self.settings, os.getpid()),
        )

    async def process(self, record: ArticleRecord, max_age_days: int | None) -> ArticleRecord:
        if self.executor is None:
            from pipeline.stages.page import process_page

            assert self.stages is not None
            return process_page(record, self.stages, max_age_days)
        for _attempt in range(WORKER_DEATH_RETRIES + 1):
            pool = self.executor
            try:
                return await asyncio.wrap_future(pool.submit(_process_in_worker, record, max_age_days))
            except BrokenProcessPool:
                self._replace(pool)
        raise PageLost(f"an extraction worker died on each of {WORKER_DEATH_RETRIES + 1} tries")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Every page in flight fails with the same broken pool: only the first replaces it."""
        if self.executor is broken:
            log.warning("an extraction worker died (killed?): new pool, its pages are processed again")
            broken.shutdown(wait=False, cancel_futures=True)
            self.executor = self._new_pool()
            self.restarts += 1

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
