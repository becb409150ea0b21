"""``python -m crawler.distributed_main [--config FILE] [--db URL] [--idle-timeout S | --forever]``: one
distributed-crawl worker in a process of its own (``hitmon worker`` replaces itself with it).

Exit status: 0 stopped after being idle (or on SIGTERM), 1 failed, 2 a bad config, 3 interrupted
(articles it could not store; their requests go back to the frontier when the worker is gone)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.distributed import run_worker
from crawler.epilogue import log_to_stderr
from crawler.progress import report_crawl
from crawler.run import CrawlSummary
from pipeline.config import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.distributed_main", description=__doc__)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--db")
    parser.add_argument("--idle-timeout", type=float, help="seconds idle before stopping")
    parser.add_argument("--forever", action="store_true", help="never stop for being idle (a service)")
    args = parser.parse_args(argv)
    log_to_stderr()

    def work() -> CrawlSummary:
        settings = load_settings(args.config, db=args.db)
        idle = None if args.forever else (args.idle_timeout or settings.distributed.idle_timeout)
        return run_worker(settings, idle)

    return report_crawl(work)


if __name__ == "__main__":
    sys.exit(main())
