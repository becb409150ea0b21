"""The types of settings that need more than a bound: durations, time zones, text files, database URLs.

Each is checked when the settings load, so a bad value is reported with its file, line and field
(exit status 2) instead of failing later, deep in a crawl or a query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

MAX_TEXT_FILE_BYTES = 64 << 20  # the lexicon and rules files
MAX_SECONDS = 30 * 24 * 3600.0  # any duration setting: longer overflows timers, and is never meant
DATABASE_BACKENDS = ("sqlite", "postgresql")


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r} (e.g. Asia/Shanghai)") from None
    return name


def _text_file(path: Path) -> Path:
    """A lexicon or rules file that the relevance stage can read: an existing UTF-8 text file."""
    try:
        if not path.is_file():
            raise ValueError(f"{path} is not a file")
        if path.stat().st_size > MAX_TEXT_FILE_BYTES:
            raise ValueError(f"{path} is larger than {MAX_TEXT_FILE_BYTES >> 20} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"{path} is not UTF-8 text (line {line}, byte {exc.start})") from None
    if b"\0" in data:
        raise ValueError(f"{path} is not a text file (it holds NUL bytes)")
    return path


TimeZoneName = Annotated[str, AfterValidator(_time_zone)]
TextFile = Annotated[Path, AfterValidator(_text_file)]


def Seconds(default: float, *, positive: bool = False) -> Any:  # a Field: named like the type it makes
    """A duration in seconds: finite, not negative (or positive), at most MAX_SECONDS."""
    bound = {"gt": 0} if positive else {"ge": 0}
    return Field(default, le=MAX_SECONDS, **bound)


def _database_url(value: str) -> str:
    """An SQLite or PostgreSQL URL (the drivers hitmon installs); anything else fails here, not later."""
    try:
        backend = make_url(value).get_backend_name()
    except ArgumentError:
        raise ValueError("not a database URL (e.g. sqlite:///hitmon.db)") from None
    if backend not in DATABASE_BACKENDS:
        raise ValueError(f"{backend} is not supported: use sqlite:///FILE or postgresql://USER@HOST/NAME")
    return value


DatabaseUrl = Annotated[str, AfterValidator(_database_url)]
