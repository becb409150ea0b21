"""Engines, sessions and schema migration, for SQLite files and PostgreSQL alike."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from models.errors import DatabaseError as DatabaseError  # re-exported: the entry points import it here

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic loads in the functions that migrate: the check every command makes first reads the stamp and the
# migration files itself (alembic and its scripts would be a tenth of a second of each command's start).

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT = 30.0  # seconds an SQLite statement waits for another process's write to commit
# ``revision = '0001'`` / ``down_revision = None`` in a migration file, as alembic writes them
REVISION_LINE = re.compile(
    r"""^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:'([^'\s]+)'|"([^"\s]+)"|None)\s*$""", re.MULTILINE
)


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
    try:
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"no driver for {parsed.drivername} databases: {exc}") from None
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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema to ``revision``; a database that is not hitmon's is refused untouched."""
    from alembic import command
    from alembic.util import CommandError

    sqlite_tables = _sqlite_tables(engine, must_exist=False)
    if sqlite_tables is not None:  # decided before SQLAlchemy first connects and switches the file to WAL
        _refuse_foreign_schema(engine, sqlite_tables)
    _ensure_sqlite_folder(engine)
    try:
        _refuse_foreign_schema(engine, set(inspect(engine).get_table_names()))
        _check_known_revision(engine, schema_revision(engine))
        command.upgrade(alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        raise _unusable(engine, exc) from None
    except CommandError as exc:  # e.g. an unknown revision in alembic_version
        raise DatabaseError(f"cannot migrate the database {_safe(engine)}: {exc}") from None


def _refuse_foreign_schema(engine: Engine, tables: set[str]) -> None:
    """Tables without ``alembic_version`` belong to another program: migrating would mix ours in."""
    if tables and "alembic_version" not in tables:
        raise DatabaseError(
            f"{_safe(engine)} is not a hitmon database (it has tables but no alembic_version): "
            "refusing to change it; name a new or empty database"
        )


def _check_known_revision(engine: Engine, current: str | None) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if current is None:
        return
    try:
        known = ScriptDirectory(str(MIGRATIONS)).get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise DatabaseError(
            f"the database {_safe(engine)} is at revision {current}, which this hitmon does not know "
            "(made by a newer version?)"
        )


def downgrade_database(engine: Engine, revision: str) -> None:
    """Migrate the schema back to ``revision`` ("base" drops every table hitmon made)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def schema_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def declared_head() -> str | None:
    """The head revision as the migration files declare it, read without alembic; None when a file declares
    it other than on one ``revision`` and one ``down_revision`` line, or the chain has other than one
    head (a merge, a branch): then alembic decides."""
    files = sorted((MIGRATIONS / "versions").glob("*.py"))
    revisions, parents = set(), set()
    for path in files:
        lines = REVISION_LINE.findall(path.read_text(encoding="utf-8"))
        found = {name: single or double or None for name, single, double in lines}
        if len(lines) != 2 or set(found) != {"revision", "down_revision"} or not found["revision"]:
            return None
        revisions.add(found["revision"])
        parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(revisions) == len(files) and len(heads) == 1 else None


def _stamped_revision(engine: Engine) -> str | None:
    """The one revision the database is stamped with, read without alembic; None when there is none, or
    more than one (then alembic decides)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        stamps = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return stamps[0] if len(stamps) == 1 else None


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database that is missing, unreachable, damaged or not migrated to head."""
    sqlite_tables = _sqlite_tables(engine, must_exist=True)
    if sqlite_tables is not None:
        _refuse_foreign_schema(engine, sqlite_tables)
    try:
        stamped = _stamped_revision(engine)
        if stamped is not None and stamped == declared_head():
            return  # the usual case, decided without alembic
        current = schema_revision(engine)
        if current is None:
            _refuse_foreign_schema(engine, set(inspect(engine).get_table_names()))
    except SQLAlchemyError as exc:
        raise _unusable(engine, exc) from None
    if current == declared_head():
        return
    _check_known_revision(engine, current)
    state = "empty" if current is None else f"at revision {current}"
    raise DatabaseError(f"the database {_safe(engine)} is {state}: run `hitmon db upgrade`")


def _sqlite_tables(engine: Engine, *, must_exist: bool) -> set[str] | None:
    """The tables of an SQLite file, read through a read-only connection; None when the database is
    not an SQLite file or not there yet. A file that is no database, or damaged, is refused here, before
    SQLAlchemy connects (its connection set-up would switch the file to WAL)."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    path = Path(database)
    if not path.exists():
        blocking = _file_among_parents(path)
        if blocking is not None:
            raise DatabaseError(f"cannot use the database {database}: {blocking} is a file, not a folder")
        if must_exist:
            raise DatabaseError(f"no database at {database}: run `hitmon db upgrade` first")
        return None
    if not path.is_file():
        raise DatabaseError(f"{database} is not a file: name an SQLite database file")
    try:
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.Error as exc:
        raise DatabaseError(f"{database} is not a usable SQLite database: {exc}") from None
    return {name for (name,) in rows}


def _ensure_sqlite_folder(engine: Engine) -> None:
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the database {database}: {exc.strerror}") from None


def _file_among_parents(path: Path) -> Path | None:
    """The regular file that stands where a folder of ``path`` should be, if any."""
    return next((parent for parent in path.parents if parent.exists() and not parent.is_dir()), None)


def _unusable(engine: Engine, exc: SQLAlchemyError) -> DatabaseError:
    verb = "reach" if isinstance(exc, OperationalError) else "use"  # OperationalError: connecting failed
    return DatabaseError(f"cannot {verb} the database {_safe(engine)}: {_first_line(exc)}")


def _safe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _first_line(exc: Exception) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
