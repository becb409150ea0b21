from __future__ import annotations

from click.testing import CliRunner, Result
from sqlalchemy import select

from hitmon.cli import cli
from models.db import make_engine, session_factory, session_scope
from models.schema import User


def run(db_url: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, *args], input=input, catch_exceptions=False)


def stored(db_url: str) -> dict[str, tuple[str, str]]:
    engine = make_engine(db_url)
    try:
        with session_scope(session_factory(engine)) as session:
            return {u.username: (u.role, u.password_hash) for u in session.scalars(select(User))}
    finally:
        engine.dispose()


def test_users_add_passwd_and_list(sqlite_url: str) -> None:
    run(sqlite_url, "db", "upgrade")
    added = run(
        sqlite_url, "users", "add", "lihua", "--role", "admin", "--password-stdin", input="long enough pw\n"
    )
    assert added.exit_code == 0 and "added lihua (admin)" in added.output
    prompted = run(sqlite_url, "users", "add", "wang", input="another secret\nanother secret\n")
    assert prompted.exit_code == 0, prompted.output
    role, first_hash = stored(sqlite_url)["lihua"]
    assert role == "admin" and first_hash.startswith("$argon2id$") and "long enough" not in first_hash
    assert run(sqlite_url, "users", "list").output.splitlines() == [
        "lihua\tadmin\tactive",
        "wang\teditor\tactive",
    ]
    changed = run(sqlite_url, "users", "passwd", "lihua", "--password-stdin", input="a new password\n")
    assert changed.exit_code == 0 and stored(sqlite_url)["lihua"][1] != first_hash


def test_users_refuses_short_passwords_duplicates_and_unknown_users(sqlite_url: str) -> None:
    run(sqlite_url, "db", "upgrade")
    short = run(sqlite_url, "users", "add", "lihua", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.stderr
    run(sqlite_url, "users", "add", "lihua", "--password-stdin", input="long enough pw\n")
    again = run(sqlite_url, "users", "add", "lihua", "--password-stdin", input="long enough pw\n")
    assert again.exit_code == 1 and "exists" in again.stderr
    mismatch = run(sqlite_url, "users", "add", "wang", input="another secret\ndifferent one\n" * 3)
    assert mismatch.exit_code != 0 and "wang" not in stored(sqlite_url)
    unknown = run(sqlite_url, "users", "passwd", "nobody", "--password-stdin", input="long enough pw\n")
    assert unknown.exit_code == 1 and "no user 'nobody'" in unknown.stderr


def test_serve_refuses_a_database_that_is_not_ready(sqlite_url: str) -> None:
    result = run(sqlite_url, "serve", "--port", "8765")
    assert result.exit_code == 1 and "hitmon db upgrade" in result.stderr
