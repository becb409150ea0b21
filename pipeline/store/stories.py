"""Reprint merging in the database: new articles join the story of a near-duplicate, or start one.

The near-duplicate test itself (MinHash LSH over character shingles, plus normalised titles) is
``pipeline.stages.dedupe``; this module picks the articles to compare and records the stories, in three steps
whose cost follows the crawl, not the archive:

1. the fresh articles, in date order, are dealt into spans of ``SPAN`` days; each span loads only the
   articles published within ``REPRINT_WINDOW`` of it (ids, titles, stored fingerprints: no texts), so one
   old page in a crawl costs the weeks around it, not the years in between;
2. LSH finds each fresh article's near-duplicates published within ``REPRINT_WINDOW`` of *its own* date,
   and a union-find joins them, with the stories they already belong to, into groups: each story is
   written once, however many copies joined it;
3. the groups are written a few hundred articles per transaction, each leader chosen before its
   transaction begins, so other writers (the web app, ``hitmon review``) wait milliseconds, not the
   whole grouping, on a busy SQLite database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, delete, func, literal, select, update
from sqlalchemy.orm import Session

from models.schema import Article, Story
from pipeline.stages.dedupe import ReprintIndex, choose_leader

REPRINT_WINDOW = timedelta(days=10)  # reprints follow the original within days, not months
SPAN = timedelta(days=10)  # fresh articles compared together: a span loads SPAN + 2 windows of the archive
ARTICLES_PER_TRANSACTION = 500  # a write transaction this size lasts milliseconds
EDGE = 300  # characters at each end of a text where copies name their 来源 (see dedupe.choose_leader)


@dataclass(frozen=True, slots=True)
class Row:
    """What grouping reads of an article: no page, and the text only where no fingerprint was stored."""

    id: int
    title: str
    fingerprint: str | None
    text: str
    story_id: int | None
    day: datetime  # published, or fetched when the page gave no date


@dataclass(frozen=True, slots=True)
class Copy:
    """What choosing a story's leader reads of a copy: its media, date and the two ends of its text."""

    id: int
    media: str | None
    published_at: datetime | None
    text: str


def group_reprints(session: Session, since: datetime) -> int:
    """Give each article fetched since ``since`` and in no story yet the story of its near-duplicates.

    Commits as it writes, in short transactions (the session's earlier work is committed with the first).
    Returns how many of those articles joined or started a story."""
    fresh = _fresh_rows(session, since)
    if not fresh:
        return 0
    groups = Groups()
    for span in _spans(fresh):
        _link_span(session, span, groups)
    fresh_ids = {row.id for row in fresh}
    found = [members for members in groups.members() if fresh_ids & set(members)]
    session.commit()  # the reads so far took no lock; each batch below writes in a transaction of its own
    for batch in _batches(found):
        _write_batch(session, batch)
    return sum(len(fresh_ids.intersection(members)) for members in found)


