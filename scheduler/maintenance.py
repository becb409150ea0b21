"""Weekly database care: SQLite VACUUM (reclaims deleted pages, rewrites the file), ANALYZE (planner
statistics) and a WAL checkpoint; PostgreSQL ANALYZE (autovacuum does the rest)."""

from __future__ import annotations

from sqlalchemy import Engine

SQLITE = ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)")
POSTGRESQL = ("ANALYZE",)


def maintain_database(engine: Engine) -> str:
    """Run the statements for this database, outside a transaction (VACUUM refuses one); say what ran."""
    statements = SQLITE if engine.dialect.name == "sqlite" else POSTGRESQL
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    return ", ".join(dict.fromkeys(statements))
