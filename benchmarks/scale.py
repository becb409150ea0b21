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
| cli first | ``hitmon candidates --week W --format json`` once: start-up, fitting the editor model on the
  latest 2,000 decisions and embedding them and the week (kept in a file of this database's own) |
| cli candidates | the same again (median of 3): the kept model and embeddings |
| cli cand. CPU | its CPU seconds, user and system (median of 3) |
| week page | ``GET /week?week=W`` of the web app, signed in (median of 3 after one warm-up) |
| overview page | ``GET /overview?week=W`` (median of 3 after one warm-up) |
| archive search | ``GET /archive?q=T``, a topic in one article in a hundred (median of 3 after one warm-up) |
| reextract week | ``hitmon reextract --since <Monday of W>`` (a subprocess): the week and the nightly crawl |
| fill | writing the archive (PostgreSQL: binary COPY; SQLite: executemany, journal off) |
| size | the database file (SQLite, with its WAL) or ``pg_database_size`` |

and prints each at both sizes with the ratio (the costs of the week should stay under 1.5). On a shared
machine the figures move with the other load: compare ratios, run twice.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from scale_archive import CRAWL_STARTED, SEARCHED, WEEK, fill  # benchmarks/, the script's folder
from sqlalchemy import make_url, text
from starlette.testclient import TestClient

from hitmon.web import create_app
from models.db import make_engine, session_factory, session_scope, upgrade_database
from pipeline.config import RelevanceSettings, Settings, WebSettings
from pipeline.desk.accounts import Passwords, add_user
from pipeline.desk.candidates import weekly_candidates
from pipeline.stages.relevance import load_relevance
from pipeline.store.stories import group_reprints

PASSWORD = "scale benchmark password"
WEB = WebSettings(secret_key="s" * 48, secret_file=Path(os.devnull))
COSTS = (
    *("grouping", "candidates", "cli first", "cli candidates", "cli cand. CPU", "week page", "overview page"),
    *("archive search", "reextract week", "fill", "size MB"),
)


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
    name = f"scale_{os.getpid()}_{size}"
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
    # The editor model and its embeddings are kept in a file: one per database, none from a run before.
    kept = Path(tempfile.mkdtemp(prefix="hitmon-scale-model-")) / "editor-model.npz"
    env = {**os.environ, "HITMON_DB": url, "HITMON_RELEVANCE__EDITOR_MODEL_FILE": str(kept)}
    engine = make_engine(url)
    upgrade_database(engine)
    model = load_relevance(Settings().relevance)
    started = time.perf_counter()
    fill(engine, size, lambda text: " ".join(model.tokens(text, parts=True)))
    costs = {"fill": time.perf_counter() - started}
    with session_scope(session_factory(engine)) as session:
        add_user(session, "editor1", PASSWORD, Passwords(WEB))
    sessions = session_factory(engine)
    costs["grouping"] = timed(lambda: _group(sessions), repeat=1)
    costs["candidates"] = timed(lambda: _candidates(sessions))
    costs["cli first"] = timed(lambda: _cli_candidates(env), repeat=1)  # fits the model, embeds the week
    costs["cli candidates"] = timed(lambda: _cli_candidates(env))
    costs["cli cand. CPU"] = timed(lambda: children_cpu(lambda: _cli_candidates(env)), measured=True)
    client = signed_in(url, kept)
    costs["week page"] = timed(lambda: _get(client, f"/week?week={WEEK}"), warm_up=True)
    costs["overview page"] = timed(lambda: _get(client, f"/overview?week={WEEK}"), warm_up=True)
    costs["archive search"] = timed(lambda: _search(client), warm_up=True)
    client.close()
    costs["size MB"] = database_bytes(engine) / 1e6
    costs["reextract week"] = timed(lambda: _cli_reextract(env), repeat=1)
    for made in kept.parent.iterdir():
        made.unlink()
    kept.parent.rmdir()
    engine.dispose()
    return costs


def timed(
    work: Callable[[], object], repeat: int = 3, warm_up: bool = False, measured: bool = False
) -> float:
    """The median seconds of ``work`` (or of what it returns, when ``measured``)."""
    if warm_up:
        work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = work()
        times.append(float(value) if measured else time.perf_counter() - started)  # type: ignore[arg-type]
    return statistics.median(times)


def children_cpu(work: Callable[[], object]) -> float:
    """The CPU seconds (user + system) of the subprocesses ``work`` ran: steadier than wall time on a
    loaded machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    work()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _group(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        joined = group_reprints(session, since=CRAWL_STARTED)
    assert joined > 0, "the nightly crawl's copies were not grouped"


def _candidates(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        assert weekly_candidates(session, WEEK, "Asia/Shanghai"), "no candidates in the week under review"


def _cli_candidates(env: dict[str, str]) -> None:
    command = [sys.executable, "-c", "from hitmon.cli import main; main()", "candidates", "--week", str(WEEK)]
    done = subprocess.run([*command, "--format", "json"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _cli_reextract(env: dict[str, str]) -> None:
    command = [sys.executable, "-c", "from hitmon.cli import main; main()", "reextract"]
    done = subprocess.run(
        [*command, "--since", str(WEEK.monday)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    print(f"  reextract: {done.stdout.strip()}", flush=True)


def _search(client: TestClient) -> None:
    page = client.get("/archive", params={"q": SEARCHED})
    assert page.status_code == 200, page.text[:300]
    assert page.text.count("/articles/") >= 20, "the archive search found too little"


def signed_in(url: str, kept: Path) -> TestClient:
    settings = Settings(db=url, web=WEB, relevance=RelevanceSettings(editor_model_file=kept))
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
