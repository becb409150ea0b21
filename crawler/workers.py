"""Page processing off the reactor thread: extraction is CPU-bound (~20 ms a page), so it runs in a
process pool whose workers each build the stages (lexicon, rules) once."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from pipeline.config import Settings
from pipeline.record import ArticleRecord

if TYPE_CHECKING:  # the stages (trafilatura, jieba, datasketch) load where pages are processed only:
    # with a pool, the crawl's main process fetches and stores and is ~100 MB lighter without them.
    from pipeline.stages.page import Stages

# One per worker process, set by the pool's initializer: the only way to keep per-process state
# in a ProcessPoolExecutor without shipping the relevance model with every page.
_worker_stages: Stages | None = None


def _start_worker(settings: Settings) -> None:
    from pipeline.stages.page import load_stages

    global _worker_stages
    _worker_stages = load_stages(settings)


def _process_in_worker(record: ArticleRecord, max_age_days: int | None) -> ArticleRecord:
    from pipeline.stages.page import process_page

    assert _worker_stages is not None, "worker started without its stages"
    return process_page(record, _worker_stages, max_age_days)


class PageProcessor:
    """Runs ``process_page`` in ``crawl.extract_workers`` processes (0: one per core; 1: inline)."""

    def __init__(self, settings: Settings):
        workers = settings.crawl.extract_workers or os.cpu_count() or 1
        self.executor: ProcessPoolExecutor | None = None
        self.stages: Stages | None = None
        if workers > 1:
            self.executor = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),  # no fork of a process running a reactor
                initializer=_start_worker,
                initargs=(settings,),
            )
        else:
            from pipeline.stages.page import load_stages

            self.stages = load_stages(settings)

    async def process(self, record: ArticleRecord, max_age_days: int | None) -> ArticleRecord:
        if self.executor is None:
            from pipeline.stages.page import process_page

            assert self.stages is not None
            return process_page(record, self.stages, max_age_days)
        future = self.executor.submit(_process_in_worker, record, max_age_days)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
