"""``python -m crawler [--config FILE] [--db URL] [--source NAME]... [--wait SECONDS]``: one crawl, in a
process of its own (a Twisted reactor cannot restart within one process). ``hitmon crawl`` and the
scheduler both run crawls this way.

Exit status: 0 finished, 1 failed, 2 a bad config, 3 interrupted (stopped by SIGTERM/SIGINT, the crawl lock
lost, or articles that could not be stored: the next crawl resumes it), 75 another crawl holds the lock."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.epilogue import log_to_stderr
from crawler.progress import report_crawl
from crawler.run import CrawlSummary, run_crawl
from pipeline.config import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler", description=__doc__)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--db")
    parser.add_argument("--source", action="append", dest="sources")
    parser.add_argument("--trigger", default="schedule")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a running crawl's lock")
    args = parser.parse_args(argv)
    log_to_stderr()

    def crawl() -> CrawlSummary:
        settings = load_settings(args.config, db=args.db)
        return run_crawl(settings, args.sources, trigger=args.trigger, lock_wait=args.wait)

    return report_crawl(crawl)


if __name__ == "__main__":
    sys.exit(main())
