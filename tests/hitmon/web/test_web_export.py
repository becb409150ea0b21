from __future__ import annotations

import io

import docx
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from models.db import session_factory, session_scope
from models.schema import Issue
from tests.hitmon.web.webtools import WEEK


def accept(client: TestClient, token: str, *article_ids: int) -> None:
    for article_id in article_ids:
        data = {"csrf_token": token, "article_id": str(article_id), "action": "accept"}
        assert client.post("/review/decide", data=data, follow_redirects=False).status_code == 303


def test_preview_shows_the_bulletin_as_it_will_print(
    editor: tuple[TestClient, str], articles: tuple[int, ...]
) -> None:
    client, token = editor
    accept(client, token, articles[0], articles[1])
    order = {"csrf_token": token, "week": WEEK, "ids": f"{articles[1]},{articles[0]}"}
    assert client.post("/review/order", data=order, follow_redirects=False).status_code == 303
    page = client.get(f"/preview?week={WEEK}").text
    assert "导出第 1 期（2 条" in page and f'src="/preview/bulletin?week={WEEK}"' in page
    bulletin = client.get(f"/preview/bulletin?week={WEEK}")
    assert "全国卫生信息化舆情监测周报" in bulletin.text and "（第一期）" in bulletin.text
    assert bulletin.text.index("第2篇 电子病历") < bulletin.text.index("第1篇 电子病历")  # the editor's order
    policy = bulletin.headers["content-security-policy"]
    assert (
        "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'self'" in policy
    )


def test_export_downloads_a_docx_and_records_the_issue(
    editor: tuple[TestClient, str], engine: Engine, articles: tuple[int, ...]
) -> None:
    client, token = editor
    accept(client, token, articles[0], articles[2])
    data = {"csrf_token": token, "week": WEEK, "format": "docx", "number": "296", "issued": "2018-04-27"}
    asked = client.post("/export", data=data)  # 296 as the first issue skips 1..295: asked first
    assert asked.status_code == 409 and "下一期应为第 1 期" in asked.text
    response = client.post("/export", data={**data, "confirm": "yes"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="weekly-296.docx"'
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "（第二九六期）" in text and "第1篇 电子病历" in text and "第3篇 电子病历" in text
    with session_scope(session_factory(engine)) as session:
        issue = session.scalar(select(Issue))
        assert issue is not None
        assert (issue.number, issue.week, issue.exported_by) == (296, WEEK, "editor1")
        assert [item.article_id for item in issue.items] == [articles[0], articles[2]]
    assert "导出第 296 期" in client.get(f"/preview?week={WEEK}").text  # the week keeps its number


def test_export_as_markdown_and_html(editor: tuple[TestClient, str], articles: tuple[int, ...]) -> None:
    client, token = editor
    accept(client, token, articles[0])
    for fmt, media_type in (("md", "text/markdown"), ("html", "text/html")):
        data = {"csrf_token": token, "week": WEEK, "format": fmt, "confirm": "yes"}  # html: a re-export
        response = client.post("/export", data=data)
        assert response.headers["content-type"].startswith(media_type)
        assert response.headers["content-disposition"] == f'attachment; filename="weekly-1.{fmt}"'
        assert "第1篇 电子病历" in response.content.decode("utf-8")


def test_nothing_accepted_exports_nothing(editor: tuple[TestClient, str], engine: Engine) -> None:
    client, token = editor
    response = client.post("/export", data={"csrf_token": token, "week": WEEK, "format": "docx"})
    assert response.status_code == 200 and "还没有采用的条目" in response.text
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(Issue)) is None


def test_bad_export_fields_are_refused(editor: tuple[TestClient, str], articles: tuple[int, ...]) -> None:
    client, token = editor
    accept(client, token, articles[0])
    for field, value in (("format", "exe"), ("number", "-3"), ("issued", "27/04/2018")):
        data = {"csrf_token": token, "week": WEEK, "format": "docx", field: value}
        assert client.post("/export", data=data).status_code == 400, field
