"""Helpers of the web-app tests: settings, users, sign-in through the form, the CSRF token of a page."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from starlette.routing import Route
from starlette.testclient import TestClient

from models.db import session_factory, session_scope
from pipeline.config import Settings, WebSettings
from pipeline.desk.accounts import Passwords, add_user

PASSWORD = "correct horse battery"
SECRET = "s" * 48
WEEK = "2018-W17"  # 2018-04-23 .. 2018-04-29, the week the factories' records fall in
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# argon2 at its cheapest: hashing strength is argon2's business, the sign-in flow is ours to test.
CHEAP_HASHING = {"password_time_cost": 1, "password_memory_kib": 64, "password_parallelism": 1}


def web_settings(engine: Engine, **web: object) -> Settings:
    """Tests fetch from a server on loopback, so private targets are allowed unless a test says not."""
    url = engine.url.render_as_string(hide_password=False)
    web = {**CHEAP_HASHING, "allow_private_targets": True, **web}
    return Settings(db=url, web=WebSettings(secret_key=SECRET, **web))


def cheap_passwords() -> Passwords:
    return Passwords(WebSettings(**CHEAP_HASHING))


def add_users(engine: Engine) -> None:
    with session_scope(session_factory(engine)) as session:
        add_user(session, "editor1", PASSWORD, cheap_passwords(), "editor")
        add_user(session, "admin1", PASSWORD, cheap_passwords(), "admin")


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, username: str = "editor1", password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/week").text)


def app_routes(client: TestClient, method: str) -> list[str]:
    """Every route of the app answering ``method``, with 1 for each path parameter."""
    paths = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and method in (route.methods or ()):
            paths.append(re.sub(r"\{[^}]+\}", "1", route.path))
    return paths
