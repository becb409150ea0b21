from __future__ import annotations

import subprocess
import sys
import threading
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from models.db import make_engine
from pipeline.ops.crawl_lock import CrawlAlreadyRunning, crawl_lock, current_holder, default_owner

HOLD_IN_CHILD = """
import sys
from models.db import make_engine
from pipeline.ops.crawl_lock import crawl_lock
with crawl_lock(make_engine(sys.argv[1]), "nightly crawl on host-b"):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_second_holder_is_refused_with_the_owner_until_the_first_releases(engine: Engine) -> None:
    with crawl_lock(engine, "nightly crawl on host-a") as held:
        assert current_holder(engine).owner == "nightly crawl on host-a"
        with pytest.raises(CrawlAlreadyRunning) as refused, crawl_lock(engine, "manual"):
            pytest.fail("two holders")
    message = str(refused.value)
    assert message.startswith("a crawl is already running (nightly crawl on host-a, since ")
    assert held.since.strftime("%Y-%m-%d %H:%M") in message
    assert refused.value.exit_code == 75
    assert current_holder(engine) is None
    with crawl_lock(engine, "manual") as again:
        assert again.owner == "manual"


def test_two_threads_racing_for_the_lock_get_one_crawl(engine: Engine) -> None:
    start, finish = threading.Barrier(4), threading.Barrier(4)
    winners: list[str] = []
    refused: list[str] = []

    def contender(name: str) -> None:
        start.wait()
        try:
            with crawl_lock(engine, name):
                winners.append(name)
                finish.wait()  # hold until every contender has tried
        except CrawlAlreadyRunning:
            refused.append(name)
            finish.wait()

    threads = [threading.Thread(target=contender, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(winners) == 1 and len(refused) == 3


def test_a_lock_held_by_another_process_is_refused_then_free_when_it_ends(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    child = hold_in_child(url)
    try:
        with pytest.raises(CrawlAlreadyRunning, match="nightly crawl on host-b"), crawl_lock(engine, "me"):
            pass
        child.stdin.write("done\n")
        child.stdin.flush()
        assert child.wait(timeout=60) == 0
    finally:
        child.kill()
    with crawl_lock(engine, "me"):
        assert current_holder(engine).owner == "me"


def hold_in_child(url: str) -> subprocess.Popen[str]:
    """Another process holding the lock until its stdin closes."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_IN_CHILD, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_postgres_frees_the_lock_of_a_killed_process(postgres_url: str) -> None:
    from models.db import upgrade_database

    engine = make_engine(postgres_url)
    upgrade_database(engine)
    child = hold_in_child(postgres_url)
    child.kill()
    child.wait(timeout=60)
    with crawl_lock(engine, "after the crash") as held:  # the server ended the dead session's lock
        assert held.owner == "after the crash"
    engine.dispose()


def test_a_stale_sqlite_lock_is_taken_over_and_a_fresh_one_is_not(sqlite_url: str) -> None:
    from models.db import upgrade_database

    engine = make_engine(sqlite_url)
    upgrade_database(engine)
    t0 = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    with ExitStack() as dead:
        dead.enter_context(crawl_lock(engine, "crashed", stale_after=900, clock=lambda: t0))
        later = t0 + timedelta(seconds=600)
        with (
            pytest.raises(CrawlAlreadyRunning, match="crashed"),
            crawl_lock(engine, "b", clock=lambda: later),
        ):
            pass
        much_later = t0 + timedelta(seconds=901)
        with crawl_lock(engine, "rescuer", stale_after=900, clock=lambda: much_later) as rescuer:
            assert current_holder(engine).token == rescuer.token
            dead.close()  # the old holder's release must not free the rescuer's lock
            assert current_holder(engine).owner == "rescuer"
    assert current_holder(engine) is None
    engine.dispose()


def test_waiting_gets_the_lock_once_the_holder_releases(engine: Engine) -> None:
    holding = ExitStack()
    holding.enter_context(crawl_lock(engine, "nightly"))
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # no wall-clock wait: the holder finishes while we "sleep"
        slept.append(seconds)
        holding.close()

    with crawl_lock(engine, "manual", wait=30, poll=5, sleep=sleep) as held:
        assert held.owner == "manual"
    assert slept == [5]


def test_waiting_gives_up_after_the_wait(engine: Engine) -> None:
    slept: list[float] = []
    with (
        crawl_lock(engine, "nightly"),
        pytest.raises(CrawlAlreadyRunning),
        crawl_lock(engine, "manual", wait=7, poll=3, sleep=slept.append),
    ):
        pass
    assert slept == [3, 3, 1]


def test_default_owner_names_host_and_process() -> None:
    owner = default_owner("schedule")
    assert owner.startswith("schedule ") and "@" in owner and " pid " in owner


def test_sqlite_lock_of_a_process_killed_on_this_host_is_taken_at_once(sqlite_url: str) -> None:
    from models.db import upgrade_database

    engine = make_engine(sqlite_url)
    upgrade_database(engine)
    child = hold_in_child(sqlite_url)
    with pytest.raises(CrawlAlreadyRunning), crawl_lock(engine, "while it runs", stale_after=3600):
        pass  # alive: refused
    child.kill()
    child.wait(timeout=60)
    with crawl_lock(engine, "after the kill", stale_after=3600) as held:  # not an hour later
        assert held.owner == "after the kill"
    engine.dispose()
