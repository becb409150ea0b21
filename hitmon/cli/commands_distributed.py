"""Distributed crawling: ``hitmon worker`` (``hitmon crawl --distributed`` seeds the shared frontier)."""

from __future__ import annotations

import os
import sys

import click

from hitmon.cli.app import App, pass_app, user_errors


@click.command()
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop once the frontier has been drained this long (default: distributed.idle_timeout).",
)
@click.option("--forever", is_flag=True, help="Never stop for being idle: run as a service (until SIGTERM).")
@pass_app
@user_errors
def worker(app: App, idle_timeout: float | None, forever: bool) -> None:
    """Crawl from the shared Redis frontier into the database, alongside any number of other workers.

    Each worker records what it did as a crawl run with trigger "worker" when it stops.

    \b
    Example:
      hitmon worker --idle-timeout 120          # on each crawl host
      hitmon crawl --distributed --wait-drained 3600
      hitmon worker --forever                   # as a systemd service
    """
    if forever and idle_timeout is not None:
        raise click.UsageError("--idle-timeout and --forever exclude each other")
    app.sessions()  # a clear error now if the database is missing or not migrated
    args = ["--forever"] if forever else ([f"--idle-timeout={idle_timeout}"] if idle_timeout else [])
    if app.config_file is not None:
        args.append(f"--config={app.config_file}")
    # As `hitmon crawl`: a fresh process for the reactor; the database URL by environment, never in argv.
    os.environ["HITMON_DB"] = app.settings.db
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "crawler.distributed_main", *args])
