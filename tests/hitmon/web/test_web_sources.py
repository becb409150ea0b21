from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from models.db import session_factory, session_scope
from models.schema import Source
from tests.hitmon.web.webtools import sign_in

NEW = {"name": "新来源", "kind": "feed", "url": "https://mirror.example/feed.atom", "media": "新媒体"}


def sources(engine: Engine) -> dict[str, tuple[str, bool]]:
    with session_scope(session_factory(engine)) as session:
        return {s.name: (s.url, s.enabled) for s in session.scalars(select(Source))}


def test_an_editor_sees_the_sources_but_cannot_change_them(
    editor: tuple[TestClient, str], engine: Engine
) -> None:
    client, token = editor
    page = client.get("/sources").text
    assert "HIT前哨网" in page and "添加来源" not in page
    assert client.post("/sources", data={**NEW, "csrf_token": token}).status_code == 403
    assert client.post("/sources/1/enabled", data={"enabled": "0", "csrf_token": token}).status_code == 403
    assert "新来源" not in sources(engine) and all(enabled for _, enabled in sources(engine).values())


def test_an_admin_adds_and_switches_sources(client: TestClient, engine: Engine) -> None:
    token = sign_in(client, "admin1")
    response = client.post("/sources", data={**NEW, "csrf_token": token}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/sources")
    assert sources(engine)["新来源"] == ("https://mirror.example/feed.atom", True)
    with session_scope(session_factory(engine)) as session:
        source_id = session.scalar(select(Source.id).where(Source.name == "新来源"))
    client.post(f"/sources/{source_id}/enabled", data={"enabled": "0", "csrf_token": token})
    assert sources(engine)["新来源"][1] is False
    duplicate = client.post("/sources", data={**NEW, "csrf_token": token})
    assert duplicate.status_code == 400 and "已有名为" in duplicate.text


def test_only_http_urls_are_accepted(client: TestClient, engine: Engine) -> None:
    token = sign_in(client, "admin1")
    for url in ("javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/", "example.org"):
        response = client.post("/sources", data={**NEW, "url": url, "csrf_token": token})
        assert response.status_code == 400, url
        assert "must be an http:// or https:// URL" in response.text
    assert "新来源" not in sources(engine)


def test_sources_on_this_machine_or_its_network_are_refused(
    make_client: Callable[..., TestClient], engine: Engine
) -> None:
    client = make_client(allow_private_targets=False)
    token = sign_in(client, "admin1")
    for url in (
        "http://127.0.0.1:8000/feed",
        "http://169.254.169.254/latest/",
        "http://[::1]/",
        "http://10.1.2.3/",
    ):
        response = client.post("/sources", data={**NEW, "url": url, "csrf_token": token})
        assert response.status_code == 400 and "不能指向本机或内网地址" in response.text, url
    assert "新来源" not in sources(engine)
