"""A busy SQLite database (another process holding the write lock): the web app waits, then says so."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from hitmon.web import create_app
from pipeline.config import Settings, WebSettings
from tests.hitmon.web.test_web_review import HERE, reviews
from tests.hitmon.web.webtools import SECRET, sign_in


@contextmanager
def write_lock(engine: Engine) -> Iterator[sqlite3.Connection]:
    """Another connection holding SQLite's write lock, as a long grouping transaction did, until the block
    ends or the connection commits."""
    holder = sqlite3.connect(str(engine.url.database), check_same_thread=False, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE sources SET health = health")
    try:
        yield holder
    finally:
        if holder.in_transaction:
            holder.execute("COMMIT")
        holder.close()


def signed_in_client(engine: Engine, busy_timeout: float) -> tuple[TestClient, str]:
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(db=url, db_busy_timeout=busy_timeout, web=WebSettings(secret_key=SECRET))
    client = TestClient(create_app(settings))
    return client, sign_in(client)


def decide(client: TestClient, token: str, article_id: int) -> object:
    data = {"csrf_token": token, "next": HERE, "article_id": str(article_id), "action": "accept"}
    return client.post("/review/decide", data=data, follow_redirects=False)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_decision_waits_for_the_write_lock_and_is_saved(engine: Engine, articles: tuple[int, ...]):
    client, token = signed_in_client(engine, busy_timeout=30)
    with write_lock(engine) as holder:
        threading.Timer(1.0, holder.execute, ["COMMIT"]).start()  # the other writer finishes a second later
        response = decide(client, token, articles[0])
    assert response.status_code == 303
    assert reviews(engine)[articles[0]][0] == "accepted"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_lock_held_past_the_busy_timeout_is_a_503_to_retry_not_a_500(
    engine: Engine, articles: tuple[int, ...]
):
    client, token = signed_in_client(engine, busy_timeout=0.2)
    with write_lock(engine):
        response = decide(client, token, articles[0])
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5" and "数据库正忙" in response.text
    assert articles[0] not in reviews(engine)
    assert decide(client, token, articles[0]).status_code == 303  # the lock is gone: the retry is saved
    assert reviews(engine)[articles[0]][0] == "accepted"
