#!/usr/bin/env python3
"""Cost under hostile input: what a hostile feed, listing, pattern or page costs a crawl.

    python benchmarks/hostile.py [--case feed|starve|pattern|page ...] [--code DIR] [--entries N]

``--code DIR`` runs the crawls and extractions on another checkout of the project (e.g. the commit before
these bounds, extracted with ``git archive``) for a before/after figure with the same site and settings.

- feed: a feed of N entries (default 2,000), each with content and a dead link (``--dead``: 404 from the
  feed's host, or a refused connection), on 127.0.0.1;
  wall time of ``python -m crawler`` and of the crawl itself (its own "finished in"), rows stored.
- starve: a feed of N dead entries and 30 small listings (two articles each) on one host; how many of
  the huge feed's requests went out before the last small article, and when (seconds after the start).
- pattern: ``link_pattern: (a+)+$`` against a link of 28 'a's and one of 100,000, with Python's ``re`` and
  with ``pipeline.stages.link_pattern``.
- page: one page of ``--elements`` elements (400,000: 5 MB; the issue's pages had a million) through
  ``process_page``, in a subprocess: seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.crawler.hostile_site import (  # noqa: E402
    article_html,
    distinct_paragraph,
    listing,
    page,
    rss,
    serve_hostile_site,
)


def run_crawl(code: Path, db_url: str, sources: list[tuple[str, str, str]], **env: str) -> tuple[float, str]:
    """Add the sources and run ``python -m crawler`` on ``code``; (wall seconds, stderr)."""
    environ = {**os.environ, "PYTHONPATH": str(code), "HITMON_DB": db_url, **env}
    setup = (
        "import sys, json; from models.db import *; from models.schema import Source\n"
        "e = make_engine(sys.argv[1]); upgrade_database(e)\n"
        "with session_scope(session_factory(e)) as s:\n"
        "    for n, k, u in json.loads(sys.argv[2]):\n"
        "        options = {'obey_robots': False, **({'link_pattern': '/small/'} if k == 'listing' else {})}\n"  # noqa: E501
        "        s.add(Source(name=n, kind=k, url=u, media=n, options=options))\n"
    )
    import json

    subprocess.run(
        [sys.executable, "-c", setup, db_url, json.dumps(sources)], env=environ, check=True, cwd=code
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "crawler"], env=environ, capture_output=True, text=True, cwd=code
    )
    return time.monotonic() - started, result.stderr


def limits(code: Path, entries: int) -> dict[str, str]:
    """The crawl settings of a run: the feed bound lifted to ``entries`` where the checkout has one."""
    env = {"HITMON_CRAWL__EXTRACT_WORKERS": "2"}
    if "max_feed_entries" in (code / "pipeline" / "config.py").read_text():
        env["HITMON_CRAWL__MAX_FEED_ENTRIES"] = str(entries)
    return env


def case_feed(code: Path, entries: int, folder: Path, dead: str) -> None:
    """``dead``: "404" (the feed's host answers 404) or "refused" (a closed port refuses connections)."""

    def build(base: str) -> dict:
        host = base if dead == "404" else "http://127.0.0.1:9"
        items = [
            (distinct_paragraph(-n)[:16], f"{host}/gone/{n}.html", f"<p>{distinct_paragraph(n)}</p>")
            for n in range(entries)
        ]
        return {"/feed.xml": rss(items)}

    with serve_hostile_site(build) as site:
        db = folder / "feed.db"
        wall, stderr = run_crawl(
            code, f"sqlite:///{db}", [("订阅", "feed", f"{site.base_url}/feed.xml")], **limits(code, entries)
        )
    import sqlite3

    stored = sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0]
    crawl = re.search(r"finished in ([\d.]+) s", stderr)
    seconds = crawl.group(1) if crawl else "?"
    print(f"feed: {entries} entries with content, dead links ({dead}): {stored} stored; crawl {seconds} s,")
    print(f"      process {wall:.1f} s (start-up and reprint grouping included)")


SMALL = 30  # small sources on the huge one's host: more than crawl.concurrency (16) start requests


