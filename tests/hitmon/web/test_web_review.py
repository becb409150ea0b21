from __future__ import annotations

import re

from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from models.db import session_factory, session_scope
from models.schema import Review, ReviewEvent
from pipeline.desk.week import moved
from tests.hitmon.web.webtools import WEEK
from tests.pipeline.factories import record, store

HERE = f"/week?week={WEEK}"


def post(client: TestClient, token: str, path: str, **data: str) -> None:
    response = client.post(path, data={"csrf_token": token, "next": HERE, **data}, follow_redirects=False)
    assert response.status_code == 303, response.text


def decide(client: TestClient, token: str, article_id: int, action: str) -> None:
    post(client, token, "/review/decide", article_id=str(article_id), action=action)


def reviews(engine: Engine) -> dict[int, tuple[str, int | None, str | None]]:
    with session_scope(session_factory(engine)) as session:
        return {r.article_id: (r.status, r.position, r.updated_by) for r in session.scalars(select(Review))}


def events(engine: Engine) -> list[tuple[int, str, str | None]]:
    with session_scope(session_factory(engine)) as session:
        rows = session.scalars(select(ReviewEvent).order_by(ReviewEvent.id))
        return [(event.review.article_id, event.action, event.actor) for event in rows]


def test_the_week_lists_ranked_candidates_with_their_details(editor: tuple[TestClient, str]) -> None:
    client, _ = editor
    page = client.get(HERE).text
    titles = re.findall(r'<td class="title"><a href="/articles/\d+[^>]*>([^<]+)</a></td>', page)
    assert titles == ["第1篇 电子病历", "第2篇 电子病历", "第3篇 电子病历"]  # flagged only, by score
    assert "04-23 10:00" in page  # Asia/Shanghai time, as published
    assert '<span class="term">电子病历</span>' in page
    assert "江南省卫生健康委" in page and "9.0" in page
    everything = client.get(HERE + "&show=all").text
    assert "第4篇 天气预报" in everything
    one_source = client.get(HERE + "&source=江南省卫生健康委").text
    assert "第2篇" in one_source and "第1篇" not in one_source
    searched = client.get(HERE + "&q=第3").text
    assert "第3篇" in searched and "第1篇" not in searched


def test_a_bad_week_is_a_clear_error(editor: tuple[TestClient, str]) -> None:
    client, _ = editor
    response = client.get("/week?week=2018-W60")
    assert response.status_code == 400 and "周次无效" in response.text


def test_accept_reject_and_undo_are_saved_with_the_actor(
    editor: tuple[TestClient, str], engine: Engine, articles: tuple[int, ...]
) -> None:
    client, token = editor
    first, second = articles[0], articles[1]
    decide(client, token, first, "accept")
    decide(client, token, second, "reject")
    assert reviews(engine) == {first: ("accepted", None, "editor1"), second: ("rejected", None, "editor1")}
    decide(client, token, second, "reset")
    assert reviews(engine)[second] == ("pending", None, "editor1")
    assert events(engine) == [
        (first, "accept", "editor1"),
        (second, "reject", "editor1"),
        (second, "reset", "editor1"),
    ]
    page = client.get(HERE).text
    assert "已采用 1 条" in page


def test_accepted_items_are_ordered_with_up_down_and_the_whole_order(
    editor: tuple[TestClient, str], engine: Engine, articles: tuple[int, ...]
) -> None:
    client, token = editor
    a, b, c = articles[:3]
    for article_id in (a, b, c):
        decide(client, token, article_id, "accept")
    post(client, token, "/review/move", article_id=str(c), direction="up", week=WEEK)
    assert [reviews(engine)[i][1] for i in (a, c, b)] == [1, 2, 3]
    post(client, token, "/review/move", article_id=str(a), direction="down", week=WEEK)
    assert [reviews(engine)[i][1] for i in (c, a, b)] == [1, 2, 3]
    post(client, token, "/review/order", ids=f"{b},{a},{c}", week=WEEK)
    assert [reviews(engine)[i][1] for i in (b, a, c)] == [1, 2, 3]
    assert all(actor == "editor1" for _, action, actor in events(engine) if action == "order")
    page = client.get(HERE).text
    listing = page.split('id="accepted"', 1)[1].split("</ol>", 1)[0]
    assert re.findall(r'data-id="(\d+)"', listing) == [str(b), str(a), str(c)]


def test_ordering_an_item_that_is_not_accepted_changes_nothing(
    editor: tuple[TestClient, str], engine: Engine, articles: tuple[int, ...]
) -> None:
    client, token = editor
    decide(client, token, articles[0], "accept")
    data = {"csrf_token": token, "week": WEEK, "ids": f"{articles[1]},{articles[0]}"}
    response = client.post("/review/order", data=data)
    assert response.status_code == 400 and "恰好包含本周已采用的每一条" in response.text
    assert reviews(engine)[articles[0]][1] is None


def test_moved() -> None:
    assert moved([1, 2, 3], 3, -1) == [1, 3, 2]
    assert moved([1, 2, 3], 1, -1) == [1, 2, 3]
    assert moved([1, 2, 3], 3, 1) == [1, 2, 3]
    assert moved([1, 2, 3], 1, 1) == [2, 1, 3]


