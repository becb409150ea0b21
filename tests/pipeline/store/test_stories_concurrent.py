"""Grouping in one process while an editor writes in another: the writer waits, never fails."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from models.db import make_engine, session_factory, session_scope, upgrade_database
from models.schema import Article, Review
from tests.pipeline.factories import store
from tests.pipeline.store.reprint_texts import story_copies
from tests.pipeline.store.test_stories import CRAWLED, copy

GROUPING = """
import json, sys
from datetime import datetime
from models.db import make_engine, session_factory, session_scope
from pipeline.store.stories import group_reprints
with session_scope(session_factory(make_engine(sys.argv[1]))) as session:
    print(json.dumps(group_reprints(session, since=datetime.fromisoformat(sys.argv[2]))))
"""
# An editor deciding every 20 ms on the project's engine, as the web app and `hitmon review` do, until
# stdin closes; every failure is counted by its message.
WRITER = """
import json, sys, threading
from models.db import make_engine, session_factory, session_scope
from pipeline.desk.review import decide
sessions = session_factory(make_engine(sys.argv[1]))
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
commits, errors = 0, []
print("ready", flush=True)
while not stop.is_set():
    try:
        with session_scope(sessions) as session:
            decide(session, [int(sys.argv[2])], "accept" if commits % 2 else "reject", actor="editor")
        commits += 1
    except Exception as exc:
        errors.append(str(exc).splitlines()[0])
    stop.wait(0.02)
print(json.dumps({"commits": commits, "errors": errors}), flush=True)
"""


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)  # SQLite: one writer at a time, the database that "was locked"
    upgrade_database(engine)
    yield engine
    engine.dispose()


def test_an_editor_writes_while_a_large_story_is_grouped(sqlite_engine):
    count = 300  # the old single-transaction grouping held the write lock for over a minute at this size
    texts = story_copies(count)
    ids = store(
        sqlite_engine, *(copy(f"c{n}", t, CRAWLED - timedelta(hours=n % 40)) for n, t in enumerate(texts))
    )
    url = sqlite_engine.url.render_as_string(hide_password=False)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(ids[0])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdin is not None
    assert writer.stdout.readline().strip() == "ready"
    grouping = subprocess.run(
        [sys.executable, "-c", GROUPING, url, CRAWLED.isoformat()],
        capture_output=True,
        text=True,
        timeout=600,
    )
    writer.stdin.close()
    tally = json.loads(writer.stdout.readline())
    writer.wait(timeout=60)
    assert grouping.returncode == 0, grouping.stderr
    assert json.loads(grouping.stdout) == count
    assert tally["errors"] == [] and tally["commits"] > 0
    with session_scope(session_factory(sqlite_engine)) as session:
        assert session.scalar(select(func.count(func.distinct(Article.story_id)))) == 1
        assert session.scalar(select(func.count()).where(Article.story_id.is_(None))) == 0
        assert session.scalar(select(Review.status).where(Review.article_id == ids[0])) in {
            "accepted",
            "rejected",
        }
