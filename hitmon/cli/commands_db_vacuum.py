"""``hitmon db vacuum``: the weekly maintenance on demand, saying what it freed."""

from __future__ import annotations

import click

from hitmon.cli.app import App, pass_app, user_errors


@click.command("vacuum")
@click.option(
    "--raw-html-days",
    type=click.IntRange(min=1),
    help="Drop the raw HTML of articles fetched over this many days ago (default: retention.raw_html_days).",
)
@pass_app
@user_errors
def db_vacuum(app: App, raw_html_days: int | None) -> None:
    """Prune old raw pages (when a retention is set), then VACUUM/ANALYZE; print what was freed.

    The extracted text, fields, reviews and issues of every article stay; only the stored page, kept for
    `hitmon reextract`, goes. Run it when no crawl is running (SQLite's VACUUM needs the file to itself).

    \b
    Example:
      hitmon db vacuum --raw-html-days 365
    """
    from scheduler.maintenance import maintain_database  # the same care as the weekly maintenance job

    app.sessions()  # a database that exists and is migrated, or a clear error
    days = raw_html_days or app.settings.retention.raw_html_days
    click.echo(maintain_database(app.engine, days))
