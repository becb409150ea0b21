from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from models.db import session_factory, session_scope
from models.schema import Article, Story
from pipeline.record import ArticleRecord
from pipeline.stages.dedupe import fingerprint_record
from pipeline.store.stories import REPRINT_WINDOW, group_reprints
from tests.pipeline.factories import store
from tests.pipeline.store.reprint_texts import story_copies, unrelated_text

CRAWLED = datetime(2026, 11, 30, 18, tzinfo=UTC)  # the nightly crawl grouped here started then


def copy(
    name: str, text: str, published: datetime | None, *, fetched: datetime = CRAWLED, **fields
) -> ArticleRecord:
    record = ArticleRecord(
        url=f"http://127.0.0.1:1/hit/{name}.html",
        source="HIT前哨网",
        fetched_at=fetched,
        title=fields.pop("title", f"标题{name}"),
        text=text,
        published_at=published,
        media=fields.pop("media", f"媒体{name}"),
        **fields,
    )
    return fingerprint_record(record)


def group(engine: Engine, since: datetime = CRAWLED) -> int:
    with session_scope(session_factory(engine)) as session:
        return group_reprints(session, since=since)


def stories(engine: Engine) -> dict[int, set[str]]:
    """story id -> the names (URL stems) of its copies."""
    with session_scope(session_factory(engine)) as session:
        rows = session.execute(select(Article.story_id, Article.url).where(Article.story_id.is_not(None)))
        found: dict[int, set[str]] = {}
        for story_id, url in rows:
            found.setdefault(story_id, set()).add(url.rsplit("/", 1)[1].removesuffix(".html"))
        return found


def leader(engine: Engine, story_id: int) -> str:
    with session_scope(session_factory(engine)) as session:
        story = session.get(Story, story_id)
        assert story is not None and story.leader_id is not None
        return session.get(Article, story.leader_id).url.rsplit("/", 1)[1].removesuffix(".html")


def test_many_near_duplicates_form_one_story_led_by_the_earliest(engine):
    texts = story_copies(150)
    copies = [copy(f"c{n}", text, CRAWLED - timedelta(hours=n % 50)) for n, text in enumerate(texts)]
    others = [copy(f"o{n}", unrelated_text(n), CRAWLED - timedelta(hours=n)) for n in range(20)]
    store(engine, *copies, *others)
    assert group(engine) == 150
    (story_id, members), *rest = stories(engine).items()
    assert not rest and members == {f"c{n}" for n in range(150)}
    assert leader(engine, story_id) == "c49"  # published 49 hours before the crawl: the earliest
    assert group(engine) == 0  # all grouped: nothing is fresh any more


def test_copies_arriving_later_join_the_story_and_bridged_stories_merge(engine):
    first, second = story_copies(2, seed=1), story_copies(2, seed=2)
    early = CRAWLED - timedelta(days=1)
    store(
        engine,
        copy("a1", first[0], early, fetched=early),
        copy("a2", first[1], early, fetched=early),
        copy("b1", second[0], early, fetched=early, title="县人民医院互联网医院正式挂牌"),
        copy("b2", second[1], early, fetched=early),
    )
    assert group(engine, since=early) == 4
    assert sorted(stories(engine).values(), key=sorted) == [{"a1", "a2"}, {"b1", "b2"}]
    # a new copy of story a, and a copy of its text under the title of story b: one story after all
    bridge = copy("ab", first[1], CRAWLED, title="【转载】县人民医院互联网医院正式挂牌")
    store(engine, copy("a3", first[0], CRAWLED), bridge)
    assert group(engine) == 2
    (story_id, members), *rest = stories(engine).items()
    assert not rest and members == {"a1", "a2", "a3", "b1", "b2", "ab"}
    with session_scope(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Story)) == 1  # the merged-away story is gone
        assert session.get(Story, story_id).leader_id is not None


def test_an_old_page_among_new_ones_is_compared_within_its_own_window(engine):
    """One old page in a crawl must not widen the window of the others: each looks around its own date."""
    old_story, new_story = story_copies(3, seed=3), story_copies(3, seed=4)
    now = CRAWLED - timedelta(days=1)
    years_ago = now - timedelta(days=3 * 365)
    between = now - timedelta(days=400)
    archive = datetime(2024, 1, 1, tzinfo=UTC)
    store(
        engine,
        copy("old-copy", old_story[0], years_ago + timedelta(days=2), fetched=archive),
        copy("same-text-long-before", new_story[0], between, fetched=archive),
        copy("old-page", old_story[1], years_ago),
        copy("new-1", new_story[1], now),
        copy("new-2", new_story[2], now - REPRINT_WINDOW + timedelta(hours=1)),
    )
    group(engine)
    assert sorted(stories(engine).values(), key=sorted) == [{"new-1", "new-2"}, {"old-copy", "old-page"}]


def test_undated_fresh_pages_are_compared_around_their_fetch_time(engine):
    texts = story_copies(2, seed=5)
    store(engine, copy("dated", texts[0], CRAWLED - timedelta(days=2)), copy("undated", texts[1], None))
    assert group(engine) == 2
    assert list(stories(engine).values()) == [{"dated", "undated"}]
