"""The desk for real weeks: safe issue numbers, no lost text, clear 4xx answers, big weeks."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from models.db import session_factory, session_scope
from models.schema import Issue, IssueExport, Review, ReviewEvent
from tests.hitmon.web.webtools import PASSWORD, WEEK, csrf_of
from tests.pipeline.factories import record, store

HERE = f"/week?week={WEEK}"


def accept(client: TestClient, token: str, article_id: int) -> None:
    data = {"csrf_token": token, "article_id": str(article_id), "action": "accept"}
    assert client.post("/review/decide", data=data, follow_redirects=False).status_code == 303


def version_on(client: TestClient, path: str) -> str:
    return re.search(r'name="version" value="(\d+)"', client.get(path).text).group(1)  # type: ignore[union-attr]


def export(client: TestClient, token: str, **fields: str) -> object:
    return client.post("/export", data={"csrf_token": token, "week": WEEK, "format": "md", **fields})


@pytest.mark.parametrize("number", ["9223372036854775807", "10000", "0", "-1", "²", "１２", "1e3", "2970 "])
def test_absurd_issue_numbers_are_refused_and_the_desk_still_works(
    editor: tuple[TestClient, str], engine: Engine, articles: tuple[int, ...], number: str
) -> None:
    client, token = editor
    accept(client, token, articles[0])
    response = export(client, token, number=number)
    expected = 409 if number.strip() == "2970" else 400  # a typo-like gap is asked about, not taken
    assert response.status_code == expected and "期号" in response.text  # type: ignore[attr-defined]
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(Issue)) is None
    assert "导出第 1 期" in client.get(f"/preview?week={WEEK}").text
    assert export(client, token).status_code == 200  # type: ignore[attr-defined]


def test_reexport_and_gaps_ask_first_and_are_recorded(
    editor: tuple[TestClient, str], engine: Engine, articles: tuple[int, ...]
) -> None:
    client, token = editor
    accept(client, token, articles[0])
    assert export(client, token).status_code == 200  # type: ignore[attr-defined]
    page = client.get(HERE).text
    assert "已导出 第1期（editor1" in page
    again = export(client, token)
    assert again.status_code == 409 and "已导出为第 1 期" in again.text  # type: ignore[attr-defined]
    assert export(client, token, confirm="yes").status_code == 200  # type: ignore[attr-defined]
    with session_scope(session_factory(engine)) as session:
        kinds = [(row.number, row.kind, row.actor) for row in session.scalars(select(IssueExport))]
    assert kinds == [(1, "first", "editor1"), (1, "again", "editor1")]


def test_a_summary_asks_before_replacing_typed_text_and_the_history_keeps_it(
    editor: tuple[TestClient, str], engine: Engine
) -> None:
    client, token = editor
    text = "国家卫生健康委发布电子病历新规。今天天气很好。各地推进电子病历系统应用水平分级评价。"
    (article_id,) = store(engine, record(9, 24, title="电子病历新规", text=text))
    here = f"/articles/{article_id}"
    typed = "编辑手写的主要内容。"
    form = {"csrf_token": token, "title": "电子病历新规", "media": "", "summary": typed, "version": "0"}
    assert client.post(f"{here}/edit", data=form, follow_redirects=False).status_code == 303
    version = version_on(client, here)
    asked = client.post(f"{here}/summary", data={"csrf_token": token, "mode": "auto", "version": version})
    assert asked.status_code == 409 and "替换手工编辑的主要内容" in asked.text and typed in asked.text
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(Review.summary).where(Review.article_id == article_id)) == typed
    confirmed = {"csrf_token": token, "mode": "auto", "version": version, "confirm": "yes"}
    assert client.post(f"{here}/summary", data=confirmed, follow_redirects=False).status_code == 303
    with session_scope(session_factory(engine)) as session:
        last = session.scalars(select(ReviewEvent).order_by(ReviewEvent.id.desc())).first()
        assert last is not None and last.detail["changes"]["summary"][0] == typed
    # A generated summary is replaced without asking.
    again = {"csrf_token": token, "mode": "full", "version": version_on(client, here)}
    assert client.post(f"{here}/summary", data=again, follow_redirects=False).status_code == 303


def test_a_save_after_the_sign_in_expired_keeps_the_draft(
    client: TestClient, engine: Engine, articles: tuple[int, ...]
) -> None:
    article_id = articles[0]
    token = csrf_of(client.get("/login").text)
    login = {"username": "editor1", "password": PASSWORD, "csrf_token": token}
    client.post("/login", data=login)
    page = client.get(f"/articles/{article_id}").text
    client.cookies.clear()  # the sign-in expired while the editor typed
    draft = {
        "csrf_token": csrf_of(page),
        "title": "草稿标题",
        "media": "",
        "summary": "草稿正文。",
        "version": "0",
    }
    expired = client.post(f"/articles/{article_id}/edit", data=draft, follow_redirects=False)
    assert expired.status_code == 401 and "登录已过期" in expired.text
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', expired.text))
    fields.update(username="editor1", password=PASSWORD)
    signed = client.post("/login", data=fields, follow_redirects=False)
    assert (signed.status_code, signed.headers["location"]) == (303, f"/articles/{article_id}")
    back = client.get(f"/articles/{article_id}").text
    assert 'value="草稿标题"' in back and "草稿正文。</textarea>" in back and "未保存的修改" in back
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(Review).where(Review.article_id == article_id)) is None  # not saved yet
    assert 'value="草稿标题"' not in client.get(f"/articles/{article_id}").text  # handed over once


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/week?week=9999-W52", 400),
        ("/week?week=0001-W01", 400),
        ("/preview?week=9999-W52", 400),
        ("/week?week=2018-W17&page=²", 400),
        ("/week?week=2018-W17&status=nope", 400),
        ("/articles/100000000000000000000", 404),
        ("/articles/2147483648", 404),
        ("/no-such-page", 404),
    ],
)
def test_bad_input_answers_a_clear_chinese_4xx(
    editor: tuple[TestClient, str], path: str, status: int
) -> None:
    client, _ = editor
    response = client.get(path)
    assert response.status_code == status, path
    assert "Not Found" not in response.text and re.search(r"[\u4e00-\u9fff]", response.text)


def test_bad_posted_ids_answer_4xx(editor: tuple[TestClient, str]) -> None:
    client, token = editor
    for article_id in ("²", "100000000000000000000", "x"):
        data = {"csrf_token": token, "article_id": article_id, "action": "accept"}
        assert client.post("/review/decide", data=data).status_code == 400, article_id
    data = {"csrf_token": token, "article_id": "2147483000", "action": "accept"}
    assert client.post("/review/decide", data=data).status_code == 404


def test_a_big_week_is_paged_filtered_by_status_and_searched_in_the_text(
    make_client: object, engine: Engine, articles: tuple[int, ...]
) -> None:
    extra = [
        record(100 + n, 23 + n % 5, score=6.0, title=f"第{100 + n}篇 电子病历", text=f"正文{n}。互联网医院。")
        for n in range(120)
    ]
    ids = store(engine, *extra)
    client = make_client(week_page_size=50)  # type: ignore[operator]
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "editor1", "password": PASSWORD, "csrf_token": token})
    token = csrf_of(client.get(HERE).text)
    first = client.get(HERE).text
    assert len(re.findall(r'<tr class="pending" data-id=', first)) == 50 and "第 1 / 3 页" in first
    third = client.get(HERE + "&page=3").text
    assert len(re.findall(r'<tr class="pending" data-id=', third)) == 23
    accept(client, token, ids[0])
    folded = client.get(HERE).text
    assert f'data-id="{ids[0]}" id="c{ids[0]}"' not in folded and "显示已决定的 1 条" in folded
    assert f'id="c{ids[0]}"' in client.get(HERE + "&status=accepted").text
    found = client.get(HERE + "&q=正文7。&status=all").text
    assert len(re.findall(r'<tr class="\w+" data-id=', found)) == 1  # in the text, not the title


def test_the_week_shows_the_probability_it_is_ranked_by_with_the_rule_score_beside_it(
    editor: tuple[TestClient, str], engine: Engine, articles: tuple[int, ...]
) -> None:
    (learned,) = store(engine, record(200, 24, score=4.0, title="第200篇 互联网医院", probability=0.42))
    client, _ = editor
    page = client.get(HERE + "&status=all").text

    def relevance_cell(article_id: int) -> tuple[str, str]:
        cell = rf'data-id="{article_id}".*?data-testid="relevance" title="([^"]*)">([^<]*)<'
        row = re.search(cell, page, re.S)
        assert row is not None
        return row.group(1), row.group(2)

    hint, shown = relevance_cell(learned)
    assert shown == "42%" and hint.startswith("概率 0.420，规则得分 4.00，排序分")
    hint, shown = relevance_cell(articles[0])  # stage 2 never scored it: the rules' score
    assert shown == "9.0" and hint.startswith("规则得分 9.00")
