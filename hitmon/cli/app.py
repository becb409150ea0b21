"""What every command shares: the settings loaded once at the entry point, the database, error handling."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hitmon.cli.errors import errors_to_exit_status
from hitmon.cli.errors import fail as fail  # re-exported: commands written before errors.py import it here
from models.db import make_engine, require_current_schema, session_factory, session_scope
from pipeline.config import Settings
from pipeline.urls import url_problem
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
    """An ISO week between FIRST_YEAR and LAST_YEAR: beyond, dates and time zones overflow, and no
    bulletin was ever or will ever be made."""

    name = "WEEK"
    FIRST_YEAR, LAST_YEAR = 1900, 2999

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> IsoWeek:
        if isinstance(value, IsoWeek):
            return value
        try:
            week = IsoWeek.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if not self.FIRST_YEAR <= week.year <= self.LAST_YEAR:
            self.fail(f"{value}: weeks from {self.FIRST_YEAR} to {self.LAST_YEAR} only", param, ctx)
        return week


WEEK = WeekType()


class DayType(click.DateTime):
    """A date (YYYY-MM-DD) in the years a week may be in: beyond, time-zone arithmetic overflows."""

    name = "DAY"

    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        moment = super().convert(value, param, ctx)
        if not WeekType.FIRST_YEAR <= moment.year <= WeekType.LAST_YEAR:
            self.fail(f"{value}: days from {WeekType.FIRST_YEAR} to {WeekType.LAST_YEAR} only", param, ctx)
        return moment


class UrlType(click.ParamType):
    """A URL hitmon may fetch or print (pipeline.urls, the one URL policy)."""

    name = "URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        problem = url_problem(value)
        if problem:
            self.fail(f"{value!r}: {problem}", param, ctx)
        return str(value)


DAY = DayType()
URL = UrlType()
# Row ids are INTEGER columns: 32 bits on PostgreSQL (64 on SQLite); a larger id is no row, and the
# driver would fail on it rather than find nothing.
ROW_ID = click.IntRange(1, 2**31 - 1)
ISSUE_NUMBER = click.IntRange(1, 9999)  # 期号: printed in Chinese numerals, 第一期 to 第九九九九期


def user_errors(command: F) -> F:
    """The command's errors as one line and an exit status (also when a test invokes it on its own)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with errors_to_exit_status():
            return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class HitmonGroup(click.Group):
    """A command group whose parsing and commands end in ``errors_to_exit_status``: one line, no traceback."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with errors_to_exit_status():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with errors_to_exit_status():
            return super().invoke(ctx)
