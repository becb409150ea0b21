"""the editor's desk: review versions (optimistic concurrency), pasted links pinned to a week, server-side
web sessions, issue exports

Revision ID: 0006
Revises: 0005 (0005 is kept free for the job-run-owner migration; chain after it when it lands)
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa
import models.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('week', sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f('ix_reviews_week'), ['week'], unique=False)

    op.create_table('web_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('draft', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_username'), ['username'], unique=False)

    op.create_table('issue_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], name=op.f('fk_issue_exports_issue_id_issues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issue_exports'))
    )
    with op.batch_alter_table('issue_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issue_exports_issue_id'), ['issue_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('issue_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issue_exports_issue_id'))
    op.drop_table('issue_exports')

    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_username'))
    op.drop_table('web_sessions')

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_week'))
        batch_op.drop_column('week')
        batch_op.drop_column('version')
