"""Reprint grouping benchmark: the time to group N near-duplicates, and what a concurrent writer suffers.

    python benchmarks/grouping.py                       # N = 100, 400, 1000 on a fresh SQLite file each
    python benchmarks/grouping.py --sizes 50,200 --timeout 120
    python benchmarks/grouping.py --db postgresql://postgres@127.0.0.1/bench   # an empty PostgreSQL database

For each N the benchmark writes its own synthetic archive (nothing from outside the project): 300 unrelated
articles already stored and N copies of one story (a lead 来源 line, a few words changed, an editor's line
at the end; half of them with a title of their own, so the texts and not only the titles must match), all
fetched after the crawl started. Then, as two processes:

- the **grouping** process runs ``pipeline.store.stories.group_reprints`` once (what a crawl does at its
  end) and reports the call's wall time (imports excluded);
- the **writer** process, started first, records an editor's decision every 20 ms through
  ``pipeline.desk.review.decide`` on the project's engine (so with its busy timeout), as the web app and
  ``hitmon review`` do, until the grouping process is done; it counts its commits, the "database is locked"
  errors, and its longest wait for one commit.

A grouping still running after ``--timeout`` seconds is stopped and shown as ``> timeout``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from models.db import make_engine, session_factory, session_scope, upgrade_database
from models.schema import Article, Base, Source
from pipeline.record import ArticleRecord
from pipeline.stages.dedupe import fingerprint_record
from pipeline.store.articles import save_articles, save_sources
from pipeline.store.sources import SourceSpec

CRAWL_STARTED = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
BACKGROUND = 300  # unrelated articles already in the archive, published in the same days
WIDTHS = (6, 11, 8, 8, 7, 7, 11)
WORDS = (  # noqa: SIM905 - a sentence of words reads better than a list of 52 strings
    "医院 信息化 电子病历 互联网 医疗 平台 数据 共享 患者 医生 诊疗 服务 系统 建设 卫生 健康 委员会 "
    "区域 医共体 远程 会诊 预约 挂号 检查 检验 结果 互认 医保 结算 支付 处方 流转 药品 配送 基层 "
    "乡镇 卫生院 村医 家庭 签约 慢病 管理 公共卫生 应急 监测 预警 统计 标准 安全 等级 保护 网络"
).split()
SOURCE = SourceSpec(name="基准来源", kind="listing", url="http://127.0.0.1:1/bench/")


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))) + "。"


def story_copies(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` (title, text) copies of one story of about 1,200 characters."""
    title = "".join(rng.choice(WORDS) for _ in range(6))
    body = [sentence(rng) for _ in range(40)]
    copies = []
    for n in range(count):
        changed = list(body)
        for _ in range(2):  # each copy rewrites two sentences of its own
            changed[rng.randrange(len(changed))] = sentence(rng)
        text = f"来源：媒体{n % 17}\n" + "".join(changed) + f"\n（责任编辑：编辑{n}）"
        copies.append((title if n % 2 else f"{title}（第{n}稿）", text))
    return copies


def records(count: int, seed: int) -> list[ArticleRecord]:
    rng = random.Random(seed)
    made = []
    for n in range(BACKGROUND):
        text = "".join(sentence(rng) for _ in range(30))
        made.append(_record(f"old/{n}", f"其他报道{n}", text, CRAWL_STARTED - timedelta(days=1), n))
    for n, (title, text) in enumerate(story_copies(count, rng)):
        made.append(_record(f"copy/{n}", title, text, CRAWL_STARTED + timedelta(minutes=1), n))
    return [fingerprint_record(record) for record in made]


def _record(path: str, title: str, text: str, fetched_at: datetime, n: int) -> ArticleRecord:
    return ArticleRecord(
        url=f"http://127.0.0.1:1/bench/{path}.html",
        source=SOURCE.name,
        fetched_at=fetched_at,
        title=title,
        text=text,
        published_at=CRAWL_STARTED - timedelta(hours=n % 72),
        media=f"媒体{n % 17}",
        score=3.0,
        flagged=True,
    )


