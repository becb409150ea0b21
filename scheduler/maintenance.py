"""Weekly database care: pruning old raw pages when ``retention.raw_html_days`` is set
(pipeline.store.retention), then SQLite VACUUM (reclaims deleted pages, rewrites the file), ANALYZE
(planner statistics) and a WAL
checkpoint; PostgreSQL ANALYZE (autovacuum does the rest)."""

from __future__ import annotations

from sqlalchemy import Engine

from pipeline.store.retention import database_bytes, prune_raw_html, raw_html_cutoff

SQLITE = ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)")
POSTGRESQL = ("ANALYZE",)


def maintain_database(engine: Engine, raw_html_days: int | None = None) -> str:
    """Prune, then run the statements for this database outside a transaction (VACUUM refuses one); say
    what ran and what it freed."""
    said = []
    size_before = database_bytes(engine)
    if raw_html_days is not None:
        said.append(prune_raw_html(engine, raw_html_cutoff(raw_html_days)).describe())
    statements = SQLITE if engine.dialect.name == "sqlite" else POSTGRESQL
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    said.append(", ".join(dict.fromkeys(statements)))
    size_after = database_bytes(engine)
    if size_before is not None and size_after is not None:
        said.append(f"database {size_before / 1e6:.1f} MB -> {size_after / 1e6:.1f} MB")
    return "; ".join(said)
