"""The nightly service (``hitmon schedule``) and source health (``hitmon sources health``)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from hitmon.cli.app import App, pass_app, user_errors

# The scheduler, the database and rich load inside the commands that use them: `--help` needs none of them.

JOB_NAMES = ("crawl", "digest", "maintenance")  # scheduler.jobs.JOBS, which a test keeps equal


@click.command()
@click.option("--once", "job", type=click.Choice(JOB_NAMES), help="Run this job now, then exit.")
@click.option(
    "--list", "show_jobs", is_flag=True, help="Show the jobs with their last and next runs, then exit."
)
@pass_app
@user_errors
def schedule(app: App, job: str | None, show_jobs: bool) -> None:
    """Run the scheduler in the foreground: the nightly crawl, the Friday candidate digest and the
    weekly database maintenance, as set in [schedule] (see docs/operations.md).

    Logs go to stderr. SIGTERM or Ctrl-C stop it cleanly: a running crawl is ended and recorded
    as abandoned. A run missed while the machine was off runs at start-up when it is less than
    schedule.misfire_grace seconds late.

    \b
    Example:
      hitmon schedule
      hitmon schedule --list
      hitmon schedule --once crawl
      hitmon schedule --once digest
    """
    from scheduler.service import run_once, serve  # APScheduler loads only for this command

    app.sessions()  # a clear error now if the database is not ready
    if show_jobs:
        _print_jobs(app)
        return
    _log_to_stderr()
    config_file = _config_file()
    if job:
        raise SystemExit(run_once(app.settings, config_file, job))
    serve(app.settings, config_file)


BROWSER_HINT = (
    "Sources that need a browser: install Chromium (`apt-get install chromium`) or point browser.executable "
    "at it, then crawl again (docs/operations.md, The browser)."
)


@click.command("health")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
@user_errors
def sources_health(app: App, fmt: str) -> None:
    """Each source's health now: ok, blocked (an anti-bot challenge), failing (errors only), stale
    (nothing new for longer than its expect_new_within_days), or new (never crawled), with the reason.

    \b
    Example:
      hitmon sources health
      hitmon sources health --format json
    """
    from rich.table import Table

    from crawler.console import terminal
    from hitmon.cli.show import local_time
    from models.types import utcnow
    from pipeline.ops.health import assess_sources

    with app.session() as session:
        assessed = assess_sources(session, utcnow(), app.settings.schedule.expect_new_within_days)
    if fmt == "json":
        click.echo(json.dumps([a.as_json() for a in assessed], ensure_ascii=False, indent=2))
        return
    zone = app.settings.timezone
    table = Table("source", "health", "reason", "last crawled", "last new", "expect new within")
    for row in assessed:
        days = f"{row.expect_new_within_days} days" if row.expect_new_within_days else ""
        health = row.health if row.enabled else f"{row.health} (disabled)"
        last_crawled, last_new = local_time(row.last_crawled_at, zone), local_time(row.last_new_at, zone)
        table.add_row(row.name, health, row.reason or "", last_crawled, last_new, days)
    terminal().print(table)
    if any("needs a browser" in (row.reason or "") for row in assessed):
        click.echo(BROWSER_HINT)


def _print_jobs(app: App) -> None:
    from rich.table import Table

    from crawler.console import terminal
    from hitmon.cli.show import local_time
    from models.types import utcnow
    from scheduler.ledger import last_job_runs
    from scheduler.service import job_triggers, schedule_timezone

    zone = str(schedule_timezone(app.settings))
    with app.session() as session:
        last = last_job_runs(session)
    table = Table(
        "job", "when", "last run", "status", "next run", title=f"times in {zone}", title_justify="left"
    )
    now = utcnow()
    for name, trigger in job_triggers(app.settings).items():
        run = last.get(name)
        next_run = trigger.get_next_fire_time(None, now)
        table.add_row(
            name,
            getattr(app.settings.schedule, name),
            local_time(run.started_at, zone) if run else "",
            run.status if run else "",
            local_time(next_run, zone),
        )
    terminal().print(table)


def _config_file() -> Path | None:
    """The --config given to ``hitmon``: the crawl subprocess reads the same file."""
    return click.get_current_context().find_root().params.get("config")


def _log_to_stderr() -> None:
    """One line per event on stderr; under systemd the journal adds the time."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the schema check at start-up is not news
