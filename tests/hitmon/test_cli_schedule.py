from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import Engine

from hitmon.cli import cli
from hitmon.cli.app import App
from hitmon.cli.commands_schedule import sources_health
from pipeline.config import Settings
from tests.pipeline.factories import record, store


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_schedule_list_shows_jobs_and_last_runs(engine: Engine) -> None:
    runner = CliRunner()
    once = runner.invoke(cli, ["--db", url_of(engine), "schedule", "--once", "maintenance"])
    assert once.exit_code == 0, once.output
    listed = runner.invoke(cli, ["--db", url_of(engine), "schedule", "--list"])
    assert listed.exit_code == 0
    rows = {line.split("│")[1].strip(): line for line in listed.output.splitlines() if line.startswith("│")}
    assert set(rows) == {"crawl", "digest", "maintenance"}
    assert "0 2 * * *" in rows["crawl"] and "finished" in rows["maintenance"]


def test_schedule_refuses_a_database_that_is_not_ready(sqlite_url: str) -> None:
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "schedule", "--once", "crawl"])
    assert result.exit_code == 1 and "hitmon db upgrade" in result.output


def test_sources_health_lists_every_source_with_its_reason(engine: Engine) -> None:
    store(engine, record(1, 23))  # two sources, never crawled: new
    settings = Settings(db=url_of(engine))
    result = CliRunner().invoke(sources_health, ["--format", "json"], obj=App(settings))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["name"], r["health"], r["expect_new_within_days"]) for r in rows] == [
        ("江南省卫生健康委", "new", 7),
        ("HIT前哨网", "new", 7),
    ]
    table = CliRunner().invoke(sources_health, [], obj=App(settings))
    assert "江南省卫生健康委" in table.output and "7 days" in table.output
    assert "Example" in CliRunner().invoke(sources_health, ["--help"], obj=App(settings)).output
