"""browser pages: how many pages of a source needed the browser in a crawl

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('crawl_source_stats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser_pages', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('crawl_source_stats', schema=None) as batch_op:
        batch_op.drop_column('browser_pages')
