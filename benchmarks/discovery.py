#!/usr/bin/env python3
"""Discovery on the project's listing and feed fixtures: main-list recall and precision without a
``link_pattern``, next pages followed, feed entries kept.

    python benchmarks/discovery.py [--fixtures tests/fixtures/listings] [--verbose]

Each ``<name>.html`` in the folder is a listing page; ``expected.json`` gives its URL, its main list (the
article links a crawl should take, in order) and the next page's URL. Each ``<name>.xml`` is a feed whose
``expected.json`` entry gives how many entries it holds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.stages.discover import find_next_page, listing_links, parse_feed

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "listings"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--verbose", action="store_true", help="print the links missed and taken wrongly")
    args = parser.parse_args()
    expected = json.loads((args.fixtures / "expected.json").read_text(encoding="utf-8"))
    failures = 0
    print(f"{'listing':24} {'links':>5} {'found':>5} {'recall':>7} {'precision':>9}  next page")
    for name, want in sorted(expected.items()):
        if "main_list" not in want:
            continue
        html = (args.fixtures / f"{name}.html").read_text(encoding="utf-8")
        found = listing_links(html, want["url"], allow_domains=want.get("allow_domains", ()))
        got = [url for url, _ in found.kept]
        right = len(set(got) & set(want["main_list"]))
        recall = right / len(want["main_list"]) if want["main_list"] else 1.0
        precision = right / len(got) if got else 0.0
        following = find_next_page(html, want["url"], 1)
        pager = "ok" if following.url == want["next_page"] else f"WRONG {following.url} ({following.how})"
        failures += recall < 0.95 or precision < 0.95 or pager != "ok"
        print(f"{name:24} {len(want['main_list']):5} {len(got):5} {recall:7.3f} {precision:9.3f}  {pager}")
        if args.verbose:
            for url in sorted(set(want["main_list"]) - set(got)):
                print("   missed", url, dict(found.left_out).get(url, ""))
            for url in sorted(set(got) - set(want["main_list"])):
                print("   wrong ", url, dict(found.kept).get(url, ""))
    for name, want in sorted(expected.items()):
        if "entries" not in want:
            continue
        feed = parse_feed((args.fixtures / f"{name}.xml").read_bytes(), want["url"])
        kept = len(feed.entries)
        failures += kept != want["entries"]
        print(f"feed {name:19} entries {want['entries']:3}  kept {kept:3}")
    print("all targets met" if not failures else f"{failures} targets missed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
