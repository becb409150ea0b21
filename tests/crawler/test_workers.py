"""The extraction pool survives the death of a worker even in CPython's blind spot: a worker killed while
writing its result leaves half a message in the pipe, and the pool's manager thread waits forever for
the rest (the crawl hung after kill -9 of its workers). ``crawler.workers`` breaks such a pool so that
its pages are retried in a new one."""

from __future__ import annotations

import asyncio
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from multiprocessing import forkserver

import pytest

from crawler.workers import PageProcessor, _result, worker_context
from pipeline.config import Settings
from pipeline.record import ArticleRecord
from tests.crawler.crash_harness import big_result, wait_for, waiting_on
from tests.crawler.hostile_site import article_html

pytestmark = pytest.mark.slow
RESULT_BYTES = 100_000_000
SAFETY_NET = 120  # seconds: a hang fails the test instead of stalling the run


def test_a_worker_killed_while_writing_its_result_breaks_the_pool_instead_of_hanging() -> None:
    pool = ProcessPoolExecutor(1, mp_context=worker_context())
    try:
        pool.submit(big_result, 1).result()  # the worker is up
        submitted = pool.submit(big_result, RESULT_BYTES)
        [worker] = list(pool._processes.values())  # type: ignore[attr-defined]
        wait_for(lambda: "pipe_write" in waiting_on(worker.pid), "the worker writing its result", poll=0.001)
        os.kill(worker.pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            asyncio.run(asyncio.wait_for(_result(pool, submitted), SAFETY_NET))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def test_a_process_group_sigterm_leaves_the_pool_whole() -> None:
    """systemd's stop and the scheduler's timeout SIGTERM the whole group: the forkserver and the workers
    must outlive it so that the crawl can drain its pages through the same pool."""
    processor = PageProcessor(Settings(crawl={"extract_workers": 2}))
    try:
        first = asyncio.run(processor.process(page(1), None))
        assert isinstance(processor.executor, ProcessPoolExecutor)
        workers = [p.pid for p in processor.executor._processes.values()]  # type: ignore[attr-defined]
        server = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
        for pid in (server, *workers):
            os.kill(pid, signal.SIGTERM)
        later = asyncio.run(asyncio.wait_for(processor.process(page(2), None), SAFETY_NET))
        server_running = os.waitpid(server, os.WNOHANG) == (0, 0)
    finally:
        processor.close()  # stops and reaps the forkserver
    assert (first.title, later.title) == ("第1篇正常文章标题", "第2篇正常文章标题")
    assert processor.restarts == 0
    assert server_running


def page(n: int) -> ArticleRecord:
    url, html = f"http://127.0.0.1/a/{n}.html", article_html(f"第{n}篇正常文章标题").encode()
    return ArticleRecord(url=url, source="s", fetched_at=datetime.now(UTC), html=html)
