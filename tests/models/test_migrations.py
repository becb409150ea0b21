from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from models.db import (
    downgrade_database,
    head_revision,
    make_engine,
    schema_revision,
    upgrade_database,
)
from models.schema import Base, described_by_models


def test_migrations_create_exactly_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade_database(engine)
    with engine.connect() as connection:
        opts = {"compare_type": True, "include_name": described_by_models}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []
    assert schema_revision(engine) == head_revision()
    engine.dispose()


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade_database(engine)
    downgrade_database(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_database(engine)
    assert {"articles", "stories", "reviews", "issues", "crawl_runs", "users"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()