class Groups:
    """Union-find over article ids (positive) and story ids (negative): copies that are one story."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def find(self, node: int) -> int:
        root = node
        while self._parent.get(root, root) != root:
            root = self._parent[root]
        while node != root:  # path compression keeps later finds short
            self._parent[node], node = root, self._parent.get(node, node)
        return root

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        self._parent.setdefault(root_a, root_a)  # roots are listed too: members() reads the keys
        self._parent.setdefault(root_b, root_b)
        if root_a != root_b:
            self._parent[max(root_a, root_b)] = min(root_a, root_b)

    def members(self) -> list[list[int]]:
        """Each group of two or more nodes, as the article and story ids in it (stories negative)."""
        by_root: dict[int, list[int]] = {}
        for node in list(self._parent):
            by_root.setdefault(self.find(node), []).append(node)
        return [sorted(nodes) for nodes in by_root.values() if len(nodes) > 1]


def _row_columns() -> tuple[ColumnElement[object], ...]:
    unfingerprinted_text = case((Article.fingerprint.is_(None), Article.text), else_=literal(""))
    day = func.coalesce(Article.published_at, Article.fetched_at)
    return (Article.id, Article.title, Article.fingerprint, unfingerprinted_text, Article.story_id, day)


def _rows(session: Session, *conditions: ColumnElement[bool]) -> list[Row]:
    query = select(*_row_columns()).where(*conditions)
    return [Row(*values) for values in session.execute(query)]


def _fresh_rows(session: Session, since: datetime) -> list[Row]:
    rows = _rows(session, Article.fetched_at >= since, Article.story_id.is_(None))
    return sorted(rows, key=lambda row: (row.day, row.id))


def _spans(fresh: list[Row]) -> Iterator[list[Row]]:
    """The date-ordered fresh rows in runs covering at most ``SPAN`` days each."""
    span: list[Row] = []
    for row in fresh:
        if span and row.day - span[0].day > SPAN:
            yield span
            span = []
        span.append(row)
    if span:
        yield span


def _link_span(session: Session, span: list[Row], groups: Groups) -> None:
    """Join each fresh row of the span with its near-duplicates published within a window of its own date."""
    low, high = span[0].day - REPRINT_WINDOW, span[-1].day + REPRINT_WINDOW
    pool = {row.id: row for row in _rows(session, Article.published_at.between(low, high))}
    pool.update((row.id, row) for row in span)  # undated fresh rows are in no date range
    index: ReprintIndex[int] = ReprintIndex()
    for row in pool.values():
        index.add(row.id, row.title, row.text, row.fingerprint)
    for row in span:
        root = groups.find(row.id)  # fixed while one query runs: unions come after it
        already_grouped = lambda key, root=root: groups.find(key) == root  # noqa: E731 - bound per row
        for key in index.find(row.title, row.text, row.fingerprint, known=already_grouped):
            other = pool[key]
            if key != row.id and abs(other.day - row.day) <= REPRINT_WINDOW:
                groups.union(row.id, key)
                if other.story_id is not None:  # its whole story comes along, not only this copy
                    groups.union(key, -other.story_id)


def _batches(found: list[list[int]]) -> Iterator[list[list[int]]]:
    batch: list[list[int]] = []
    size = 0
    for members in found:
        if batch and size + len(members) > ARTICLES_PER_TRANSACTION:
            yield batch
            batch, size = [], 0
        batch.append(members)
        size += len(members)
    if batch:
        yield batch


@dataclass(frozen=True, slots=True)
class Placement:
    """One group to write: its articles, the stories it joins (merged into the oldest) and its leader."""

    articles: list[int]
    stories: list[int]  # ascending: the first one is kept
    leader: int


def _write_batch(session: Session, batch: list[list[int]]) -> None:
    """Choose every leader first (reads, no lock), then write the batch in one short transaction."""
    placements = _placements(session, batch)
    for placement in placements:
        _place(session, placement)
    session.commit()


def _placements(session: Session, batch: list[list[int]]) -> list[Placement]:
    """Each group's leader, among its own articles and every copy of the stories it touches."""
    articles = [node for members in batch for node in members if node > 0]
    stories = [-node for members in batch for node in members if node < 0]
    by_article: dict[int, Copy] = {}
    by_story: dict[int, list[Copy]] = {}
    for story_id, copy in _copies(session, articles, stories):
        by_article[copy.id] = copy
        if story_id is not None:
            by_story.setdefault(story_id, []).append(copy)
    placements = []
    for members in batch:
        own = [node for node in members if node > 0]
        joined = sorted(-node for node in members if node < 0)
        copies = {by_article[i].id: by_article[i] for i in own}
        copies.update((copy.id, copy) for story in joined for copy in by_story.get(story, []))
        leader = choose_leader(sorted(copies.values(), key=lambda copy: copy.id)).id
        placements.append(Placement(own, joined, leader))
    return placements


def _place(session: Session, placement: Placement) -> None:
    """Put the group's articles, and every copy of the stories it touches, into one story (the oldest)."""
    if placement.stories:
        keep, merged = placement.stories[0], placement.stories[1:]
    else:
        story = Story()
        session.add(story)
        session.flush()
        keep, merged = story.id, []
    if merged:
        session.execute(update(Article).where(Article.story_id.in_(merged)).values(story_id=keep))
        session.execute(delete(Story).where(Story.id.in_(merged)))
    for chunk in _chunked(placement.articles, ARTICLES_PER_TRANSACTION):
        session.execute(update(Article).where(Article.id.in_(chunk)).values(story_id=keep))
    session.execute(update(Story).where(Story.id == keep).values(leader_id=placement.leader))


def _copies(
    session: Session, article_ids: list[int], story_ids: list[int]
) -> Iterator[tuple[int | None, Copy]]:
    """The articles and the copies of the stories, with only the ends of their texts (their 来源 lines)."""
    length = func.length(Article.text)
    head = func.substr(Article.text, 1, EDGE)
    tail = case((length > EDGE, func.substr(Article.text, length - (EDGE - 1))), else_=literal(""))
    columns = (Article.story_id, Article.id, Article.media, Article.published_at, head, tail)
    for chunk in _chunked(article_ids, ARTICLES_PER_TRANSACTION):
        yield from _copy_rows(session, select(*columns).where(Article.id.in_(chunk)))
    for chunk in _chunked(story_ids, ARTICLES_PER_TRANSACTION):
        yield from _copy_rows(session, select(*columns).where(Article.story_id.in_(chunk)))


def _copy_rows(session: Session, query: Select[Any]) -> Iterator[tuple[int | None, Copy]]:
    for story_id, article_id, media, published_at, start, end in session.execute(query).all():
        yield story_id, Copy(article_id, media, published_at, f"{start}\n{end}")


def _chunked(values: list[int], size: int) -> Iterable[list[int]]:
    return (values[start : start + size] for start in range(0, len(values), size))
