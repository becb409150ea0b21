from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from models.db import session_factory, session_scope
from models.schema import Article
from pipeline.config import Settings
from pipeline.stages.page import load_stages
from pipeline.store.reextract import reextract_articles
from tests.pipeline.factories import record, store

TITLE = "省卫生健康委推进电子病历系统应用水平分级评价"
PAGE = (
    f"<html><head><meta charset='utf-8'><title>{TITLE}_江南省卫生健康委员会</title></head><body>"
    f"<h1>{TITLE}</h1><div>发布时间：2018-04-23 10:30　来源：江南省卫生健康委</div><div class='TRS_Editor'>"
    + "".join(
        f"<p>第{n}段：全省二级以上医院推进电子病历系统应用水平分级评价和互联网医院建设。</p>"
        for n in range(5)
    )
    + "</div></body></html>"
).encode()
CHALLENGE = (
    b"<html><head><script>document.cookie='__jsl_clearance=1';location.reload()</script></head>"
    b"<body></body></html>"
)


def test_reextract_fixes_rows_from_the_stored_html(engine: Engine) -> None:
    old = record(1, 23, html=PAGE, title="旧的抽取结果", text="旧正文", score=0.0)
    blocked = record(2, 24, html=CHALLENGE, title="以前误存的挑战页", score=0.0)
    empty = record(3, 24, html=b"")
    fixed_id, blocked_id, _ = store(engine, old, blocked, empty)
    stages = load_stages(Settings())
    with session_scope(session_factory(engine)) as session:
        result = reextract_articles(session, stages)
    assert (result.updated, result.no_html, dict(result.failed)) == (1, 1, {"ChallengePage": 1})
    with session_scope(session_factory(engine)) as session:
        fixed = session.get_one(Article, fixed_id)
        assert fixed.title == TITLE and fixed.text.count("\n") == 4 and fixed.media == "江南省卫生健康委"
        assert fixed.published_at == datetime(2018, 4, 23, 2, 30, tzinfo=UTC)
        assert fixed.relevance.flagged and "电子病历" in "".join(fixed.relevance.matched)
        assert fixed.fingerprint and session.get_one(Article, blocked_id).title == "以前误存的挑战页"
    with session_scope(session_factory(engine)) as session:
        again = reextract_articles(session, stages)
    assert (again.updated, again.unchanged) == (0, 1)


def test_reextract_by_source_and_date(engine: Engine) -> None:
    store(
        engine,
        record(1, 23, html=PAGE, title="旧"),
        record(2, 23, html=PAGE, title="旧", source="江南省卫生健康委"),
    )
    with session_scope(session_factory(engine)) as session:
        only_gov = reextract_articles(session, load_stages(Settings()), source="江南省卫生健康委")
        later = reextract_articles(session, load_stages(Settings()), since=datetime(2030, 1, 1, tzinfo=UTC))
    assert only_gov.updated == 1 and (later.updated, later.unchanged) == (0, 0)
