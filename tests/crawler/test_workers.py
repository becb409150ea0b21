"""The extraction pool survives the death of a worker even in CPython's blind spot: a worker killed while
writing its result leaves half a message in the pipe, and the pool's manager thread waits forever for
the rest (the crawl hung after kill -9 of its workers). ``crawler.workers`` breaks such a pool so that
its pages are retried in a new one."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from crawler.workers import _result
from tests.crawler.crash_harness import big_result, wait_for, waiting_on

pytestmark = pytest.mark.slow
RESULT_BYTES = 100_000_000
SAFETY_NET = 120  # seconds: a hang fails the test instead of stalling the run


def test_a_worker_killed_while_writing_its_result_breaks_the_pool_instead_of_hanging() -> None:
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
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
