from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from hitmon.web.auth import safe_next
from hitmon.web.secret import session_secret
from models.db import session_factory, session_scope
from models.schema import User
from pipeline.config import WebSettings
from pipeline.desk.accounts import set_password
from tests.hitmon.web.webtools import PASSWORD, app_routes, cheap_passwords, csrf_of


def test_every_page_redirects_to_sign_in_when_signed_out(client: TestClient) -> None:
    pages = [path for path in app_routes(client, "GET") if path != "/login"]
    assert {"/week", "/articles/1", "/preview", "/overview", "/sources"} <= set(pages)
    for path in pages:
        response = client.get(path + "?week=2018-W17", follow_redirects=False)
        assert response.status_code == 303, path
        wanted = "" if path == "/" else "?" + urlencode({"next": f"{path}?week=2018-W17"})
        assert response.headers["location"] == f"/login{wanted}", path


def test_every_form_post_redirects_to_sign_in_when_signed_out(client: TestClient) -> None:
    for path in app_routes(client, "POST"):
        if path == "/login":
            continue
        response = client.post(path, data={"article_id": "1", "action": "accept"}, follow_redirects=False)
        if path == "/articles/1/edit":  # the sign-in form itself, carrying the unsaved edit as a draft
            assert response.status_code == 401 and 'name="draft_article_id" value="1"' in response.text
            continue
        assert (response.status_code, response.headers["location"]) == (303, "/login"), path


