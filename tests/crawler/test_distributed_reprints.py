"""Articles stored by distributed workers join reprint stories, as those of a local crawl do (issue 14.3:
``group_reprints`` ran only at the end of ``run_crawl``), and two workers ending together make one story
of a reprint, not two."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from hitmon.samplesite import load_sample_articles, serve_sample_site, sources_yaml
from models.db import make_engine, session_factory, session_scope
from models.schema import Article
from tests.crawler.test_distributed_crawl import (
    DRAIN_WAIT,
    environment,
    finish,
    hitmon_command,
    prepare,
    stored_articles,
    workers,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def stories_by_url(db_url: str) -> dict[str, int | None]:
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        found = {row.canonical_url: row.story_id for row in session.scalars(select(Article))}
    engine.dispose()
    return found


def test_articles_stored_by_workers_join_reprint_stories(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    env = environment(postgres_url, redis_url, redis_prefix)
    samples = {article.id: article for article in load_sample_articles()}
    reprints = [article for article in samples.values() if article.reprint_of]
    assert reprints
    with serve_sample_site() as site:
        prepare(env, sources_yaml(site.base_url), tmp_path)
        with workers(env, 2, tmp_path) as started:
            seeding = hitmon_command("crawl", "--distributed", "--wait-drained", str(DRAIN_WAIT))
            done = subprocess.run(seeding, env=env, capture_output=True, text=True, timeout=DRAIN_WAIT + 60)
            assert done.returncode == 0, done.stderr
            finish(started, tmp_path)  # each worker records its run and groups once idle
        base_url = site.base_url
    assert stored_articles(postgres_url) == (len(samples), len(samples))
    stories = stories_by_url(postgres_url)
    for reprint in reprints:
        copy = stories[reprint.canonical_url(base_url)]
        original = stories[samples[reprint.reprint_of].canonical_url(base_url)]
        assert copy is not None and copy == original, reprint.id
    grouped = {story for story in stories.values() if story is not None}
    assert len(grouped) == len({stories[samples[r.reprint_of].canonical_url(base_url)] for r in reprints})
