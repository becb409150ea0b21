"""`hitmon review` on a busy SQLite database: it waits for the write lock, or says the database is busy."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from sqlalchemy import Engine

from tests.hitmon.web.test_web_busy import write_lock
from tests.hitmon.web.test_web_review import reviews
from tests.pipeline.factories import record, store


def review_accept(engine: Engine, article_id: int, **env: str) -> subprocess.CompletedProcess[str]:
    url = engine.url.render_as_string(hide_password=False)
    command = [sys.executable, "-c", "from hitmon.cli import main; main()", "--db", url, "review", "accept"]
    command.append(str(article_id))
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, **env})


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_review_waits_for_a_writer_then_saves(engine: Engine):
    (article_id,) = store(engine, record(1, 23))
    with write_lock(engine) as holder:
        threading.Timer(2.0, holder.execute, ["COMMIT"]).start()  # the other writer finishes meanwhile
        done = review_accept(engine, article_id)
    assert done.returncode == 0, done.stderr
    assert reviews(engine)[article_id][0] == "accepted"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_review_on_a_database_locked_past_the_timeout_is_one_line_and_status_75(engine: Engine):
    (article_id,) = store(engine, record(1, 23))
    with write_lock(engine):
        done = review_accept(engine, article_id, HITMON_DB_BUSY_TIMEOUT="0.3")
    assert done.returncode == 75
    assert done.stderr.strip().splitlines() == [
        "error: the database stayed locked by another process past db_busy_timeout: try again"
    ]
    assert article_id not in reviews(engine)
