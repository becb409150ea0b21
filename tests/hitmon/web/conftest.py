"""Fixtures of the web-app tests: a migrated database with articles and users, and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from hitmon.web import create_app
from tests.hitmon.web.webtools import add_users, sign_in, web_settings
from tests.pipeline.factories import record, store


@pytest.fixture
def articles(engine: Engine) -> tuple[int, ...]:
    """Three flagged articles and one that is not, published in 2018-W17, plus the two users."""
    ids = store(
        engine,
        record(1, 23, score=9.0),
        record(2, 24, score=7.0, source="江南省卫生健康委", url="http://127.0.0.1:1/wsjkw/2.html"),
        record(3, 25, score=5.0),
        record(4, 26, score=1.0, title="第4篇 天气预报", text="明天有雨。"),
    )
    add_users(engine)
    return ids


@pytest.fixture
def make_client(engine: Engine, articles: tuple[int, ...]) -> Iterator[Callable[..., TestClient]]:
    """A factory of clients on one app per call (``make_client(login_attempts_per_user=2)``)."""
    clients: list[TestClient] = []

    def make(**web: object) -> TestClient:
        client = TestClient(create_app(web_settings(engine, **web)))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def editor(client: TestClient) -> tuple[TestClient, str]:
    """A client signed in as an editor, and its CSRF token."""
    return client, sign_in(client)
