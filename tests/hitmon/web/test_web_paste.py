"""Paste a link: a real HTTP server on 127.0.0.1 serves the pages; the web app fetches, extracts, stores
and accepts them into the week."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from models.db import session_factory, session_scope
from models.schema import Article, Review, Source
from tests.crawler.challenge_site import article_title, serve_challenge_site
from tests.hitmon.web.webtools import WEEK, sign_in
from tests.loopback import serve_loopback

PARAGRAPH = (
    "国家卫生健康委今日召开全国医院信息化建设推进会，部署电子病历系统应用水平分级评价和互联网医院建设工作。"
)
ARTICLE = (
    "<html><head><meta charset='utf-8'><title>粘贴来的电子病历文章</title></head><body>"
    "<h1>粘贴来的电子病历文章</h1><div class='info'>发布时间：2018-04-10 09:00　来源：健康报</div>"
    + "".join(f"<p>{PARAGRAPH}第{n}段。</p>" for n in range(1, 7))
    + "</body></html>"
)
PAGES = {
    "/wechat/1": (200, ARTICLE),
    "/gone": (404, "not here"),
    "/huge": (200, "<html><body>" + "x" * 2_000_000 + "</body></html>"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/redirect-to-article":
            self.send_response(302)
            self.send_header("Location", "/wechat/1")
            self.end_headers()
            return
        status, body = PAGES.get(self.path, (404, "no"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    with serve_loopback(Handler) as base_url:
        yield base_url


def paste(client: TestClient, token: str, url: str) -> str:
    response = client.post("/week/paste", data={"csrf_token": token, "week": WEEK, "url": url})
    assert response.status_code == 200
    return response.text


def test_a_pasted_link_is_fetched_stored_and_accepted_into_the_week(
    editor: tuple[TestClient, str], engine: Engine, site: str
) -> None:
    client, token = editor
    page = paste(client, token, f"{site}/redirect-to-article")
    assert "已添加并采用：粘贴来的电子病历文章" in page
    accepted = page.split('id="accepted"', 1)[1].split("</ol>", 1)[0]
    assert "粘贴来的电子病历文章" in accepted  # in W17 although published 2018-04-10
    with session_scope(session_factory(engine)) as session:
        article = session.scalar(select(Article).where(Article.title == "粘贴来的电子病历文章"))
        assert article is not None and article.url == f"{site}/wechat/1" and "第6段" in article.text
        assert article.source is not None and (article.source.name, article.source.enabled) == (
            "手工添加",
            False,
        )
        review = session.scalar(select(Review).where(Review.article_id == article.id))
        assert review is not None and (review.status, review.week, review.updated_by) == (
            "accepted",
            WEEK,
            "editor1",
        )
    paste(client, token, f"{site}/wechat/1")  # the same link again: still one article
    with session_scope(session_factory(engine)) as session:
        assert len(session.scalars(select(Article).where(Article.title == "粘贴来的电子病历文章")).all()) == 1


@pytest.mark.parametrize(
    ("path", "message"),
    [("/gone", "HTTP 404"), ("/huge", "页面超过 1 MB"), ("file:///etc/passwd", "链接不可用")],
)
def test_links_that_cannot_become_articles_are_refused_clearly(
    make_client: Callable[..., TestClient], engine: Engine, site: str, path: str, message: str
) -> None:
    client = make_client()
    client.app.state.web.settings.crawl.max_response_mb = 1.0  # type: ignore[attr-defined]
    token = sign_in(client)
    page = paste(client, token, path if ":" in path else f"{site}{path}")
    assert "未能添加" in page and message in page
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(Source).where(Source.name == "手工添加")) is None


def test_a_pasted_link_to_this_machine_is_refused_unless_allowed(
    make_client: Callable[..., TestClient], engine: Engine, site: str
) -> None:
    client = make_client(allow_private_targets=False)
    token = sign_in(client)
    page = paste(client, token, f"{site}/wechat/1")
    assert "不能指向本机或内网地址" in page
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(Article).where(Article.title == "粘贴来的电子病历文章")) is None


def test_a_link_behind_a_javascript_challenge_is_fetched_through_the_browser(
    editor: tuple[TestClient, str], engine: Engine, chromium: Path
) -> None:
    client, token = editor
    with serve_challenge_site(articles=1) as challenge:
        page = paste(client, token, challenge.article_urls()[0])
        assert challenge.challenged and challenge.served["browser"] >= 1  # the plain fetch met the gate
    assert f"已添加并采用：{article_title(1)}" in page
    with session_scope(session_factory(engine)) as session:
        article = session.scalar(select(Article).where(Article.title == article_title(1)))
        assert article is not None and article.url == challenge.article_urls()[0] and article.text


def test_a_challenge_the_browser_cannot_clear_is_refused_clearly(
    make_client: Callable[..., TestClient], engine: Engine, chromium: Path
) -> None:
    client = make_client()
    client.app.state.web.settings.browser.timeout = 3.0  # type: ignore[attr-defined]
    token = sign_in(client)
    with serve_challenge_site(articles=1, never_clears=True) as challenge:
        page = paste(client, token, challenge.article_urls()[0])
    assert "未能添加" in page and "浏览器也未能通过" in page and "请复制正文后手工添加" in page
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(Source).where(Source.name == "手工添加")) is None


def test_the_browser_is_refused_this_machine_when_pasted_links_may_not_reach_it(
    make_client: Callable[..., TestClient], chromium: Path
) -> None:
    from crawler.render.browser import RenderFailed, render_once
    from pipeline.config import BrowserSettings
    from pipeline.desk.pasted import refusal

    with serve_challenge_site(articles=1) as challenge:
        with pytest.raises(RenderFailed, match="refused"):
            asyncio.run(
                render_once(
                    challenge.article_urls()[0],
                    BrowserSettings(timeout=10.0),
                    lambda url: refusal(url, allow_private=False),
                )
            )
        assert not challenge.served and not challenge.challenged  # nothing reached the site
