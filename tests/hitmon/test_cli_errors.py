"""The one place where errors become exit statuses (hitmon.cli.errors)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from hitmon.cli import cli
from hitmon.cli.errors import BAD_INPUT, FAILED, describe
from pipeline.errors import HitmonError, InputError


def raised(action) -> BaseException:  # type: ignore[no-untyped-def]
    try:
        action()
    except BaseException as exc:  # the point: catch whatever it raises
        return exc
    raise AssertionError("nothing was raised")


def test_each_kind_of_error_has_its_exit_status(tmp_path: Path) -> None:
    assert describe(InputError("h.toml", "bad", line=3, field="crawl.retries")) == (
        "h.toml:3: crawl.retries: bad",
        BAD_INPUT,
    )
    assert describe(HitmonError("no article with id 9")) == ("no article with id 9", FAILED)
    missing = raised(lambda: (tmp_path / "absent").read_bytes())
    assert describe(missing) == (f"No such file or directory: {tmp_path / 'absent'}", FAILED)
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        broken = raised(lambda: connection.execute(text("SELECT * FROM nowhere")))
    assert isinstance(broken, SQLAlchemyError)
    assert describe(broken) == ("database error: no such table: nowhere", FAILED)
    undecodable = raised(lambda: b"ok \xff".decode())
    assert describe(undecodable) == ("input is not UTF-8 text (byte 3: invalid start byte)", BAD_INPUT)


def test_an_error_nobody_foresaw_is_one_line_naming_where_it_was_raised() -> None:
    message, code = describe(raised(lambda: 1 / 0))
    assert code == FAILED
    assert message.startswith("unexpected ZeroDivisionError: division by zero (raised at test_cli_errors.py:")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "error: hitmon: No such option '--bogus'."),
        (["nothing-such"], "error: hitmon: No such command 'nothing-such'."),
        (
            ["runs", "--limit", "many"],
            "error: hitmon runs: Invalid value for '--limit': 'many' is not a valid integer",
        ),
    ],
)
def test_usage_errors_are_one_line_too(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args, prog_name="hitmon", catch_exceptions=False)
    assert result.exit_code == BAD_INPUT
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(message), result.stderr


def test_help_and_version_still_exit_0() -> None:
    assert CliRunner().invoke(cli, ["--version"]).exit_code == 0
    assert CliRunner().invoke(cli, ["export", "--help"]).exit_code == 0
