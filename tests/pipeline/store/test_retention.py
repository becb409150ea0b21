from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import Article
from pipeline.store.articles import raw_html
from pipeline.store.retention import prune_raw_html, raw_html_cutoff
from tests.pipeline.factories import record, store

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def pages(engine: Engine) -> dict[int, tuple[bytes, str, str]]:
    """article number -> (raw page, title, text) as stored."""
    with session_scope(session_factory(engine)) as session:
        rows = session.scalars(select(Article))
        return {int(a.url.rsplit("/", 1)[1].split(".")[0]): (raw_html(a), a.title, a.text) for a in rows}


def test_old_raw_pages_are_dropped_and_their_texts_kept(engine: Engine) -> None:
    ages = {1: 900, 2: 400, 3: 366, 4: 364, 5: 10}  # days since the fetch
    store(engine, *(record(n, 23, fetched_at=NOW - timedelta(days=age)) for n, age in ages.items()))
    before = pages(engine)
    expected_bytes = sum(len(gzip.compress(before[n][0], compresslevel=6)) for n in (1, 2, 3))

    pruned = prune_raw_html(engine, raw_html_cutoff(365, now=NOW))

    after = pages(engine)
    assert (pruned.articles, pruned.before) == (3, NOW - timedelta(days=365))
    assert pruned.bytes == expected_bytes
    assert {n for n, (page, _, _) in after.items() if page} == {4, 5}
    assert {n: fields for n, (_, *fields) in after.items()} == {
        n: fields for n, (_, *fields) in before.items()
    }
    assert "dropped the raw HTML of 3 article(s) fetched before 2025-12-01" in pruned.describe()
    assert prune_raw_html(engine, raw_html_cutoff(365, now=NOW)).articles == 0  # nothing left to drop
