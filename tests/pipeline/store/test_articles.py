from __future__ import annotations

import gzip
from datetime import date

from sqlalchemy import Engine, func, select

from models.db import session_factory, session_scope
from models.schema import Article, Issue, IssueItem, Relevance, Source
from pipeline.desk.review import decide
from pipeline.store.articles import raw_html, save_articles, save_sources, stored_urls
from pipeline.store.sources import SourceSpec
from tests.pipeline.factories import record, store


def test_upsert_keeps_one_row_per_canonical_url(engine: Engine) -> None:
    first = record(1, 23, canonical_url="https://mp.weixin.qq.com/s/abc")
    (a,) = store(engine, first)
    same_site_copy = first.evolve(
        url="http://127.0.0.1:1/hit/1.html?from=list", title="新标题", score=1.0, flagged=False, matched=()
    )
    (b,) = store(engine, same_site_copy)
    assert a == b
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        article = session.get_one(Article, a)
        assert (article.title, article.url, article.canonical_url) == (
            "新标题",
            "http://127.0.0.1:1/hit/1.html?from=list",
            "https://mp.weixin.qq.com/s/abc",
        )
        relevance = session.get_one(Relevance, a)
        assert (relevance.score, relevance.flagged, relevance.matched) == (1.0, False, [])
        assert raw_html(article) == first.html and gzip.decompress(article.html_gz) == first.html
        assert article.source.name == "HIT前哨网"


def test_another_site_declaring_a_stored_url_gets_a_row_of_its_own(engine: Engine) -> None:
    (original,) = store(engine, record(1, 23))
    hijack = record(
        2, 23, url="http://127.0.0.1:666/evil.html", canonical_url=record(1, 23).url, title="篡改的标题"
    )
    with session_scope(session_factory(engine)) as session:
        ids = {s.name: s.id for s in session.scalars(select(Source))}
        result = save_articles(session, [hijack], ids)
        assert (result.new, result.updated, result.diverted) == (1, 0, 1)
    with session_scope(session_factory(engine)) as session:
        assert session.get_one(Article, original).title == "第1篇 电子病历"
        (other,) = result.article_ids
        assert session.get_one(Article, other).canonical_url == "http://127.0.0.1:666/evil.html"


def test_accepted_and_printed_articles_change_by_the_editors_hand_only(engine: Engine) -> None:
    accepted_id, printed_id = store(engine, record(1, 23), record(2, 23))
    with session_scope(session_factory(engine)) as session:
        decide(session, [accepted_id], "accept", actor="editor")
        issue = Issue(
            number=1, week="2018-W17", issued_on=date(2018, 4, 27),
            period_start=date(2018, 4, 23), period_end=date(2018, 4, 27),
        )  # fmt: skip
        issue.items.append(
            IssueItem(article_id=printed_id, position=1, title="t", media="m", link="l",
                      published_on=date(2018, 4, 23), body="b")
        )  # fmt: skip
        session.add(issue)
    # Newer versions from the same site: one under a new URL (kept aside for review), one refetched.
    newer = record(3, 23, canonical_url=record(1, 23).url, title="改写后的标题", text="改写后的正文。" * 5)
    refetched = record(2, 23, title="再次抓取的标题")
    with session_scope(session_factory(engine)) as session:
        ids = {s.name: s.id for s in session.scalars(select(Source))}
        result = save_articles(session, [newer, refetched], ids)
        assert (result.new, result.diverted, result.held) == (1, 1, 1)
    with session_scope(session_factory(engine)) as session:
        assert session.get_one(Article, accepted_id).title == "第1篇 电子病历"
        assert session.get_one(Article, printed_id).title == "第2篇 电子病历"
        aside = session.scalar(select(Article).where(Article.url == newer.url))
        assert aside is not None and aside.title == "改写后的标题" and aside.canonical_url == newer.url


def test_new_and_updated_counts(engine: Engine) -> None:
    with session_scope(session_factory(engine)) as session:
        save_sources(session, [SourceSpec(name="HIT前哨网", kind="listing", url="http://h/")])
        ids = {s.name: s.id for s in session.scalars(select(Source))}
        first = save_articles(session, [record(1, 23), record(2, 23)], ids)
        second = save_articles(session, [record(2, 23), record(3, 24)], ids)
        assert (first.new, first.updated, second.new, second.updated) == (2, 0, 1, 1)
        assert stored_urls(session) == {f"http://127.0.0.1:1/hit/{n}.html" for n in (1, 2, 3)}


def test_save_sources_adds_updates_and_keeps(engine: Engine) -> None:
    with session_scope(session_factory(engine)) as session:
        save_sources(
            session,
            [
                SourceSpec(name="a", kind="feed", url="http://a/"),
                SourceSpec(name="b", kind="listing", url="http://b/"),
            ],
        )
        result = save_sources(
            session, [SourceSpec(name="a", kind="feed", url="http://a2/", media="甲", max_pages=2)]
        )
        assert (result.added, result.updated, result.not_in_file) == ((), ("a",), ("b",))
        a = session.scalar(select(Source).where(Source.name == "a"))
        assert (a.url, a.media, a.options) == ("http://a2/", "甲", {"max_pages": 2})


def test_a_batch_with_the_same_page_twice_and_more_rows_than_one_statement(engine: Engine) -> None:
    mirror = record(1, 23, canonical_url="https://mp.weixin.qq.com/s/same")
    again = mirror.evolve(url="http://mirror-2/s/same.html", title="后一份")
    many = [record(n, 24) for n in range(10, 460)]  # more than ROWS_PER_STATEMENT
    ids = store(engine, mirror, *many, again)
    assert ids[0] == ids[-1] and len(set(ids)) == 451
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 451
        assert session.get_one(Article, ids[0]).title == "后一份"
        assert session.scalar(select(func.count()).select_from(Relevance)) == 451


def test_a_page_packed_in_a_worker_is_stored_as_the_raw_page_would_be(engine: Engine) -> None:
    raw, packed = record(1, 23), record(2, 23).packed()
    assert packed.html == b"" and packed.html_gz and packed.packed() is packed
    ids = store(engine, raw, packed)
    with session_scope(session_factory(engine)) as session:
        stored = [raw_html(session.get_one(Article, article_id)) for article_id in ids]
    assert stored == [raw.html, record(2, 23).html]
