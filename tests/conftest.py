"""Shared fixtures: databases of each kind, fresh for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from models.db import make_engine, upgrade_database

POSTGRES_URL = os.environ.get("HITMON_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def reachable_postgres() -> Engine:
    """An engine on the test PostgreSQL with an empty public schema; in CI its absence is a failure."""
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except OperationalError as exc:
        engine.dispose()
        reason = f"PostgreSQL not reachable at {POSTGRES_URL}: {str(exc.orig).strip().splitlines()[0]}"
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
