"""``python -m crawler [--config FILE] [--db URL] [--source NAME]...``: one crawl in a process of its own.

The scheduler runs crawls this way (a Twisted reactor cannot restart within one process)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, db=args.db)
        summary = run_crawl(settings, args.sources, trigger=args.trigger)
    except (HitmonError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    totals = summary.tally.totals()
    print(f"crawl {summary.run_id} {summary.status}: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    return 0 if summary.status == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
