"""The ``hitmon`` command line: thin commands over library calls."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hitmon.cli import (
    commands_data,
    commands_db_vacuum,
    commands_desk,
    commands_distributed,
    commands_ops,
    commands_probe,
    commands_relevance,
    commands_schedule,
    commands_web,
)
from hitmon.cli.app import App, HitmonGroup
from pipeline.config import load_settings


@click.group(
    cls=HitmonGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
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
    ctx.obj = App(load_settings(config, db=db), config_file=config)


for module in (
    commands_ops,
    commands_data,
    commands_desk,
    commands_schedule,
    commands_web,
    commands_distributed,
    commands_relevance,
):
    for command in module.COMMANDS:
        cli.add_command(command)
for command in commands_schedule.SOURCES_COMMANDS:  # `hitmon sources health`
    commands_ops.sources.add_command(command)
for command in commands_db_vacuum.DB_COMMANDS:  # `hitmon db vacuum`
    commands_ops.db.add_command(command)
for command in commands_probe.SOURCES_COMMANDS:  # `hitmon sources probe`
    commands_ops.sources.add_command(command)


def main() -> None:
    sys.exit(cli.main(prog_name="hitmon", standalone_mode=True))