def case_starve(code: Path, entries: int, folder: Path) -> None:
    def build(base: str) -> dict:
        pages = {"/huge.xml": rss([(f"海量{n}", f"{base}/huge/{n}.html", "") for n in range(entries)])}
        for source in range(SMALL):
            links = [f"/small/{source}/{n}.html" for n in range(2)]
            pages[f"/small/{source}/"] = listing(links)
            pages.update(
                {link: page(article_html(f"小来源{source}第{n}篇文章标题")) for n, link in enumerate(links)}
            )
        return pages

    with serve_hostile_site(build) as site:
        sources = [("海量", "feed", f"{site.base_url}/huge.xml")]
        sources += [(f"小{n}", "listing", f"{site.base_url}/small/{n}/") for n in range(SMALL)]
        started = time.monotonic()
        wall, _ = run_crawl(code, f"sqlite:///{folder / 'starve.db'}", sources, **limits(code, entries))
        stamps = [(at - started, path) for at, path in zip(site.times, site.paths(), strict=True)]
    small = [n for n, (_, path) in enumerate(stamps) if path.startswith("/small/") and path.endswith(".html")]
    huge = sum(path.startswith("/huge/") for _, path in stamps)
    if len(small) < SMALL * 2:
        print(f"starve: only {len(small)} of {SMALL * 2} small articles fetched in {wall:.0f} s")
        return
    last = max(small)
    before = sum(path.startswith("/huge/") for _, path in stamps[:last])
    print(f"starve: {huge} huge-feed requests in all; {before} went out before the last of {SMALL * 2}")
    print(f"        small articles, which came {stamps[last][0]:.1f} s after the start (crawl {wall:.1f} s)")


def case_pattern(code: Path, skip_re: bool) -> None:
    short, long = "http://x/" + "a" * 28 + "!", "http://x/" + "a" * 100_000 + "!"
    if not skip_re:
        started = time.monotonic()
        re.search(r"(a+)+$", short)
        print(f"pattern: re, (a+)+$ on a link of 28 a's: {time.monotonic() - started:.1f} s")
    if not (code / "pipeline" / "link_pattern.py").exists():
        print("pattern: this checkout has no pipeline.stages.link_pattern (listing pages use re)")
        return
    sys.path.insert(0, str(code))
    from pipeline.stages.link_pattern import compile_link_pattern

    for link in (short, long):
        started = time.monotonic()
        compile_link_pattern(r"(a+)+$").search(link)
        print(
            f"pattern: pipeline.stages.link_pattern on {len(link):,} characters: "
            f"{time.monotonic() - started:.4f} s"
        )


def case_page(code: Path, elements: int) -> None:
    script = (
        "import sys, time, resource; from datetime import UTC, datetime\n"
        "from pipeline.config import Settings; from pipeline.record import ArticleRecord\n"
        "from pipeline.stages.page import load_stages, process_page\n"
        "cells = '<span><b>数据</b></span>' * (int(sys.argv[1]) // 2)\n"
        "html = ('<html><body><h1>很多元素的页面标题</h1><div>' + cells).encode()\n"
        "stages = load_stages(Settings())\n"
        "r = ArticleRecord(url='http://x/a/1.html', source='s', fetched_at=datetime.now(UTC), html=html)\n"
        "t = time.monotonic()\n"
        "try: process_page(r, stages); outcome = 'extracted'\n"
        "except Exception as exc: outcome = f'{type(exc).__name__}: {exc}'\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "seconds = time.monotonic() - t\n"
        "print(f'page: {len(html)/1e6:.1f} MB, {sys.argv[1]} elements: {seconds:.1f} s, peak RSS {rss:.0f} MB')\n"  # noqa: E501
        "print(f'      {outcome}')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "-c", script, str(elements)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=code)
    print(result.stdout.strip() or result.stderr.strip()[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", action="append", choices=["feed", "starve", "pattern", "page"])
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument(
        "--dead", choices=["404", "refused"], default="404", help="feed case: how links are dead"
    )
    parser.add_argument(
        "--elements", type=int, default=400_000, help="of the page case (the issue's: 1,000,000)"
    )
    parser.add_argument("--skip-re", action="store_true", help="pattern case: not Python's re (30 s+)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for case in args.case or ["feed", "starve", "pattern", "page"]:
            if case == "feed":
                case_feed(args.code.resolve(), args.entries, Path(folder), args.dead)
            elif case == "starve":
                case_starve(args.code.resolve(), args.entries, Path(folder))
            elif case == "pattern":
                case_pattern(args.code.resolve(), args.skip_re)
            else:
                case_page(args.code.resolve(), args.elements)


if __name__ == "__main__":
    main()
