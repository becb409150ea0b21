"""Engines, sessions and schema migration, for SQLite files and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT = 30.0  # seconds an SQLite statement waits for another process's write to commit


class DatabaseError(Exception):
    """The database cannot be used as asked: printed as one line by the entry points."""


def make_engine(url: str, busy_timeout: float = BUSY_TIMEOUT) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout for concurrent writers:
    a statement finding the database locked waits up to ``busy_timeout`` seconds instead of failing."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"not a database URL: {url!r} (e.g. sqlite:///hitmon.db)") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver hitmon installs
    sqlite = parsed.get_backend_name() == "sqlite"
    # ``timeout`` is sqlite3's busy timeout, set as the connection opens: the pragmas below wait too
    connect_args = {"timeout": busy_timeout} if sqlite else {}
    engine = create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema to ``revision``."""
    _ensure_sqlite_folder(engine)
    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise DatabaseError(f"cannot reach the database {_safe(engine)}: {_first_line(exc)}") from None


def downgrade_database(engine: Engine, revision: str) -> None:
    """Migrate the schema back to ``revision`` ("base" drops every table hitmon made)."""
    command.downgrade(alembic_config(engine), revision)


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database that is missing, unreachable or not migrated to head."""
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not Path(database).exists():
        raise DatabaseError(f"no database at {database}: run `hitmon db upgrade` first")
    try:
        current = schema_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(f"cannot reach the database {_safe(engine)}: {_first_line(exc)}") from None
    if current != head_revision():
        state = "empty" if current is None else f"at revision {current}"
        raise DatabaseError(f"the database {_safe(engine)} is {state}: run `hitmon db upgrade`")


def _ensure_sqlite_folder(engine: Engine) -> None:
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _safe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0]
