"""What every command shares: the settings loaded once at the entry point, the database, error handling."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from models.db import DatabaseError, make_engine, require_current_schema, session_factory, session_scope
from pipeline.config import Settings
from pipeline.errors import HitmonError, InputError
from pipeline.weeks import IsoWeek

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class App:
    settings: Settings
    config_file: Path | None = None  # handed on to the crawl process, which loads the same settings
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.db, busy_timeout=self.settings.db_busy_timeout)
        return self._engine

    def sessions(self) -> sessionmaker[Session]:
        """Sessions on a database that exists and is migrated; otherwise a clear error."""
        require_current_schema(self.engine)
        return session_factory(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.sessions()) as session:
            yield session


pass_app = click.make_pass_decorator(App)


class WeekType(click.ParamType):
    name = "WEEK"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> IsoWeek:
        if isinstance(value, IsoWeek):
            return value
        try:
            return IsoWeek.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


WEEK = WeekType()


def fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def user_errors(command: F) -> F:
    """Turn the errors meant for the user into one line on stderr and an exit status; no traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            fail(str(exc), 2)
        except (HitmonError, DatabaseError) as exc:
            fail(str(exc), getattr(exc, "exit_code", 1))
        except OperationalError as exc:
            if "locked" not in str(exc.orig):
                raise
            fail("the database stayed locked by another process past db_busy_timeout: try again", 75)

    return wrapper  # type: ignore[return-value]
