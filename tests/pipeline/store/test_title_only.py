"""Title-only feed items: kept when their page fails, shown as such, upgraded in place when it comes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from models.db import session_factory, session_scope
from models.schema import Article
from pipeline.config import Settings
from pipeline.desk.candidates import weekly_candidates
from pipeline.errors import DeletedArticle, NotAnArticle
from pipeline.record import ArticleRecord
from pipeline.stages.extract import extract_article
from pipeline.stages.page import load_stages, process_page
from pipeline.store.articles import stored_urls
from pipeline.weeks import IsoWeek
from tests.pipeline.factories import store

LINK = "https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv"
CANONICAL = "http://mp.weixin.qq.com/s?__biz=MzA5NjYx&mid=2650&idx=1&sn=abc"
TITLE = "省卫生健康委部署电子病历系统应用水平分级评价和互联网医院建设工作"
ENTRY = {
    "title": TITLE,
    "author": "健康四川官微",
    "content": "",
    "published": "2018-04-24T02:00:00+00:00",
    "title_only_ok": "1",
}
PARAGRAPH = (
    "省卫生健康委今日召开全省医院信息化建设推进会，部署电子病历系统应用水平分级评价和互联网医院建设工作。"
)
FULL_PAGE = (
    "<html><head><meta charset='utf-8'><meta property='og:site_name' content='微信公众平台'>"
    f"<title>{TITLE}</title><script>var nickname = htmlDecode('健康四川官微'); var ct = '1524535200';"
    f"var msg_link = '{CANONICAL}';</script></head><body><h1 class='rich_media_title'>{TITLE}</h1>"
    f"<div id='js_content'>{''.join(f'<p>{PARAGRAPH}第{n}段。</p>' for n in range(5))}</div></body></html>"
)
VERIFY_PAGE = (
    "<html><body><div class='weui-msg'><p>环境异常</p><p>完成验证后即可继续访问。</p></div></body></html>"
)


def feed_record(html: str = "", **entry: str) -> ArticleRecord:
    return ArticleRecord(
        url=LINK,
        source="江南省卫生健康委",
        fetched_at=datetime(2018, 4, 25, tzinfo=UTC),
        html=html.encode(),
        source_media="健康四川官微",
        feed_entry={**ENTRY, **entry},
    )


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ("", "NotAnArticle"),
        (VERIFY_PAGE, "ChallengePage"),
        ("<html><body><p>短</p></body></html>", "NotAnArticle"),
    ],
    ids=["page-failed", "blocked", "too-short"],
)
def test_a_feed_entry_whose_page_fails_is_kept_by_its_title(html: str, why: str) -> None:
    record = extract_article(feed_record(html))
    assert record.title_only and record.title_only.startswith(why)
    assert (record.title, record.text, record.media) == (TITLE, "", "健康四川官微")
    assert record.published_at == datetime(2018, 4, 24, 2, tzinfo=UTC)
    assert record.link == LINK


def test_without_a_feed_title_or_from_a_listing_the_page_is_still_dropped() -> None:
    with pytest.raises(NotAnArticle):
        extract_article(feed_record(title=""))
    with pytest.raises(NotAnArticle):
        extract_article(feed_record(title_only_ok=""))
    deleted = "<html><body><p>该内容已被发布者删除</p></body></html>"
    with pytest.raises(DeletedArticle):
        extract_article(feed_record(deleted))


def test_title_only_item_is_scored_listed_as_such_and_upgraded_in_place(engine: Engine) -> None:
    stages = load_stages(Settings())
    title_only = process_page(feed_record(), stages)
    assert title_only.score > 0  # scored on its title
    (first,) = store(engine, title_only)
    with session_scope(session_factory(engine)) as session:
        (candidate,) = weekly_candidates(session, IsoWeek(2018, 17), "Asia/Shanghai", flagged_only=False)
        assert candidate.title_only and candidate.as_json()["title_only"] is True
        assert LINK not in stored_urls(session)  # the next crawl fetches the page again

    full = process_page(feed_record(FULL_PAGE), stages)
    assert full.title_only is None and full.link == CANONICAL
    (second,) = store(engine, full)
    assert second == first
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        row = session.get_one(Article, first)
        assert (row.title_only, row.canonical_url, row.url) == (False, CANONICAL, LINK)
        assert PARAGRAPH in row.text
        (candidate,) = weekly_candidates(session, IsoWeek(2018, 17), "Asia/Shanghai", flagged_only=False)
        assert not candidate.title_only and candidate.as_json()["title_only"] is False
        assert LINK in stored_urls(session)

    # The page failing on a later crawl never turns the full article back into a title.
    store(engine, process_page(feed_record(), stages).evolve(canonical_url=CANONICAL))
    with session_scope(session_factory(engine)) as session:
        row = session.get_one(Article, first)
        assert not row.title_only and PARAGRAPH in row.text
