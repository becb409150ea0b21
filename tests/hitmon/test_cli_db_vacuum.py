from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from tests.hitmon.test_cli import run
from tests.pipeline.factories import record, store
from tests.pipeline.store.test_retention import pages


def old_and_new(engine: Engine) -> None:
    now = datetime.now(UTC)
    store(
        engine,
        record(1, 23, fetched_at=now - timedelta(days=800)),
        record(2, 24, fetched_at=now - timedelta(days=400)),
        record(3, 25, fetched_at=now - timedelta(days=3)),
    )


def test_db_vacuum_drops_old_raw_pages_and_says_what_it_freed(engine: Engine, db_url: str) -> None:
    old_and_new(engine)
    result = run(db_url, "db", "vacuum", "--raw-html-days", "365")
    assert result.exit_code == 0, result.output
    assert "dropped the raw HTML of 2 article(s) fetched before" in result.output
    assert "ANALYZE" in result.output and " MB -> " in result.output
    assert {n for n, (page, _, text) in pages(engine).items() if page} == {3}
    assert all(text for _, _, text in pages(engine).values())


def test_db_vacuum_without_a_retention_keeps_every_page(engine: Engine, db_url: str) -> None:
    old_and_new(engine)
    result = run(db_url, "db", "vacuum")
    assert result.exit_code == 0, result.output
    assert "dropped" not in result.output and "ANALYZE" in result.output
    assert all(page for page, _, _ in pages(engine).values())


def test_db_vacuum_refuses_a_retention_of_zero_days(engine: Engine, db_url: str) -> None:
    result = run(db_url, "db", "vacuum", "--raw-html-days", "0")
    assert result.exit_code == 2 and "--raw-html-days" in result.output
