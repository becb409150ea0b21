"""The one place where an error becomes a line on stderr and an exit status.

Exit statuses: 0 done, 1 the operation failed (the database, the disk, a bug), 2 bad input (a file, a
setting, an environment variable or an argument), 75 another crawl holds the lock or the database stayed
locked. Never a traceback: an error nobody foresaw still gives one line, naming its type and where it
was raised.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from models.errors import DatabaseError
from pipeline.errors import HitmonError

FAILED = 1
BAD_INPUT = 2
BUSY = 75  # EX_TEMPFAIL: another crawl holds the lock, or the database stayed locked


def fail(message: str, code: int = FAILED) -> None:
    click.echo(f"error: {_one_line(message)}", err=True)
    sys.exit(code)


@contextmanager
def errors_to_exit_status() -> Iterator[None]:
    """Run a command; turn what it raises into ``error: <one line>`` on stderr and its exit status."""
    try:
        yield
    except (click.exceptions.Exit, click.Abort, BrokenPipeError):
        raise  # --help, --version, ctx.exit(), Ctrl-C, `| head`: click's own handling is right
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "hitmon"
        fail(f"{where}: {exc.format_message()}", BAD_INPUT)
    except click.ClickException as exc:
        fail(exc.format_message(), exc.exit_code)
    except Exception as exc:
        fail(*describe(exc))


def describe(exc: BaseException) -> tuple[str, int]:
    """The message and exit status of an error raised by a command."""
    if isinstance(exc, HitmonError):  # InputError included: it names its file, line and field
        return str(exc), exc.exit_code
    if isinstance(exc, DatabaseError):
        return str(exc), FAILED
    # imported here: the CLI starts without SQLAlchemy, and only an error that may be its own needs it
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    if isinstance(exc, OperationalError) and "locked" in str(exc.orig):
        return "the database stayed locked by another process past db_busy_timeout: try again", BUSY
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {_first_line(getattr(exc, 'orig', None) or exc)}", FAILED
    if isinstance(exc, UnicodeDecodeError):  # a file or stream a command read is not UTF-8
        return f"input is not UTF-8 text (byte {exc.start}: {exc.reason})", BAD_INPUT
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or type(exc).__name__}{where}", FAILED
    if isinstance(exc, RecursionError):
        return "input nested too deeply to process", BAD_INPUT
    if isinstance(exc, MemoryError):
        return "out of memory", FAILED
    return f"unexpected {type(exc).__name__}: {_first_line(exc)} ({_raised_at(exc)})", FAILED


def _first_line(exc: object) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _one_line(message: str) -> str:
    return " ".join(part.strip() for part in message.strip().splitlines() if part.strip())


def _raised_at(exc: BaseException) -> str:
    """Where the error was raised (file:line), for a bug report without a traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "no traceback"
    last = frames[-1]
    return f"raised at {Path(last.filename).name}:{last.lineno}"
