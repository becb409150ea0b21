"""page validators: conditional requests for listing pages and feeds; 304s counted per source

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa
import models.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('page_validators',
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('etag', sa.String(length=300), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_page_validators_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('url', name=op.f('pk_page_validators'))
    )
    with op.batch_alter_table('page_validators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_validators_source_id'), ['source_id'], unique=False)

    with op.batch_alter_table('crawl_source_stats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_modified', sa.Integer(), nullable=False, server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('crawl_source_stats', schema=None) as batch_op:
        batch_op.drop_column('not_modified')

    with op.batch_alter_table('page_validators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_validators_source_id'))

    op.drop_table('page_validators')
