"""Two editors at once: stale saves, decisions, moves and reorders answer 409 with both versions, and the
history keeps every old and new value."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from models.db import session_factory, session_scope
from models.schema import Review, ReviewEvent
from tests.hitmon.web.webtools import WEEK, csrf_of, sign_in

HERE = f"/week?week={WEEK}"
VERSION = re.compile(r'name="version" value="(\d+)"')


def two_editors(
    make_client: Callable[..., TestClient],
) -> tuple[tuple[TestClient, str], tuple[TestClient, str]]:
    first = make_client()
    second = TestClient(first.app)
    return (first, sign_in(first, "editor1")), (second, sign_in(second, "admin1"))


def edit_form(client: TestClient, article_id: int) -> dict[str, str]:
    page = client.get(f"/articles/{article_id}").text
    form = page.split('action="/articles/', 1)[1].split("</form>", 1)[0]
    title = re.search(r'name="title" value="([^"]*)"', form).group(1)  # type: ignore[union-attr]
    media = re.search(r'name="media" value="([^"]*)"', form).group(1)  # type: ignore[union-attr]
    summary = re.search(r'name="summary"[^>]*>([^<]*)</textarea>', form).group(1)  # type: ignore[union-attr]
    version = VERSION.search(form).group(1)  # type: ignore[union-attr]
    shown = dict(re.findall(r'name="(shown_\w+)" value="([^"]*)"', form))  # what the form showed
    assert set(shown) == {"shown_title", "shown_media", "shown_summary"}
    return {
        "title": title,
        "media": media,
        "summary": summary,
        "version": version,
        "csrf_token": csrf_of(page),
        **shown,
    }


def stored(engine: Engine, article_id: int) -> Review:
    with session_scope(session_factory(engine)) as session:
        review = session.scalar(select(Review).where(Review.article_id == article_id))
        assert review is not None
        session.expunge(review)
        return review


def event_details(engine: Engine, action: str) -> list[dict[str, object]]:
    with session_scope(session_factory(engine)) as session:
        rows = session.scalars(
            select(ReviewEvent).where(ReviewEvent.action == action).order_by(ReviewEvent.id)
        )
        return [dict(row.detail) for row in rows]


def test_a_stale_edit_is_refused_and_shows_both_versions(
    make_client: Callable[..., TestClient], engine: Engine, articles: tuple[int, ...]
) -> None:
    (a, _), (b, _) = two_editors(make_client)
    article = articles[0]
    a_form, b_form = edit_form(a, article), edit_form(b, article)
    saved = a.post(f"/articles/{article}/edit", data={**a_form, "title": "A 的标题"}, follow_redirects=False)
    assert saved.status_code == 303
    stale = b.post(f"/articles/{article}/edit", data={**b_form, "summary": "B 写的主要内容"})
    assert stale.status_code == 409
    assert "其他编辑刚刚改过" in stale.text and "editor1" in stale.text
    assert "A 的标题" in stale.text and "B 写的主要内容" in stale.text  # theirs next to yours
    assert "已保存" not in stale.text
    assert stored(engine, article).title == "A 的标题" and stored(engine, article).summary is None
    # Keeping B's version is one more click, against the version now saved.
    keep_mine = stale.text.split('action="/articles/', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', keep_mine))
    assert b.post(f"/articles/{article}/edit", data=fields, follow_redirects=False).status_code == 303
    review = stored(engine, article)
    assert (review.title, review.summary) == ("A 的标题", "B 写的主要内容")  # B changed only 主要内容
    assert event_details(engine, "edit") == [
        {"changes": {"title": [None, "A 的标题"]}},
        {"changes": {"summary": [None, "B 写的主要内容"]}},
    ]
    history = a.get(f"/articles/{article}").text.split("修改记录", 1)[1]
    assert "<del>（原文）</del> → <ins>A 的标题</ins>" in history and "{&#34;" not in history


def test_a_stale_decision_is_refused(
    make_client: Callable[..., TestClient], engine: Engine, articles: tuple[int, ...]
) -> None:
    (a, a_token), (b, b_token) = two_editors(make_client)
    article = articles[0]
    form = {"article_id": str(article), "version": "0", "next": HERE}
    assert (
        a.post("/review/decide", data={**form, "csrf_token": a_token, "action": "accept"}).status_code == 200
    )
    stale = b.post("/review/decide", data={**form, "csrf_token": b_token, "action": "reject"})
    assert stale.status_code == 409 and "已把这篇文章改为“采用”" in stale.text
    assert stored(engine, article).status == "accepted"


def test_a_stale_move_or_reorder_is_refused(
    make_client: Callable[..., TestClient], engine: Engine, articles: tuple[int, ...]
) -> None:
    (a, a_token), (b, b_token) = two_editors(make_client)
    x, y, z = articles[:3]
    for article in (x, y, z):
        a.post("/review/decide", data={"csrf_token": a_token, "article_id": str(article), "action": "accept"})
    seen = f"{x},{y},{z}"
    moved = {"csrf_token": a_token, "week": WEEK, "article_id": str(z), "direction": "up", "seen": seen}
    assert a.post("/review/move", data=moved, follow_redirects=False).status_code == 303
    stale = {"csrf_token": b_token, "week": WEEK, "ids": f"{y},{x},{z}", "seen": seen, "next": HERE}
    response = b.post("/review/order", data=stale)
    assert response.status_code == 409 and "当前顺序" in response.text and "你的顺序" in response.text
    # 用我的顺序: B keeps their order, knowingly, against the order now saved.
    keep = response.text.split('action="/review/order"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', keep))
    assert b.post("/review/order", data=fields, follow_redirects=False).status_code == 303
    assert [stored(engine, i).position for i in (y, x, z)] == [1, 2, 3]
    reset = {"csrf_token": a_token, "week": WEEK, "ids": f"{x},{z},{y}", "seen": f"{y},{x},{z}"}
    assert a.post("/review/order", data=reset, follow_redirects=False).status_code == 303
    stale_move = {**moved, "csrf_token": b_token, "article_id": str(x), "direction": "down"}
    refused = b.post("/review/move", data=stale_move)
    assert refused.status_code == 409
    yours = refused.text.split("你的顺序", 1)[1].split("</ol>", 1)[0]  # the order B's move would have made
    assert yours.index("第2篇") < yours.index("第1篇") < yours.index("第3篇")
    positions = {i: stored(engine, i).position for i in (x, y, z)}
    assert positions == {x: 1, z: 2, y: 3}  # A's move stands


def test_a_reorder_is_bounded_to_the_weeks_accepted_items(
    editor: tuple[TestClient, str], engine: Engine, articles: tuple[int, ...]
) -> None:
    client, token = editor
    x, y, z, _weather = articles
    for article in (x, y):
        client.post(
            "/review/decide", data={"csrf_token": token, "article_id": str(article), "action": "accept"}
        )
    with session_scope(session_factory(engine)) as session:
        before = session.scalar(select(func.count()).select_from(ReviewEvent))
    for ids in (",".join([str(x)] * 100_000), f"{x},{x},{y}", f"{x},{y},{z}", f"{y}", f"{y},{x},99999"):
        response = client.post("/review/order", data={"csrf_token": token, "week": WEEK, "ids": ids})
        assert response.status_code == 400, ids[:30]
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(ReviewEvent)) == before  # nothing written
    response = client.post("/review/order", data={"csrf_token": token, "week": WEEK, "ids": f"{y},{x}"})
    assert response.status_code == 200 and "已保存新的顺序" in response.text
    assert (stored(engine, y).position, stored(engine, x).position) == (1, 2)
