"""``python -m crawler [--config FILE] [--db URL] [--source NAME]... [--wait SECONDS]``: one crawl, in a
process of its own (a Twisted reactor cannot restart within one process). ``hitmon crawl`` and the
scheduler both run crawls this way.

Exit status: 0 finished, 1 failed, 2 a bad config, 3 interrupted (stopped by SIGTERM/SIGINT, the crawl lock
lost, or articles that could not be stored: the next crawl resumes it), 75 another crawl holds the lock."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.console import terminal
from crawler.epilogue import EXIT_STATUS, log_to_stderr
from crawler.progress import summary_table
from crawler.run import run_crawl
from models.db import DatabaseError
from pipeline.config import load_settings
from pipeline.errors import HitmonError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler", description=__doc__)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--db")
    parser.add_argument("--source", action="append", dest="sources")
    parser.add_argument("--trigger", default="schedule")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a running crawl's lock")
    args = parser.parse_args(argv)
    log_to_stderr()
    try:
        settings = load_settings(args.config, db=args.db)
        summary = run_crawl(settings, args.sources, trigger=args.trigger, lock_wait=args.wait)
    except (HitmonError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    terminal(stderr=True).print(summary_table(summary))
    if summary.error:
        print(f"crawl {summary.status}: {summary.error}", file=sys.stderr)
    return EXIT_STATUS.get(summary.status, 1)


if __name__ == "__main__":
    sys.exit(main())
