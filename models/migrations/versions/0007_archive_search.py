"""archive search: articles as words, with SQLite FTS5 or a PostgreSQL full-text index over them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa
import models.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SQLITE_FTS = [
    # External content: the words live once, in article_words; the triggers keep the index in step.
    "CREATE VIRTUAL TABLE article_fts USING fts5(words, content='article_words', content_rowid='article_id', tokenize='unicode61')",
    "CREATE TRIGGER article_fts_insert AFTER INSERT ON article_words BEGIN "
    "INSERT INTO article_fts(rowid, words) VALUES (new.article_id, new.words); END",
    "CREATE TRIGGER article_fts_delete AFTER DELETE ON article_words BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, words) VALUES ('delete', old.article_id, old.words); END",
    "CREATE TRIGGER article_fts_update AFTER UPDATE ON article_words BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, words) VALUES ('delete', old.article_id, old.words); "
    "INSERT INTO article_fts(rowid, words) VALUES (new.article_id, new.words); END",
]
POSTGRES_FTS = ["CREATE INDEX article_fts_gin ON article_words USING gin (to_tsvector('simple', words))"]


def upgrade() -> None:
    op.create_table('article_words',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('indexed_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_words_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_article_words'))
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == 'sqlite' else POSTGRES_FTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER IF EXISTS article_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS article_fts")
    else:
        op.execute("DROP INDEX IF EXISTS article_fts_gin")
    op.drop_table('article_words')