def test_sign_in_returns_to_the_page_asked_for(client: TestClient) -> None:
    response = client.get("/articles/2?back=/week", follow_redirects=False)
    assert response.headers["location"] == "/login?next=%2Farticles%2F2%3Fback%3D%2Fweek"
    page = client.get(response.headers["location"]).text
    assert 'name="next" value="/articles/2?back=/week"' in page
    signed = client.post(
        "/login",
        data={
            "username": "editor1",
            "password": PASSWORD,
            "csrf_token": csrf_of(page),
            "next": "/articles/2",
        },
        follow_redirects=False,
    )
    assert (signed.status_code, signed.headers["location"]) == (303, "/articles/2")
    assert client.get("/articles/2").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "/week\r\nX: 1",
        "javascript:x",
    ],
)
def test_sign_in_never_redirects_off_site(client: TestClient, target: str) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "editor1", "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/week")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/week?week=2018-W17", "/week?week=2018-W17"),
        ("/articles/3#copies", "/articles/3#copies"),
        ("//evil.example", "/week"),
        ("https://evil.example/week", "/week"),
        ("/\\evil.example", "/week"),
        ("week", "/week"),
        ("", "/week"),
        (None, "/week"),
        ("/\x00evil", "/week"),
    ],
)
def test_safe_next(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_wrong_password_unknown_user_and_inactive_user_are_refused(
    client: TestClient, engine: Engine
) -> None:
    with session_scope(session_factory(engine)) as session:
        session.scalar(select(User).where(User.username == "admin1")).active = False  # type: ignore[union-attr]
    for username, password in [("editor1", "wrong password!"), ("nobody", PASSWORD), ("admin1", PASSWORD)]:
        token = csrf_of(client.get("/login").text)
        response = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 400, username
        assert "用户名或密码错误" in response.text
        assert client.get("/week", follow_redirects=False).status_code == 303


def test_sign_in_is_rate_limited_per_username(make_client: Callable[..., TestClient]) -> None:
    client = make_client(login_attempts_per_user=3, login_attempts_per_address=100)
    token = csrf_of(client.get("/login").text)
    for _ in range(3):
        wrong = client.post(
            "/login", data={"username": "editor1", "password": "guess guess", "csrf_token": token}
        )
        assert wrong.status_code == 400
    # Even the right password is refused now, and so is the same name in another case.
    for name in ("editor1", "EDITOR1"):
        blocked = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
        assert blocked.status_code == 429, name
        assert "登录失败次数过多" in blocked.text
    other = client.post(
        "/login",
        data={"username": "admin1", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert other.status_code == 303  # another user from the same address is not locked out


def test_sign_in_is_rate_limited_per_client_address(make_client: Callable[..., TestClient]) -> None:
    client = make_client(login_attempts_per_user=100, login_attempts_per_address=4)
    token = csrf_of(client.get("/login").text)
    for n in range(4):
        client.post("/login", data={"username": f"guess{n}", "password": "guess guess", "csrf_token": token})
    blocked = client.post("/login", data={"username": "editor1", "password": PASSWORD, "csrf_token": token})
    assert blocked.status_code == 429


def test_logout_ends_the_session_for_every_copy_of_the_cookie(editor: tuple[TestClient, str]) -> None:
    client, token = editor
    copied = TestClient(client.app)
    copied.cookies.set("hitmon_session", client.cookies["hitmon_session"])
    assert copied.get("/week", follow_redirects=False).status_code == 200
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert client.get("/week", follow_redirects=False).status_code == 303
    assert copied.get("/week", follow_redirects=False).status_code == 303  # revoked server-side


def test_wrong_tries_cannot_lock_an_editor_out_from_her_own_address(
    make_client: Callable[..., TestClient],
) -> None:
    attacker = make_client(login_attempts_per_user=3, login_attempts_per_address=100)
    editor = TestClient(attacker.app, client=("10.0.0.7", 50000))
    token = csrf_of(attacker.get("/login").text)
    for _ in range(10):
        attacker.post("/login", data={"username": "editor1", "password": "guess guess", "csrf_token": token})
    own = csrf_of(editor.get("/login").text)
    signed = editor.post(
        "/login",
        data={"username": "editor1", "password": PASSWORD, "csrf_token": own},
        follow_redirects=False,
    )
    assert signed.status_code == 303


def test_a_spoofed_forwarded_for_does_not_reset_the_address_count(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(login_attempts_per_user=100, login_attempts_per_address=3)
    token = csrf_of(client.get("/login").text)
    for n in range(3):
        spoofed = {"X-Forwarded-For": f"192.0.2.{n}"}
        data = {"username": f"guess{n}", "password": "guess guess", "csrf_token": token}
        client.post("/login", data=data, headers=spoofed)
    data = {"username": "editor1", "password": PASSWORD, "csrf_token": token}
    blocked = client.post("/login", data=data, headers={"X-Forwarded-For": "192.0.2.99"})
    assert blocked.status_code == 429


def test_a_trusted_proxy_names_the_client(make_client: Callable[..., TestClient]) -> None:
    app = make_client(login_attempts_per_address=2, trusted_proxies=["10.9.9.9"]).app
    proxy = TestClient(app, client=("10.9.9.9", 50000))
    token = csrf_of(proxy.get("/login").text)
    wrong = {"username": "guess", "password": "guess guess", "csrf_token": token}
    for _ in range(2):
        proxy.post("/login", data=wrong, headers={"X-Forwarded-For": "198.51.100.1"})
    right = {"username": "editor1", "password": PASSWORD, "csrf_token": token}
    assert proxy.post("/login", data=right, headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    other = proxy.post(
        "/login", data=right, headers={"X-Forwarded-For": "198.51.100.2"}, follow_redirects=False
    )
    assert other.status_code == 303  # another client behind the same proxy


def test_a_new_password_ends_existing_sessions(editor: tuple[TestClient, str], engine: Engine) -> None:
    client, _ = editor
    assert client.get("/week", follow_redirects=False).status_code == 200
    with session_scope(session_factory(engine)) as session:
        set_password(session, "editor1", "a brand new password", cheap_passwords())
    assert client.get("/week", follow_redirects=False).status_code == 303


def test_the_trailing_slash_redirect_never_names_another_host(editor: tuple[TestClient, str]) -> None:
    client, _ = editor
    response = client.get("/week/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 404 and "evil.example" not in response.headers.get("location", "")
    assert "没有这个页面" in response.text and "Not Found" not in response.text


def test_the_session_cookie_is_signed_http_only_and_same_site(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "editor1", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    value = cookie.split(";")[0].split("=", 1)[1]
    forged = TestClient(client.app)
    forged.cookies.set("hitmon_session", value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    assert forged.get("/week", follow_redirects=False).status_code == 303
    genuine = TestClient(client.app)
    genuine.cookies.set("hitmon_session", value)
    assert genuine.get("/week", follow_redirects=False).status_code == 200


def test_a_missing_secret_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings = WebSettings(secret_file=tmp_path / "web.secret")
    first = session_secret(settings)
    assert len(first) >= 32
    assert stat.S_IMODE((tmp_path / "web.secret").stat().st_mode) == 0o600
    assert session_secret(settings) == first
    assert session_secret(WebSettings(secret_key="k" * 32, secret_file=tmp_path / "other")) == "k" * 32
    assert not (tmp_path / "other").exists()
    (tmp_path / "web.secret").chmod(0o644)
    assert session_secret(settings) == first
    assert stat.S_IMODE((tmp_path / "web.secret").stat().st_mode) == 0o600  # tightened when found loose


def test_the_generated_secret_is_ignored_by_git() -> None:
    root = Path(__file__).resolve().parents[3]
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "hitmon-web.secret"], cwd=root, check=False
    ).returncode
    assert ignored == 0


def test_an_oversized_form_is_refused(editor: tuple[TestClient, str]) -> None:
    client, token = editor
    data = {"csrf_token": token, "title": "x" * 3_000_000}
    assert client.post("/articles/1/edit", data=data).status_code == 413
