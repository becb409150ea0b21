"""Costs that follow the week, not the archive: each weekly cost at two archive sizes, and their ratio.

    python benchmarks/scale.py                                  # 20k and 200k articles, SQLite and PostgreSQL
    python benchmarks/scale.py --sizes 20000,1000000 --backends postgresql
    python benchmarks/scale.py --server postgresql://postgres@127.0.0.1:5432/postgres --keep /tmp/scale

For each backend and size it builds a database of its own (a fresh SQLite file; a PostgreSQL database
created on ``--server`` and dropped afterwards unless ``--keep``), fills it with the synthetic archive of
``scale_archive.py`` (the recent weeks the same at every size, the older archive growing), and times:

| cost | what runs |
|---|---|
| grouping | ``pipeline.store.stories.group_reprints`` after the nightly crawl's 5,000 new pages |
| candidates | ``pipeline.desk.candidates.weekly_candidates`` for the week under review (median of 3) |
| cli candidates | ``hitmon candidates --week W --format json`` (start-up and editor model included) |
| week page | ``GET /week?week=W`` of the web app, signed in (median of 3 after one warm-up) |
| overview page | ``GET /overview?week=W`` (median of 3 after one warm-up) |
| fill | writing the archive (executemany, 10,000 rows a statement batch) |
| size | the database file (SQLite, with its WAL) or ``pg_database_size`` |

and prints each at both sizes with the ratio (the costs of the week should stay under 1.5). On a shared
machine the figures move with the other load: compare ratios, run twice.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from scale_archive import CRAWL_STARTED, WEEK, fill  # benchmarks/, the script's folder
from sqlalchemy import make_url, text
from starlette.testclient import TestClient

from hitmon.web import create_app
from models.db import make_engine, session_factory, session_scope, upgrade_database
from pipeline.config import Settings, WebSettings
from pipeline.desk.accounts import add_user
from pipeline.desk.candidates import weekly_candidates
from pipeline.store.stories import group_reprints

PASSWORD = "scale benchmark password"
COSTS = ("grouping", "candidates", "cli candidates", "week page", "overview page", "fill", "size MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="20000,200000", help="archive sizes, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", type=Path, help="keep the databases (SQLite files go here)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    for backend in args.backends.split(","):
        results = {}
        for size in sizes:
            with database(backend, size, args.server, args.keep) as url:
                results[size] = measure(url, size)
                print(
                    f"{backend} {size:,}: " + ", ".join(f"{k} {v:.3f}" for k, v in results[size].items()),
                    flush=True,
                )
        report(backend, sizes, results)


@contextmanager
def database(backend: str, size: int, server: str, keep: Path | None) -> Iterator[str]:
    if backend == "sqlite":
        folder = keep or Path(tempfile.mkdtemp(prefix="hitmon-scale-"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"scale-{size}.db"
        for stale in (path, path.with_suffix(".db-wal"), path.with_suffix(".db-shm")):
            stale.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        if keep is None:
            for made in folder.iterdir():
                made.unlink()
            folder.rmdir()
        return
    name = f"hitmon_scale_{os.getpid()}_{size}"
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep is None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(url: str, size: int) -> dict[str, float]:
    engine = make_engine(url)
    upgrade_database(engine)
    started = time.perf_counter()
    fill(engine, size)
    costs = {"fill": time.perf_counter() - started}
    with session_scope(session_factory(engine)) as session:
        add_user(session, "editor1", PASSWORD)
    sessions = session_factory(engine)
    costs["grouping"] = timed(lambda: _group(sessions), repeat=1)
    costs["candidates"] = timed(lambda: _candidates(sessions))
    costs["cli candidates"] = timed(lambda: _cli_candidates(url), repeat=1)
    client = signed_in(url)
    costs["week page"] = timed(lambda: _get(client, f"/week?week={WEEK}"), warm_up=True)
    costs["overview page"] = timed(lambda: _get(client, f"/overview?week={WEEK}"), warm_up=True)
    client.close()
    costs["size MB"] = database_bytes(engine) / 1e6
    engine.dispose()
    return costs


def timed(work: Callable[[], object], repeat: int = 3, warm_up: bool = False) -> float:
    if warm_up:
        work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _group(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        joined = group_reprints(session, since=CRAWL_STARTED)
    assert joined > 0, "the nightly crawl's copies were not grouped"


def _candidates(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        assert weekly_candidates(session, WEEK, "Asia/Shanghai"), "no candidates in the week under review"


def _cli_candidates(url: str) -> None:
    command = [sys.executable, "-c", "from hitmon.cli import main; main()", "candidates", "--week", str(WEEK)]
    done = subprocess.run(
        [*command, "--format", "json"], env={**os.environ, "HITMON_DB": url}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def signed_in(url: str) -> TestClient:
    settings = Settings(db=url, web=WebSettings(secret_key="s" * 48, secret_file=Path(os.devnull)))
    client = TestClient(create_app(settings))
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"username": "editor1", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    return client


def _get(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]


def database_bytes(engine) -> int:  # type: ignore[no-untyped-def]
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    path = Path(engine.url.database)
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def report(backend: str, sizes: list[int], results: dict[int, dict[str, float]]) -> None:
    low, high = sizes[0], sizes[-1]
    print(f"\n{backend}: seconds (size in MB) at {low:,} and {high:,} articles")
    print(f"{'cost':<16}{low:>12,}{high:>12,}{'ratio':>8}")
    for cost in COSTS:
        a, b = results[low][cost], results[high][cost]
        print(f"{cost:<16}{a:>12.3f}{b:>12.3f}{b / a if a else float('nan'):>8.2f}")
    print(flush=True)


if __name__ == "__main__":
    main()
