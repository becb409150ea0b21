"""articles.fetched_at index: reprint grouping finds a crawl's new articles, and retention the old pages,
without reading the whole archive

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_fetched_at'), ['fetched_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_fetched_at'))
