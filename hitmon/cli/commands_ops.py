"""Operator commands: db, sources, crawl, runs, demo."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from hitmon.cli.app import App, pass_app, user_errors
from hitmon.cli.lazy import Lazy, LazyGroup

# The database, the stores and rich load inside the commands that use them: `--help` needs none of them.


@click.group(
    cls=LazyGroup,
    lazy={
        "vacuum": Lazy(
            "hitmon.cli.commands_db_vacuum:db_vacuum",
            "Prune old raw pages (when a retention is set), then VACUUM/ANALYZE; print what was freed.",
        )
    },
)
def db() -> None:
    """Create or migrate the database schema.

    \b
    Example:
      hitmon --db postgresql://postgres@127.0.0.1/hitmon db upgrade
    """


@db.command("upgrade")
@pass_app
@user_errors
def db_upgrade(app: App) -> None:
    """Create the schema, or migrate it to the latest version (SQLite and PostgreSQL).

    \b
    Example:
      hitmon --db sqlite:///hitmon.db db upgrade
    """
    from models.db import upgrade_database

    upgrade_database(app.engine)
    click.echo(f"database ready: {app.engine.url.render_as_string(hide_password=True)}")


@click.group(
    cls=LazyGroup,
    lazy={
        "health": Lazy(
            "hitmon.cli.commands_schedule:sources_health",
            "Each source's health now: ok, blocked (an anti-bot challenge), failing (errors only), stale "
            "(nothing new for longer than its expect_new_within_days), or new (never crawled), with the "
            "reason.",
        ),
        "probe": Lazy(
            "hitmon.cli.commands_probe:sources_probe",
            "Fetch one listing page, feed or sitemap and show what a crawl would take: the article links "
            "found (and why), the links left out (and why), the next page, the feed entries.",
        ),
    },
)
def sources() -> None:
    """Load and list the sources to crawl.

    \b
    Example:
      hitmon sources load sources.yaml && hitmon sources list
    """


@sources.command("load")
@click.argument("file", type=click.Path(path_type=Path), required=False)
@pass_app
@user_errors
def sources_load(app: App, file: Path | None) -> None:
    """Add or update the sources of a sources file (see docs/configuration.md); without FILE, the
    `sources_file` setting's.

    The whole file is checked first: an error names the file, line and field, exits 2,
    and leaves the database untouched.

    \b
    Example:
      hitmon sources load sources.yaml
    """
    from pipeline.store.articles import save_sources
    from pipeline.store.sources import load_sources

    file = file or app.settings.sources_file
    if file is None:
        raise click.UsageError("name a sources file, or set sources_file in the config")
    specs = load_sources(file)
    with app.session() as session:
        result = save_sources(session, specs)
    click.echo(f"{len(result.added)} added, {len(result.updated)} updated")
    if result.not_in_file:
        click.echo(f"kept, not in this file: {', '.join(result.not_in_file)}")


@sources.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
@user_errors
def sources_list(app: App, fmt: str) -> None:
    """List the sources with their health.

    \b
    Example:
      hitmon sources list --format json
    """
    from rich.table import Table
    from sqlalchemy import select

    from crawler.console import terminal
    from models.schema import Source

    with app.session() as session:
        rows = list(session.scalars(select(Source).order_by(Source.id)))
        data = [
            {
                "name": s.name,
                "kind": s.kind,
                "url": s.url,
                "media": s.media,
                "enabled": s.enabled,
                "health": s.health,
                "health_reason": s.health_reason,
                **(s.options or {}),
            }
            for s in rows
        ]
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("name", "kind", "url", "media", "enabled", "health")
    for row in data:
        table.add_row(
            row["name"], row["kind"], row["url"], row["media"] or "", str(row["enabled"]), row["health"]
        )
    terminal().print(table)


@click.command()
@click.option("--source", "names", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    show_default=True,
    metavar="SECONDS",
    help="If another crawl (e.g. the nightly one) is running, wait this long for it before giving up.",
)
@click.option(
    "--distributed",
    is_flag=True,
    help="Seed the shared Redis frontier for `hitmon worker`s instead of crawling here.",
)
@click.option(
    "--wait-drained",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="With --distributed: wait this long for the workers to drain the frontier (0: seed and return).",
)
@pass_app
@user_errors
def crawl(app: App, names: tuple[str, ...], wait: float, distributed: bool, wait_drained: float) -> None:
    """Crawl the enabled sources once; progress on stderr, a summary at the end.

    One crawl runs at a time per database: during another, this exits with status 75 and says whose.
    A crawl stopped before it finished (SIGTERM, Ctrl-C, a full disk) exits with status 3; run it again
    and it resumes.

    \b
    Example:
      hitmon crawl
      hitmon crawl --source HIT前哨网 --source 江南省卫生健康委 --wait 600
      hitmon crawl --distributed --wait-drained 3600   # with `hitmon worker` running on other hosts
    """
    app.sessions()  # a clear error now if the database is missing or not migrated
    if distributed:
        _seed_distributed(app, names, wait_drained)
        return
    args = ["--trigger", "manual", "--wait", str(wait), *(f"--source={name}" for name in names)]
    if app.config_file is not None:
        args.append(f"--config={app.config_file}")
    # The crawl replaces this process (same pid, same terminal): its Twisted reactor gets a fresh process,
    # and its extraction workers do not re-import the CLI. The database URL goes by environment, not argv,
    # so that `ps` never shows a password.
    os.environ["HITMON_DB"] = app.settings.db
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "crawler", *args])


def _seed_distributed(app: App, names: tuple[str, ...], wait_drained: float) -> None:
    from crawler.distributed import crawl_distributed  # Redis and Scrapy load only for this mode

    report = crawl_distributed(app.settings, list(names) or None, wait=wait_drained)
    click.echo(report.describe(), err=True)
    if wait_drained and not report.drained:
        raise SystemExit(1)


@click.command()
@click.option("--limit", type=click.IntRange(1, 10_000), default=10, show_default=True)
@pass_app
@user_errors
def runs(app: App, limit: int) -> None:
    """Show the latest crawl runs and their per-source stats.

    \b
    Example:
      hitmon runs --limit 3
    """
    from rich.table import Table
    from sqlalchemy import select

    from crawler.console import terminal
    from hitmon.cli.show import local_time
    from models.schema import CrawlRun

    with app.session() as session:
        rows = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)))
        table = Table(
            "run", "started", "status", "source", "pages", "new", "updated", "dropped", "errors", "note"
        )
        for run in rows:
            started = local_time(run.started_at, app.settings.timezone)
            for stats in run.sources or []:
                note = stats.blocked_reason or stats.last_error or ""
                table.add_row(
                    str(run.id),
                    started,
                    run.status,
                    stats.source.name,
                    str(stats.pages),
                    str(stats.new_articles),
                    str(stats.updated_articles),
                    str(stats.dropped),
                    str(stats.errors),
                    note[:60],
                )
            if not run.sources:
                table.add_row(str(run.id), started, run.status, "", "", "", "", "", "", run.error or "")
    terminal().print(table)


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Output folder.",
)
@click.option(
    "--accept",
    "accept_count",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    help="How many top candidates to accept.",
)
@pass_app
@user_errors
def demo(app: App, out: Path, accept_count: int) -> None:
    """Offline end-to-end run: serve the bundled sample site on loopback, crawl it into a fresh
    SQLite file, flag, accept the top candidates and export the bulletin as .docx and .md.

    \b
    Example:
      hitmon demo --out demo-output
    """
    from hitmon.demo import run_demo

    result = run_demo(app.settings, out, accept_count)
    for line in result.report():
        click.echo(line)
