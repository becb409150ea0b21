#!/usr/bin/env python3
"""Crawl benchmark: ``hitmon crawl`` against the plain Scrapy approach on a generated TRS site.

    python benchmarks/crawl.py [--pages N | --sizes A,B] [--seed S] [--keep DIR]

For each size it serves ``generate_site(N)`` (benchmarks/generated_site.py) on 127.0.0.1 and runs, each
as a subprocess with the same concurrency (32, 32 per domain, AutoThrottle off):

1. ``hitmon crawl`` on a fresh SQLite database, extraction in its process pool (one worker per core);
2. a minimal Scrapy spider (``PlainSpider`` below) that runs trafilatura and jieba inline in an item
   pipeline on the reactor thread and inserts rows with sqlite3, as most crawlers do;
3. ``hitmon crawl`` again on the unchanged site, counting the article pages it fetches (server log).

It reports pages/s (articles stored / wall time of the crawl subprocess), CPU time (user + sys of the
process tree, from the rusage of reaped children) and peak memory: the largest sum of VmRSS over the
process and its descendants, sampled every 50 ms (shared pages counted once per process), and the largest
sum of their PSS (each shared page divided among the processes sharing it: what the tree really holds).
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
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import scrapy
from scrapy.exceptions import DropItem
from scrapy.http import Response

CONCURRENCY = 32
SAMPLE_SECONDS = 0.05
TARGET_RATIO = 2.5
TARGET_RECRAWL = 0.05  # share of N the second crawl may fetch
TARGET_PEAK_MB = 500
PLAIN_BATCH = 50  # rows per commit, as hitmon's default store_batch


# ---------------------------------------------------------------- the plain approach (its own process)


class PlainStorePipeline:
    """Extraction and tokenisation inline on the reactor thread, rows into SQLite with sqlite3."""

    def __init__(self, db_path: str):
        self.db_path = db_path
        self.pending = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> PlainStorePipeline:
        return cls(crawler.settings["PLAIN_DB"])

    def open_spider(self) -> None:
        import jieba

        jieba.initialize()  # load the dictionary now, not on the first page
        self.db = sqlite3.connect(self.db_path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, title TEXT, published TEXT,"
            " sitename TEXT, text TEXT, words TEXT)"
        )

    def process_item(self, item: dict[str, str]) -> dict[str, str]:
        import jieba
        import trafilatura

        document = trafilatura.bare_extraction(item["html"], url=item["url"], with_metadata=True)
        if document is None or not document.text:
            raise DropItem(f"no text: {item['url']}")
        words = jieba.lcut(document.text)
        self.db.execute(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)",
            (item["url"], document.title, document.date, document.sitename, document.text, " ".join(words)),
        )
        self.pending += 1
        if self.pending >= PLAIN_BATCH:
            self.db.commit()
            self.pending = 0
        return {"url": item["url"]}

    def close_spider(self) -> None:
        self.db.commit()
        self.db.close()


class PlainSpider(scrapy.Spider):
    """Follows 下一页 through the listing pages and yields every article page's HTML."""

    name = "plain"
    custom_settings = {"ITEM_PIPELINES": {PlainStorePipeline: 300}}  # noqa: RUF012 (Scrapy reads a dict)

    def __init__(self, start_url: str, link_pattern: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        self.link_pattern = re.compile(link_pattern)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if self.link_pattern.search(url):
                yield scrapy.Request(url, callback=self.parse_article)
        following = response.xpath('//a[normalize-space(text())="下一页"]/@href').get()
        if following:
            yield response.follow(following, callback=self.parse)

    def parse_article(self, response: Response) -> Iterator[dict[str, str]]:
        yield {"url": response.url, "html": response.text}


# ---------------------------------------------------------------- measuring a process tree


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    cpu: float  # seconds, user + sys of the whole tree
    peak: tuple[tuple[str, int], ...]  # (process role, VmRSS bytes) at the sample with the largest sum
    peak_pss_split: tuple[tuple[str, int], ...]  # (process role, PSS bytes) at the largest sum of PSS
    returncode: int
    load: tuple[float, float]  # 1-minute load average when the run started and ended: others' work shows
    server_cpu: float  # seconds this process (page server, sampler) spent meanwhile, on the same cores

    @property
    def peak_rss(self) -> int:
        return sum(rss for _, rss in self.peak)

    @property
    def peak_pss(self) -> int:
        return sum(pss for _, pss in self.peak_pss_split)


@dataclass(frozen=True)
class CrawlResult:
    label: str
    stored: int  # article rows in the database after the crawl
    measured: Measured

    @property
    def pages_per_second(self) -> float:
        return self.stored / self.measured.wall if self.measured.wall else 0.0


def run_measured(argv: Sequence[str], env: dict[str, str], cwd: Path, log: Path) -> Measured:
    """Run ``argv`` to completion, sampling the RSS and PSS of its process tree every 50 ms."""
    load_before = os.getloadavg()[0]
    before, own_before = (
        resource.getrusage(resource.RUSAGE_CHILDREN),
        resource.getrusage(resource.RUSAGE_SELF),
    )
    started = time.perf_counter()
    peak: list[tuple[str, int]] = []
    peak_pss: list[tuple[str, int]] = []
    with log.open("wb") as out:
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        while process.poll() is None:
            sample = tree_memory(process.pid)
            if sum(rss for _, rss, _ in sample) > sum(rss for _, rss in peak):
                peak = [(role, rss) for role, rss, _ in sample]
            if sum(pss for _, _, pss in sample) > sum(pss for _, pss in peak_pss):
                peak_pss = [(role, pss) for role, _, pss in sample]
            time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    after, own_after = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    load = (load_before, os.getloadavg()[0])
    return Measured(
        wall,
        _cpu(before, after),
        tuple(peak),
        tuple(peak_pss),
        process.returncode,
        load,
        _cpu(own_before, own_after),
    )


def _cpu(before: resource.struct_rusage, after: resource.struct_rusage) -> float:
    # Children's rusage includes the grandchildren they reaped (the extraction workers are joined).
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def tree_memory(root: int) -> list[tuple[str, int, int]]:
    """(role, VmRSS bytes, PSS bytes) of ``root`` and each of its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents():
        children.setdefault(parent, []).append(pid)
    found, stack = [], [(root, 0)]
    while stack:
        pid, parent = stack.pop()
        role = "main" if pid == root else _role(pid, parent)
        found.append((role, _vm_rss(pid), _pss(pid)))
        stack.extend((child, pid) for child in children.get(pid, ()))
    return found


def _role(pid: int, parent: int) -> str:
    """A forkserver's children carry its command line: they are the workers."""
    command = _command(pid)
    if b"forkserver" in command:
        return "worker" if b"forkserver" in _command(parent) else "forkserver"
    for marker, role in ((b"resource_tracker", "tracker"), (b"spawn_main", "worker")):
        if marker in command:
            return role
    return "child" if command else "gone"


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _parents() -> Iterator[tuple[int, int]]:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # the process ended between listdir and read
                continue
            yield int(entry), int(stat.rsplit(")", 1)[1].split()[1])


def _pss(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


def _vm_rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


# ---------------------------------------------------------------- the runs


@dataclass(frozen=True)
class Bench:
    workdir: Path
    base_url: str
    pages: int  # N, the article pages served
    listing_pages: int
    link_pattern: str
    listing_path: str

    @property
    def start_url(self) -> str:
        return self.base_url + self.listing_path


def hitmon_env(workers: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HITMON_")}
    env.update(
        HITMON_CRAWL__EXTRACT_WORKERS=str(workers),
        HITMON_CRAWL__AUTOTHROTTLE="false",
        HITMON_CRAWL__CONCURRENCY=str(CONCURRENCY),
        HITMON_CRAWL__CONCURRENCY_PER_DOMAIN=str(CONCURRENCY),
    )
    return env


def hitmon_command(bench: Bench, *args: str) -> list[str]:
    executable = Path(sys.executable).with_name("hitmon")
    return [str(executable), "--db", f"sqlite:///{bench.workdir / 'hitmon.db'}", *args]


def prepare_hitmon(bench: Bench, env: dict[str, str]) -> None:
    source = {
        "name": "生成站点",
        "kind": "listing",
        "url": bench.start_url,
        "media": "江南省卫生健康委",
        "link_pattern": bench.link_pattern,
        "max_pages": bench.listing_pages + 1,
    }
    sources = bench.workdir / "sources.yaml"  # JSON is YAML
    sources.write_text(json.dumps({"sources": [source]}, ensure_ascii=False, indent=2), encoding="utf-8")
    for args in (("db", "upgrade"), ("sources", "load", str(sources))):
        done = subprocess.run(hitmon_command(bench, *args), env=env, cwd=bench.workdir, capture_output=True)
        if done.returncode:
            sys.exit(f"hitmon {' '.join(args)} failed:\n{done.stdout.decode()}{done.stderr.decode()}")


def crawl_hitmon(bench: Bench, env: dict[str, str], label: str) -> CrawlResult:
    log = bench.workdir / f"{label}.log"
    measured = run_measured(hitmon_command(bench, "crawl"), env, bench.workdir, log)
    check(measured, log, label)
    return CrawlResult(label, count_rows(bench.workdir / "hitmon.db", "articles"), measured)


def crawl_plain(bench: Bench, workers: int) -> CrawlResult:
    db = bench.workdir / "plain.db"
    settings = {
        "PLAIN_DB": str(db),
        "CONCURRENT_REQUESTS": CONCURRENCY,
        "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }
    argv = [sys.executable, "-m", "scrapy", "runspider", str(Path(__file__).resolve())]
    argv += ["-a", f"start_url={bench.start_url}", "-a", f"link_pattern={bench.link_pattern}"]
    for name, value in settings.items():
        argv += ["-s", f"{name}={value}"]
    log = bench.workdir / "plain.log"
    measured = run_measured(argv, dict(os.environ), bench.workdir, log)
    check(measured, log, "plain")
    return CrawlResult("plain", count_rows(db, "pages"), measured)


def check(measured: Measured, log: Path, label: str) -> None:
    if measured.returncode:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        sys.exit(f"{label} crawl exited {measured.returncode}; end of {log}:\n{tail}")


def count_rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@dataclass(frozen=True)
class SizeReport:
    pages: int
    listing_pages: int
    site_mb: float
    hitmon: CrawlResult
    plain: CrawlResult
    recrawl: CrawlResult
    recrawl_article_fetches: int
    recrawl_requests: int


def bench_size(pages: int, seed: int, workdir: Path, workers: int) -> SizeReport:
    # Imported here, not at the top: the plain crawl imports this file and should not load them.
    import generated_site as generated

    from hitmon.samplesite import serve_pages

    progress(f"N={pages}: generating the site")
    site = generated.generate_site(pages, seed)
    site_mb = sum(len(page.body) for page in site.values()) / 1e6
    workdir.mkdir(parents=True, exist_ok=True)
    with serve_pages(site) as server:
        listing = generated.listing_page_count(pages)
        bench = Bench(
            workdir, server.base_url, pages, listing, generated.LINK_PATTERN, generated.LISTING_URL_PATH
        )
        env = hitmon_env(workers)
        prepare_hitmon(bench, env)
        progress(f"N={pages}: hitmon crawl")
        first = crawl_hitmon(bench, env, "hitmon")
        progress(f"N={pages}: plain Scrapy crawl")
        plain = crawl_plain(bench, workers)
        progress(f"N={pages}: hitmon crawl again, unchanged site")
        server.requests.clear()
        again = crawl_hitmon(bench, env, "hitmon-again")
        paths = server.requests.paths
    fetched = sum(generated.is_article_path(path) for path in paths)
    return SizeReport(pages, bench.listing_pages, site_mb, first, plain, again, fetched, len(paths))


# ---------------------------------------------------------------- the report


def format_size(report: SizeReport, workers: int) -> str:
    hit, plain = report.hitmon, report.plain
    ratio = hit.pages_per_second / plain.pages_per_second if plain.pages_per_second else float("inf")
    rows = [
        ("article pages stored", f"{hit.stored}", f"{plain.stored}"),
        ("wall time (s)", f"{hit.measured.wall:.1f}", f"{plain.measured.wall:.1f}"),
        ("pages/s", f"{hit.pages_per_second:.1f}", f"{plain.pages_per_second:.1f}"),
        ("CPU time (s)", f"{hit.measured.cpu:.1f}", f"{plain.measured.cpu:.1f}"),
        ("CPU ms per page", _per_page(hit), _per_page(plain)),
        ("peak RSS, process tree (MB)", _mb(hit.measured.peak_rss), _mb(plain.measured.peak_rss)),
        ("peak PSS, process tree (MB)", _mb(hit.measured.peak_pss), _mb(plain.measured.peak_pss)),
        ("load average, start/end", _load(hit), _load(plain)),
        (
            "page server CPU meanwhile (s)",
            f"{hit.measured.server_cpu:.1f}",
            f"{plain.measured.server_cpu:.1f}",
        ),
    ]
    share = report.recrawl_article_fetches / report.pages if report.pages else 0.0
    peak_mb = hit.measured.peak_rss / 2**20
    lines = [
        f"N={report.pages} article pages ({report.site_mb:.0f} MB, {report.listing_pages} listing pages), "
        f"{workers} cores, concurrency {CONCURRENCY}",
        f"  {'':30} {'hitmon':>10} {'plain':>10}",
        *(f"  {name:30} {a:>10} {b:>10}" for name, a, b in rows),
        f"  hitmon/plain pages/s: {ratio:.2f}x  "
        f"(target >= {TARGET_RATIO}: {_verdict(ratio >= TARGET_RATIO)})",
        f"  hitmon peak RSS: {peak_mb:.0f} MB = {_parts(hit.measured.peak)}  (target < {TARGET_PEAK_MB}: "
        f"{_verdict(peak_mb < TARGET_PEAK_MB)})",
        f"  hitmon peak PSS: {hit.measured.peak_pss / 2**20:.0f} MB = {_parts(hit.measured.peak_pss_split)}",
        f"  second hitmon crawl, unchanged site: {report.recrawl_article_fetches} article pages fetched "
        f"= {share:.1%} of N (target <= {TARGET_RECRAWL:.0%}: {_verdict(share <= TARGET_RECRAWL)}); "
        f"{report.recrawl_requests} requests in all, {report.recrawl.measured.wall:.1f} s, "
        f"{report.recrawl.stored} articles stored",
    ]
    return "\n".join(lines)


def format_memory(reports: Sequence[SizeReport]) -> str:
    cells = ", ".join(
        f"N={r.pages}: {_mb(r.hitmon.measured.peak_rss)} MB (PSS {_mb(r.hitmon.measured.peak_pss)})"
        for r in reports
    )
    plain = ", ".join(f"N={r.pages}: {_mb(r.plain.measured.peak_rss)} MB" for r in reports)
    return f"peak RSS by size: hitmon {cells}; plain {plain}"


def _per_page(result: CrawlResult) -> str:
    return f"{result.measured.cpu / result.stored * 1000:.1f}" if result.stored else "-"


def _parts(split: tuple[tuple[str, int], ...]) -> str:
    return " + ".join(f"{role} {_mb(size)}" for role, size in split if size)


def _load(result: CrawlResult) -> str:
    return "{:.1f}/{:.1f}".format(*result.measured.load)


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- entry point


@contextmanager
def work_directory(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="hitmon-bench-") as name:
        yield Path(name)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--pages", type=int, default=5000, help="article pages to generate (default 5000)")
    size.add_argument("--sizes", help="several sizes in one run, e.g. 1000,5000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep databases and crawl logs in DIR")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(part) for part in args.sizes.split(",")] if args.sizes else [args.pages]
    workers = len(os.sched_getaffinity(0))
    reports = []
    with work_directory(args.keep) as root:
        for pages in sizes:
            reports.append(bench_size(pages, args.seed, root / f"n{pages}", workers))
    print("\n\n".join(format_size(report, workers) for report in reports))
    if len(reports) > 1:
        print("\n" + format_memory(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
