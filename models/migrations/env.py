"""Alembic environment: runs on the engine hitmon hands over (models.db.alembic_config)."""

from alembic import context

from models.schema import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copy
        compare_type=True,
    )
    context.run_migrations()
