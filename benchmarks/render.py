#!/usr/bin/env python3
"""Browser benchmark: a challenge-protected generated site crawled through the browser path and with
cookie hand-back, beside the same site unprotected.

    python benchmarks/render.py [--pages N] [--seed S] [--keep DIR]

It serves ``generate_site(N)`` (benchmarks/generated_site.py, default N = 500) behind the project's
challenge gate (tests/crawler/challenge_site.py: every page answers 412 with a script that computes a
cookie from a per-run seed and the user agent, sets it and reloads) and runs ``hitmon crawl`` three times,
each on a fresh SQLite database and a fresh seed:

1. unprotected: the gate open, no challenge (the browser is never started);
2. hand-back: ``render: auto`` as configured by default: the browser clears the challenge, plain Scrapy
   fetches the rest with its cookie and user agent;
3. browser path: ``browser.hand_back = false``: every page after the first challenge is rendered.

It prints pages/s (articles stored / wall time of the crawl subprocess), CPU time and peak RSS of the
process tree (Chromium and Playwright's driver included, shown apart), side by side, and whether
hand-back is within 2x of the unprotected crawl.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the challenge gate is the tests' fixture

import generated_site as generated  # noqa: E402
from crawl import CONCURRENCY, hitmon_env, progress, work_directory  # noqa: E402

from tests.crawler.challenge_site import Served, serve_challenge_site  # noqa: E402

SAMPLE_SECONDS = 0.1
TARGET_SLOWDOWN = 2.0  # hand-back pages/s within this factor of the unprotected crawl
RUNS = (
    ("unprotected", {"guarded": False}, {}),
    ("hand-back", {}, {}),
    ("browser path", {}, {"HITMON_BROWSER__HAND_BACK": "false"}),
)


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    cpu: float  # seconds, user + sys of the process tree (reaped children)
    peak: dict[str, dict[str, int]]  # "rss" / "pss" -> role ("hitmon", "browser") -> bytes, at its peak
    returncode: int
    load: tuple[float, float]


@dataclass(frozen=True)
class RenderRun:
    label: str
    stored: int
    browser_pages: int  # recorded by the crawl
    served: dict[str, int]  # real pages the server sent, by client (browser / plain)
    challenges: int  # challenge answers the server sent
    measured: Measured

    @property
    def pages_per_second(self) -> float:
        return self.stored / self.measured.wall if self.measured.wall else 0.0

    def memory(self, kind: str, role: str | None = None) -> int:
        peak = self.measured.peak[kind]
        return peak.get(role, 0) if role else sum(peak.values())


def run_sampled(argv: Sequence[str], env: dict[str, str], cwd: Path, log: Path) -> Measured:
    """Run ``argv``, sampling the RSS and PSS of its process tree every 100 ms.

    A sum of RSS counts the pages Chromium's processes share once per process; PSS shares them out, so
    its sum is what the tree really holds."""
    load_before, before = os.getloadavg()[0], resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    peak: dict[str, dict[str, int]] = {"rss": {}, "pss": {}}
    with log.open("wb") as out:
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        while process.poll() is None:
            for kind, sample in _sample(process.pid).items():
                if sum(sample.values()) > sum(peak[kind].values()):
                    peak[kind] = sample
            time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, peak, process.returncode, (load_before, os.getloadavg()[0]))


def _sample(root: int) -> dict[str, dict[str, int]]:
    sample: dict[str, dict[str, int]] = {"rss": {}, "pss": {}}
    for pid in _tree(root):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:  # gone meanwhile
            continue
        role = "browser" if b"chromium" in command or b"playwright/driver" in command else "hitmon"
        for kind, key in (("rss", "Rss"), ("pss", "Pss")):
            found = re.search(rf"^{key}:\s+(\d+) kB", rollup, re.MULTILINE)
            sample[kind][role] = sample[kind].get(role, 0) + (int(found.group(1)) * 1024 if found else 0)
    return sample


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(
                    Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except OSError:
                continue
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return found


def pages_of(site: dict[str, generated.Page]) -> object:
    def serve(path: str) -> Served | None:
        page = site.get(path)
        return Served(200, page.body, page.content_type) if page else None

    return serve


def crawl_once(label: str, workdir: Path, site: dict, gate: dict, extra: dict[str, str]) -> RenderRun:
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**hitmon_env(len(os.sched_getaffinity(0))), **extra}
    db = workdir / "hitmon.db"
    command = [str(Path(sys.executable).with_name("hitmon")), "--db", f"sqlite:///{db}"]
    with serve_challenge_site(articles=0, pages=pages_of(site), **gate) as server:
        source = {
            "name": "挑战站点",
            "kind": "listing",
            "url": server.base_url + generated.LISTING_URL_PATH,
            "link_pattern": generated.LINK_PATTERN,
            "max_pages": generated.listing_page_count(len(site)) + 1,
        }
        sources = workdir / "sources.yaml"  # JSON is YAML
        sources.write_text(json.dumps({"sources": [source]}, ensure_ascii=False), encoding="utf-8")
        for args in (("db", "upgrade"), ("sources", "load", str(sources))):
            subprocess.run([*command, *args], env=env, cwd=workdir, check=True, capture_output=True)
        progress(f"{label}: hitmon crawl")
        log = workdir / "crawl.log"
        measured = run_sampled([*command, "crawl"], env, workdir, log)
        if measured.returncode:
            sys.exit(
                f"{label} crawl exited {measured.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        served, challenges = dict(server.served), server.challenged.total()
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        browser = connection.execute("SELECT sum(browser_pages) FROM crawl_source_stats").fetchone()[0]
    return RenderRun(label, stored, browser or 0, served, challenges, measured)


def report(runs: Sequence[RenderRun], pages: int) -> str:
    def row(name: str, cell: object) -> str:
        return f"  {name:34}" + "".join(f"{cell(run):>14}" for run in runs)  # type: ignore[operator]

    lines = [
        f"N={pages} article pages behind a 412 cookie challenge, {len(os.sched_getaffinity(0))} cores, "
        f"concurrency {CONCURRENCY}",
        f"  {'':34}" + "".join(f"{run.label:>14}" for run in runs),
        row("article pages stored", lambda r: r.stored),
        row("wall time (s)", lambda r: f"{r.measured.wall:.1f}"),
        row("pages/s", lambda r: f"{r.pages_per_second:.1f}"),
        row("CPU time (s)", lambda r: f"{r.measured.cpu:.1f}"),
        row("peak PSS, process tree (MB)", lambda r: _mb(r.memory("pss"))),
        row("  of which browser (MB)", lambda r: _mb(r.memory("pss", "browser"))),
        row("peak RSS sum, process tree (MB)", lambda r: _mb(r.memory("rss"))),
        row("pages rendered (recorded)", lambda r: r.browser_pages),
        row("pages served to the browser", lambda r: r.served.get("browser", 0)),
        row("pages served to plain Scrapy", lambda r: r.served.get("plain", 0)),
        row("challenges answered", lambda r: r.challenges),
        row("load average, start/end", lambda r: "{:.1f}/{:.1f}".format(*r.measured.load)),
    ]
    by_label = {run.label: run for run in runs}
    open_pps, back_pps = by_label["unprotected"].pages_per_second, by_label["hand-back"].pages_per_second
    browser_pps = by_label["browser path"].pages_per_second
    slowdown = open_pps / back_pps if back_pps else float("inf")
    verdict = "met" if slowdown <= TARGET_SLOWDOWN else "NOT met"
    target = f"target <= {TARGET_SLOWDOWN:g}x: {verdict}"
    lines.append(f"  unprotected / hand-back pages/s: {slowdown:.2f}x ({target})")
    if browser_pps:
        lines.append(f"  hand-back / browser path pages/s: {back_pps / browser_pps:.2f}x")
    return "\n".join(lines)


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=500, help="article pages to generate (default 500)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep databases and crawl logs in DIR")
    args = parser.parse_args(argv)
    progress(f"N={args.pages}: generating the site")
    site = generated.generate_site(args.pages, args.seed)
    with work_directory(args.keep) as root:
        runs = [
            crawl_once(label, root / label.replace(" ", "-"), site, gate, extra)
            for label, gate, extra in RUNS
        ]
    print(report(runs, args.pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
