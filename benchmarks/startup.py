"""CLI start-up: what `hitmon --help`, `hitmon candidates --help` and `hitmon candidates --week` cost as
whole processes, interpreter start and imports included.

    python benchmarks/startup.py                    # builds the demo database first (about 15 s)
    python benchmarks/startup.py --runs 20 --keep /tmp/startup
    python benchmarks/startup.py --hitmon /other/checkout/.venv/bin/hitmon --keep /tmp/startup  # compare

Without ``--keep`` holding them already, it runs `hitmon demo` (the bundled sample site, crawled into a fresh
SQLite file: 46 articles, 2018-W17's candidates, five accepted), and copies that database with 26 more
decisions dated before the week, so that `hitmon candidates` there uses an editor model. Each command runs
once unmeasured (the second database's first call fits and keeps the model), then ``--runs`` times; the
table gives the median and the spread of the user + system CPU seconds (the rusage of the reaped child) and
of the wall seconds. On a shared machine the wall time follows the load: compare CPU times.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

WEEK = "2018-W17"
BEFORE_THE_WEEK = datetime(2018, 4, 1, tzinfo=UTC)
ACCEPT, REJECT = 12, 14  # decisions added for the editor model (its minimum is 20)


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def build(hitmon: str, work: Path) -> tuple[Path, Path]:
    """The demo's database, and a copy of it with enough earlier decisions for an editor model."""
    demo = work / "demo" / "demo.db"
    if not demo.exists():
        subprocess.run([hitmon, "demo", "--out", str(demo.parent)], cwd=work, check=True)
    editor = work / "editor.db"
    if not editor.exists():
        shutil.copy(demo, editor)
        add_decisions(editor)
    return demo, editor


def add_decisions(path: Path) -> None:
    """Accept flagged and reject unflagged articles nobody decided yet, dated a few weeks before WEEK."""
    from sqlalchemy import select, update

    from models.db import make_engine, session_factory, session_scope
    from models.schema import Article, Relevance, Review, ReviewEvent
    from pipeline.desk import review

    sessions = session_factory(make_engine(f"sqlite:///{path}"))
    with session_scope(sessions) as session:
        decided = set(session.scalars(select(Review.article_id)))
        rows = session.execute(select(Article.id, Relevance.flagged).join(Relevance).order_by(Article.id))
        free = [(article, flagged) for article, flagged in rows if article not in decided]
        accepted = [article for article, flagged in free if flagged][:ACCEPT]
        rejected = [article for article, flagged in free if not flagged][:REJECT]
        review.decide(session, accepted, "accept", actor="benchmark")
        review.decide(session, rejected, "reject", actor="benchmark")
    with session_scope(sessions) as session:
        ids = select(Review.id).where(Review.article_id.in_(accepted + rejected))
        session.execute(update(ReviewEvent).where(ReviewEvent.review_id.in_(ids)).values(at=BEFORE_THE_WEEK))
        session.execute(update(Review).where(Review.id.in_(ids)).values(updated_at=BEFORE_THE_WEEK))


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} ({min(values):.3f}-{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10, help="measured runs of each command")
    parser.add_argument("--hitmon", default=str(Path(sys.executable).with_name("hitmon")), help="the CLI")
    parser.add_argument("--keep", type=Path, help="keep the databases here (and reuse them next time)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="hitmon-startup-"))
    work.mkdir(parents=True, exist_ok=True)
    demo, editor = build(args.hitmon, work)
    commands = {
        "hitmon --help": [args.hitmon, "--help"],
        "hitmon candidates --help": [args.hitmon, "candidates", "--help"],
        f"candidates --week {WEEK}": [args.hitmon, "--db", f"sqlite:///{demo}", "candidates", "--week", WEEK],
        "the same, editor model kept": [
            args.hitmon,
            "--db",
            f"sqlite:///{editor}",
            "candidates",
            "--week",
            WEEK,
        ],
    }
    print(f"{args.runs} runs each, load average {os.getloadavg()[0]:.2f} at the start")
    print(f"{'command':32} {'CPU s, median (min-max)':>26} {'wall s, median (min-max)':>26}")
    for name, command in commands.items():
        timed(command, work)  # not counted: warms the file cache, and fits the editor model once
        runs = [timed(command, work) for _ in range(args.runs)]
        print(f"{name:32} {spread([cpu for cpu, _ in runs]):>26} {spread([wall for _, wall in runs]):>26}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
