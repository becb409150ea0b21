"""ISO weeks (2018-W17) read in the editor's time zone: the unit of the weekly bulletin."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK_PATTERN = re.compile(r"(\d{4})-?W(\d{1,2})")


@dataclass(frozen=True, slots=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """``2018-W17`` (or ``2018W17``); raises ValueError with a readable message."""
        found = WEEK_PATTERN.fullmatch(text.strip())
        if not found:
            raise ValueError(f"not an ISO week: {text!r} (expected e.g. 2018-W17)")
        year, week = int(found.group(1)), int(found.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} has no week {week}") from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def day(self, weekday: int) -> date:
        """The date of ISO ``weekday`` (1 = Monday ... 7 = Sunday) in this week."""
        return date.fromisocalendar(self.year, self.week, weekday)

    @property
    def monday(self) -> date:
        return self.day(1)

    @property
    def friday(self) -> date:
        return self.day(5)

    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.monday - timedelta(days=7))


def local_midnight_utc(day: date, timezone: str) -> datetime:
    """The UTC instant at which ``day`` begins in ``timezone``."""
    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def current_week(timezone: str, now: datetime | None = None) -> IsoWeek:
    return IsoWeek.containing(local_date(now or datetime.now(UTC), timezone))
