"""archive search: a queue of the articles to (re)index, kept by triggers, so a search finds them
without comparing the whole archive with its words

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# An article joins the queue when stored, and again when fetched again or its title or text change;
# ``version`` moves on each time, so the search takes off only what it indexed (pipeline.desk.archive).
ENQUEUE = (
    "INSERT INTO article_words_queue (article_id, version) VALUES (new.id, 1) "
    "ON CONFLICT (article_id) DO UPDATE SET version = article_words_queue.version + 1"
)
CHANGED = (
    "old.fetched_at IS NOT new.fetched_at OR old.title IS NOT new.title OR old.text IS NOT new.text"
)
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER article_fts_queue_insert AFTER INSERT ON articles BEGIN {ENQUEUE}; END",
    f"CREATE TRIGGER article_fts_queue_update AFTER UPDATE OF fetched_at, title, text ON articles "
    f"WHEN {CHANGED} BEGIN {ENQUEUE}; END",
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION article_fts_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"{ENQUEUE.replace('new.', 'NEW.')}; RETURN NULL; END $$",
    "CREATE TRIGGER article_fts_queue_insert AFTER INSERT ON articles FOR EACH ROW "
    "EXECUTE FUNCTION article_fts_enqueue()",
    "CREATE TRIGGER article_fts_queue_update AFTER UPDATE OF fetched_at, title, text ON articles FOR EACH ROW "
    f"WHEN ({CHANGED.replace('IS NOT', 'IS DISTINCT FROM')}) EXECUTE FUNCTION article_fts_enqueue()",
]
# What the search compared on every call until now: articles without words or fetched again since.
BACKFILL = (
    "INSERT INTO article_words_queue (article_id, version) SELECT articles.id, 1 FROM articles "
    "LEFT JOIN article_words ON article_words.article_id = articles.id "
    "WHERE article_words.article_id IS NULL OR article_words.indexed_at < articles.fetched_at"
)


def upgrade() -> None:
    op.create_table('article_words_queue',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_words_queue_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_article_words_queue'))
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == 'sqlite' else POSTGRES_TRIGGERS:
        op.execute(statement)
    op.execute(BACKFILL)


def downgrade() -> None:
    for trigger in ('insert', 'update'):
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f"DROP TRIGGER IF EXISTS article_fts_queue_{trigger}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS article_fts_queue_{trigger} ON articles")
    if op.get_bind().dialect.name != 'sqlite':
        op.execute("DROP FUNCTION IF EXISTS article_fts_enqueue()")
    op.drop_table('article_words_queue')
