from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from models.db import (
    MIGRATIONS,
    DatabaseError,
    declared_head,
    downgrade_database,
    head_revision,
    make_engine,
    require_current_schema,
    session_factory,
    session_scope,
    upgrade_database,
)
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


def test_a_foreign_sqlite_file_is_refused_before_anything_changes(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    before = path.read_bytes()
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(DatabaseError, match="not a hitmon database"):
        upgrade_database(engine)
    with pytest.raises(DatabaseError, match="not a hitmon database"):
        require_current_schema(engine)
    assert path.read_bytes() == before  # not even switched to WAL
    assert not path.with_name("notes.db-wal").exists()


def test_a_foreign_database_is_refused_on_each_kind(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT)"))
    with pytest.raises(DatabaseError, match="not a hitmon database"):
        upgrade_database(engine)
    assert inspect(engine).get_table_names() == ["notes"]  # no alembic_version, no half schema
    engine.dispose()


def test_an_unknown_revision_is_refused_on_each_kind(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
    for check in (upgrade_database, require_current_schema):
        with pytest.raises(DatabaseError, match="at revision f00dfeed, which this hitmon does not know"):
            check(engine)


def test_the_head_read_without_alembic_is_alembics() -> None:
    assert declared_head() == head_revision() is not None


def test_an_older_revision_is_refused_on_each_kind(engine: Engine) -> None:
    """The check without alembic passes only the head: one migration back, the database needs upgrading."""
    downgrade_database(engine, "-1")
    with pytest.raises(DatabaseError, match=r"is at revision .*: run `hitmon db upgrade`"):
        require_current_schema(engine)


@pytest.mark.parametrize(
    "change",
    [
        lambda text: text + "\nrevision = 'again'\n",  # two revision lines
        lambda text: text.replace("revision = '0001'", "revision = make_id()"),  # not a plain string
    ],
)
def test_a_migration_file_declared_otherwise_is_left_to_alembic(tmp_path: Path, monkeypatch, change) -> None:  # type: ignore[no-untyped-def]
    import models.db

    versions = tmp_path / "versions"
    versions.mkdir()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        (versions / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(models.db, "MIGRATIONS", tmp_path)
    assert declared_head() == head_revision()
    first = versions / "0001_initial_schema.py"
    first.write_text(change(first.read_text(encoding="utf-8")), encoding="utf-8")
    assert declared_head() is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a database at all\n" * 100, "file is not a database"),
        (None, "database disk image is malformed"),  # a real database cut short
    ],
)
def test_a_damaged_sqlite_file_is_a_clear_error(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "damaged.db"
    if content is None:
        whole = make_engine(f"sqlite:///{tmp_path / 'whole.db'}")
        upgrade_database(whole)
        whole.dispose()
        content = (tmp_path / "whole.db").read_bytes()[:20_000]
    path.write_bytes(content)
    engine = make_engine(f"sqlite:///{path}")
    for check in (upgrade_database, require_current_schema):
        with pytest.raises(DatabaseError, match=message):
            check(engine)
    assert path.read_bytes() == content


def test_an_sqlite_path_under_a_regular_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    with pytest.raises(DatabaseError, match="plain is a file, not a folder"):
        upgrade_database(make_engine(f"sqlite:///{tmp_path / 'plain' / 'sub' / 'x.db'}"))


def test_a_missing_driver_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="no driver for mysql"):
        make_engine("mysql://u@127.0.0.1/hitmon")
