"""The ``hitmon`` command line: thin commands over library calls.

Each command's module is imported when that command runs or shows its help (``COMMANDS``, and the
subcommands other modules add to a group, in that group's ``lazy``): ``hitmon --help`` imports none of them,
and the settings load when a command first needs them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hitmon.cli.app import App, HitmonGroup
from hitmon.cli.lazy import Lazy

# name -> where the command is and its one-line help (the first sentence of its docstring; a test keeps
# them equal)
COMMANDS = {
    "candidates": Lazy(
        "hitmon.cli.commands_desk:candidates",
        "The week's ranked candidates: flagged stories, one row per story, reprints counted.",
    ),
    "crawl": Lazy(
        "hitmon.cli.commands_ops:crawl",
        "Crawl the enabled sources once; progress on stderr, a summary at the end.",
    ),
    "db": Lazy("hitmon.cli.commands_ops:db", "Create or migrate the database schema."),
    "demo": Lazy(
        "hitmon.cli.commands_ops:demo",
        "Offline end-to-end run: serve the bundled sample site on loopback, crawl it into a fresh SQLite "
        "file, flag, accept the top candidates and export the bulletin as .docx and .md.",
    ),
    "explain": Lazy(
        "hitmon.cli.commands_data:explain",
        "Why an article scored as it did: each term and rule, where, its contribution; the learned "
        "probability and the labelled or editor-decided items nearest to it.",
    ),
    "export": Lazy(
        "hitmon.cli.commands_desk:export",
        "Export the week's accepted items as the bulletin, and record the issue.",
    ),
    "extract": Lazy(
        "hitmon.cli.commands_data:extract",
        "Extract title, date, media, author and text from saved article pages.",
    ),
    "reextract": Lazy(
        "hitmon.cli.commands_data:reextract",
        "Re-run extraction and relevance over the stored raw HTML, updating the articles.",
    ),
    "relevance": Lazy(
        "hitmon.cli.commands_relevance:relevance", "The learned stage of relevance (see docs/rules.md)."
    ),
    "review": Lazy(
        "hitmon.cli.commands_desk:review", "Accept, reject, reset, edit and order the week's items."
    ),
    "runs": Lazy("hitmon.cli.commands_ops:runs", "Show the latest crawl runs and their per-source stats."),
    "schedule": Lazy(
        "hitmon.cli.commands_schedule:schedule",
        "Run the scheduler in the foreground: the nightly crawl, the Friday candidate digest and the weekly "
        "database maintenance, as set in [schedule] (see docs/operations.md).",
    ),
    "score": Lazy(
        "hitmon.cli.commands_data:score",
        "Relevance of JSONL lines {title, text, media} (stdin if no file), echoed with flagged, score, "
        "matched.",
    ),
    "serve": Lazy(
        "hitmon.cli.commands_web:serve",
        "Run the editor's web app (review, order, edit, preview and export the week's bulletin).",
    ),
    "sources": Lazy("hitmon.cli.commands_ops:sources", "Load and list the sources to crawl."),
    "users": Lazy("hitmon.cli.commands_web:users", "Manage who can sign in to the web app."),
    "worker": Lazy(
        "hitmon.cli.commands_distributed:worker",
        "Crawl from the shared Redis frontier into the database, alongside any number of other workers.",
    ),
}


@click.group(
    cls=HitmonGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--config", type=click.Path(path_type=Path), help="TOML config file (default: ./hitmon.toml if present)."
)
@click.option("--db", help="Database URL (also HITMON_DB); default sqlite:///hitmon.db.")
@click.version_option(package_name="hitmon")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, db: str | None) -> None:
    """hitmon: crawl, flag and review Chinese health-IT news, and export the weekly bulletin.

    \b
    Example:
      hitmon db upgrade && hitmon sources load sources.yaml && hitmon crawl
      hitmon candidates --week 2018-W17
      hitmon --db postgresql://postgres@127.0.0.1/test candidates
    """
    if ctx.resilient_parsing:
        return
    ctx.obj = App.loading(config, db=db)


def main() -> None:
    sys.exit(cli.main(prog_name="hitmon", standalone_mode=True))
