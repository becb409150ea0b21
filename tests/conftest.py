"""Shared fixtures: databases of each kind, fresh for every test."""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import OperationalError

from models.db import make_engine, upgrade_database

SERVER_URL = os.environ.get("HITMON_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
# Each test run works in a database of its own, so two runs on one server (two checkouts, CI beside a
# developer) never drop each other's tables; it is created on first use and dropped at exit.
RUN_DATABASE = f"hitmon_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
POSTGRES_URL = make_url(SERVER_URL).set(database=RUN_DATABASE).render_as_string(hide_password=False)
_created: list[str] = []


def _create_run_database() -> None:
    server = make_engine(SERVER_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{RUN_DATABASE}"'))
    finally:
        server.dispose()
    _created.append(RUN_DATABASE)
    atexit.register(_drop_run_database)


def _drop_run_database() -> None:
    server = make_engine(SERVER_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{RUN_DATABASE}" WITH (FORCE)'))
    except OperationalError:
        pass
    finally:
        server.dispose()


def reachable_postgres() -> Engine:
    """An engine on this run's test database with an empty public schema; in CI its absence is a failure."""
    try:
        if not _created:
            _create_run_database()
        engine = make_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except OperationalError as exc:
        reason = f"PostgreSQL not reachable at {SERVER_URL}: {str(exc.orig).strip().splitlines()[0]}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return engine


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hitmon.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    engine = reachable_postgres()
    engine.dispose()
    yield POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test using it runs once on an SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hitmon.db'}"
    else:
        engine = reachable_postgres()
        engine.dispose()
        yield POSTGRES_URL


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database of each kind."""
    engine = make_engine(db_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, launched by path: nothing downloads a browser


@pytest.fixture
def chromium() -> Path:
    """The browser, or a skip saying it is missing (a failure under CI=true: .ci/run installs it)."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"Chromium missing at {CHROMIUM} (.ci/run installs it)")
        pytest.skip(f"Chromium missing at {CHROMIUM}")
    return CHROMIUM
