from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.db import DatabaseError, make_engine, require_current_schema, session_factory, session_scope
from models.schema import Article


def test_missing_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="hitmon db upgrade"):
        require_current_schema(make_engine(f"sqlite:///{tmp_path / 'nothing.db'}"))


def test_unreachable_postgres_is_a_clear_error() -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(DatabaseError, match="cannot reach the database"):
        require_current_schema(engine)


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        make_engine("hitmon.db")


def test_times_come_back_aware_in_utc(engine: Engine) -> None:
    shanghai = timezone(timedelta(hours=8))
    published = datetime(2018, 4, 23, 10, 0, tzinfo=shanghai)
    with session_scope(session_factory(engine)) as session:
        session.add(
            Article(
                canonical_url="http://a/1",
                url="http://a/1",
                published_at=published,
                fetched_at=datetime.now(UTC),
            )
        )
    with session_scope(session_factory(engine)) as session:
        article = session.query(Article).one()
        assert article.published_at == published
        assert article.published_at.utcoffset() == timedelta(0)
        assert article.published_at.hour == 2


def test_naive_times_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), session_scope(session_factory(engine)) as session:
        session.add(Article(canonical_url="http://a/2", url="http://a/2", fetched_at=datetime(2018, 4, 23)))
        session.flush()