def prepare(db_url: str, count: int, seed: int) -> int:
    """A fresh schema holding the synthetic archive; returns the id of the article the writer decides on."""
    engine = make_engine(db_url)
    if engine.dialect.name == "postgresql":
        Base.metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database(engine)
    with session_scope(session_factory(engine)) as session:
        save_sources(session, [SOURCE])
        ids = {s.name: s.id for s in session.scalars(select(Source))}
        made = records(count, seed)
        for start in range(0, len(made), 200):
            save_articles(session, made[start : start + 200], ids)
        desk_article = session.scalar(select(func.min(Article.id)))
    engine.dispose()
    return int(desk_article)


def run_grouping(db_url: str) -> None:
    """The grouping process: one ``group_reprints`` call, timed without the imports."""
    from pipeline.store.stories import group_reprints

    engine = make_engine(db_url)
    started = time.perf_counter()
    with session_scope(session_factory(engine)) as session:
        joined = group_reprints(session, since=CRAWL_STARTED)
    print(json.dumps({"seconds": time.perf_counter() - started, "joined": joined}), flush=True)


def run_writer(db_url: str, article_id: int) -> None:
    """The writer process: a decision every 20 ms until stdin closes; then its tally as JSON."""
    import threading

    from pipeline.desk.review import decide

    sessions = session_factory(make_engine(db_url))
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    tally = {"commits": 0, "locked": 0, "other_errors": 0, "longest_wait": 0.0}
    print("ready", flush=True)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with session_scope(sessions) as session:
                decide(session, [article_id], "accept" if tally["commits"] % 2 else "reject", actor="bench")
            tally["commits"] += 1
        except OperationalError as exc:
            tally["locked" if "locked" in str(exc) else "other_errors"] += 1
        tally["longest_wait"] = max(tally["longest_wait"], time.perf_counter() - started)
        stop.wait(0.02)
    print(json.dumps(tally), flush=True)


def measure(db_url: str, count: int, seed: int, timeout: float) -> dict[str, object]:
    article_id = prepare(db_url, count, seed)
    me = [sys.executable, __file__]
    writer = subprocess.Popen(
        [*me, "--writer", db_url, str(article_id)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdin is not None
    writer.stdout.readline()  # "ready"
    grouping = subprocess.Popen([*me, "--group", db_url], stdout=subprocess.PIPE, text=True)
    try:
        out, _ = grouping.communicate(timeout=timeout)
        result = json.loads(out)
    except subprocess.TimeoutExpired:
        grouping.kill()
        grouping.wait()
        result = {"seconds": None, "joined": None}
    writer.stdin.close()
    tally = json.loads(writer.stdout.readline())
    writer.wait()
    return {"n": count, **result, **tally, **story_shape(db_url)}


def story_shape(db_url: str) -> dict[str, int]:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        sizes = list(
            connection.execute(
                select(func.count()).where(Article.story_id.is_not(None)).group_by(Article.story_id)
            ).scalars()
        )
    engine.dispose()
    return {"stories": len(sizes), "largest": max(sizes, default=0)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,400,1000")
    parser.add_argument("--db", help="an empty PostgreSQL database URL (default: a fresh SQLite file per N)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a grouping is stopped")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--group", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--writer", nargs=2, metavar=("DB", "ARTICLE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.group:
        return run_grouping(args.group)
    if args.writer:
        return run_writer(args.writer[0], int(args.writer[1]))
    header = ("N", "grouping s", "stories", "largest", "writes", "locked", "max wait s")
    print(" ".join(f"{name:>{width}}" for name, width in zip(header, WIDTHS, strict=True)))
    with tempfile.TemporaryDirectory() as folder:
        for count in (int(size) for size in args.sizes.split(",")):
            db_url = args.db or f"sqlite:///{Path(folder) / f'grouping-{count}.db'}"
            row = measure(db_url, count, args.seed, args.timeout)
            seconds = f"{row['seconds']:.2f}" if row["seconds"] is not None else f"> {args.timeout:.0f}"
            cells = (row["n"], seconds, row["stories"], row["largest"], row["commits"], row["locked"])
            cells += (f"{row['longest_wait']:.2f}",)
            print(" ".join(f"{cell:>{width}}" for cell, width in zip(cells, WIDTHS, strict=True)), flush=True)


if __name__ == "__main__":
    main()
