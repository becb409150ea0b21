"""What every command shares: the settings loaded once at the entry point, the database, error handling.

Only click and the small kernel modules load here: the settings, SQLAlchemy and the migrations load when a
command first uses them, so that ``--help`` and the parsing of arguments start at once."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from hitmon.cli.errors import errors_to_exit_status
from hitmon.cli.errors import fail as fail  # re-exported: commands written before errors.py import it here
from hitmon.cli.lazy import LazyGroup
from pipeline.urls import url_problem
from pipeline.weeks import IsoWeek

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from pipeline.config import Settings

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """The settings and the database of one run. Given settings are used as they are; ``App.loading``
    loads them (config file, environment, flags) when a command first asks for them."""

    def __init__(
        self,
        settings: Settings | None = None,
        config_file: Path | None = None,  # handed on to the crawl process, which loads the same settings
        *,
        load: Callable[[], Settings] | None = None,
    ) -> None:
        if settings is None and load is None:
            raise TypeError("App needs settings or a way to load them")
        self._settings, self._load = settings, load
        self.config_file = config_file
        self._engine: Engine | None = None

    @classmethod
    def loading(cls, config_file: Path | None, *, db: str | None) -> App:
        def load() -> Settings:
            from pipeline.config import load_settings

            return load_settings(config_file, db=db)

        return cls(config_file=config_file, load=load)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            assert self._load is not None
            self._settings = self._load()
        return self._settings

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from models.db import make_engine

            self._engine = make_engine(self.settings.db, busy_timeout=self.settings.db_busy_timeout)
        return self._engine

    def sessions(self) -> sessionmaker[Session]:
        """Sessions on a database that exists and is migrated; otherwise a clear error."""
        from models.db import require_current_schema, session_factory

        require_current_schema(self.engine)
        return session_factory(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        from models.db import session_scope

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


class HitmonGroup(LazyGroup):
    """A command group whose parsing and commands end in ``errors_to_exit_status``: one line, no traceback."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with errors_to_exit_status():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with errors_to_exit_status():
            return super().invoke(ctx)
