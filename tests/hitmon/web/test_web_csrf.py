from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from models.db import session_factory, session_scope
from models.schema import Review
from tests.hitmon.web.webtools import PASSWORD, app_routes, csrf_of

FORM = {"article_id": "1", "action": "accept", "title": "x", "ids": "1", "week": "2018-W17", "format": "md"}


@pytest.mark.parametrize("token", [None, "", "not-the-token"], ids=["missing", "empty", "wrong"])
def test_every_post_without_the_session_token_is_refused(
    editor: tuple[TestClient, str], engine: Engine, token: str | None
) -> None:
    client, _ = editor
    posts = app_routes(client, "POST")
    forms = {"/review/decide", "/review/move", "/review/order", "/articles/1/edit", "/export", "/sources"}
    assert forms | {"/logout", "/articles/1/summary", "/sources/1/enabled"} <= set(posts)
    data = FORM if token is None else {**FORM, "csrf_token": token}
    for path in posts:
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403, path
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Review)) == 0
    assert client.get("/week", follow_redirects=False).status_code == 200  # still signed in


def test_a_token_from_another_session_is_refused(editor: tuple[TestClient, str], make_client) -> None:  # type: ignore[no-untyped-def]
    client, _ = editor
    other = make_client()
    other_token = csrf_of(other.get("/login").text)
    response = client.post("/review/decide", data={**FORM, "csrf_token": other_token}, follow_redirects=False)
    assert response.status_code == 403


def test_sign_in_itself_needs_the_token(client: TestClient) -> None:
    response = client.post(
        "/login", data={"username": "editor1", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert client.get("/week", follow_redirects=False).status_code == 303


def test_the_token_changes_at_sign_in(client: TestClient) -> None:
    before = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "editor1", "password": PASSWORD, "csrf_token": before})
    after = csrf_of(client.get("/week").text)
    assert after != before
    refused = client.post("/review/decide", data={**FORM, "csrf_token": before}, follow_redirects=False)
    assert refused.status_code == 403