def test_edit_title_media_and_summary_with_the_actor(
    editor: tuple[TestClient, str], engine: Engine, articles: tuple[int, ...]
) -> None:
    client, token = editor
    article_id = articles[0]
    here = f"/articles/{article_id}"
    post(client, token, f"{here}/edit", title="新的标题", media="健康报", summary="摘要一句。", next=here)
    with session_scope(session_factory(engine)) as session:
        review = session.scalar(select(Review).where(Review.article_id == article_id))
        assert (review.title, review.media, review.summary, review.updated_by) == (  # type: ignore[union-attr]
            "新的标题",
            "健康报",
            "摘要一句。",
            "editor1",
        )
    page = client.get(here).text
    assert 'value="新的标题"' in page and "摘要一句。</textarea>" in page
    assert "editor1" in page  # the history names who changed it
    # The crawled title and the full text again mean "no override".
    post(
        client, token, f"{here}/edit", title="第1篇 电子病历", media="健康报", summary="第1篇正文。\n第二段。"
    )
    with session_scope(session_factory(engine)) as session:
        review = session.scalar(select(Review).where(Review.article_id == article_id))
        assert (review.title, review.summary) == (None, None)  # type: ignore[union-attr]
    assert events(engine) == [(article_id, "edit", "editor1"), (article_id, "edit", "editor1")]


def test_an_extractive_summary_on_request_and_back_to_the_full_text(
    editor: tuple[TestClient, str], engine: Engine
) -> None:
    client, token = editor
    text = (
        "国家卫生健康委发布电子病历新规。今天天气很好，适合出门散步。会场布置简朴大方。"
        "与会者交流了各自的工作体会。各地推进电子病历系统应用水平分级评价。会议最后合影留念。"
    )
    (article_id,) = store(engine, record(9, 24, title="电子病历新规", text=text))
    post(client, token, f"/articles/{article_id}/summary", mode="auto")
    with session_scope(session_factory(engine)) as session:
        summary = session.scalar(select(Review.summary).where(Review.article_id == article_id))
    assert summary and "电子病历" in summary and len(summary) < len(text)
    # Sentences copied, not rewritten.
    assert all(sentence + "。" in text for sentence in summary.split("。") if sentence)
    post(client, token, f"/articles/{article_id}/summary", mode="full")
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(Review.summary).where(Review.article_id == article_id)) is None


def test_the_detail_page_marks_matched_terms_and_explains_the_score(
    editor: tuple[TestClient, str], engine: Engine
) -> None:
    client, _ = editor
    (article_id,) = store(
        engine, record(8, 24, title="医院推进电子病历", text="<b>电子病历</b> 与互联网医院。")
    )
    page = client.get(f"/articles/{article_id}").text
    assert "<mark>电子病历</mark>" in page
    assert "&lt;b&gt;<mark>电子病历</mark>&lt;/b&gt;" in page  # escaped first, then marked
    assert "相关性说明" in page and "阈值" in page and "正文" in page
    assert "概率的构成（对数几率）：标题语义" in page and "基准" in page  # the learned stage, part by part


def test_copies_of_a_story_are_one_click_away(editor: tuple[TestClient, str], engine: Engine) -> None:
    from models.schema import Article, Story

    client, _ = editor
    lead, copy = store(
        engine,
        record(11, 24, title="电子病历故事", score=8.0),
        record(
            12,
            25,
            title="转载：电子病历故事",
            url="http://127.0.0.1:1/wsjkw/12.html",
            source="江南省卫生健康委",
        ),
    )
    with session_scope(session_factory(engine)) as session:
        story = Story()
        session.add(story)
        session.flush()
        for article_id in (lead, copy):
            session.get_one(Article, article_id).story_id = story.id
        story.leader_id = lead
    page = client.get(HERE).text
    assert f'href="/articles/{lead}?back=/week%3Fweek%3D{WEEK}#copies">1</a>' in page
    detail = client.get(f"/articles/{lead}").text
    assert f'<a href="/articles/{copy}">转载：电子病历故事</a>' in detail


def test_crawled_markup_renders_as_text(editor: tuple[TestClient, str], engine: Engine) -> None:
    client, _ = editor
    title = '<script>window.pwned=1</script>" onmouseover="alert(1)'
    (article_id,) = store(
        engine, record(7, 24, title=title, media="<img src=x onerror=alert(1)>", url="javascript:alert(1)")
    )
    for path in (HERE, f"/articles/{article_id}"):
        response = client.get(path)
        assert "<script>window.pwned" not in response.text, path
        escaped = "&lt;script&gt;window.pwned=1&lt;/script&gt;&#34; onmouseover=&#34;alert(1)"
        assert escaped in response.text, path
        assert "<img src=x" not in response.text, path
        assert 'href="javascript:' not in response.text, path
        policy = response.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)  # type: ignore[union-attr]
        assert script_src == "'self'" and "unsafe-inline" not in script_src
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_the_assets_are_served_by_the_app_and_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    script = client.get("/static/order.js")  # public: the sign-in page needs the stylesheet
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/static/app.css").status_code == 200
    page = client.get("/login").text
    assert re.findall(r'(?:src|href)="([^"]+)"', page) == ["/static/app.css"]
