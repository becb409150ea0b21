"""A fake clock that drives APScheduler, and a scheduler that runs due jobs only when a test ticks it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler


class FakeClock:
    """Replaces ``datetime.now`` where APScheduler reads the time (job due times, misfire checks)."""

    def __init__(self, start: datetime):
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def datetime_class(self) -> type[datetime]:
        clock = self

        class FakeDatetime(datetime):
            @classmethod
            def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
                return clock.current.astimezone(tz) if tz else clock.current.replace(tzinfo=None)

        return FakeDatetime


class TickScheduler(BaseScheduler):
    """Runs due jobs, in the calling thread, when the test calls ``tick``; never sleeps."""

    def __init__(self, **options: object):
        super().__init__(executors={"default": DebugExecutor()}, **options)

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def tick(self) -> None:
        self._process_jobs()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    import apscheduler.executors.base
    import apscheduler.schedulers.base

    fake = FakeClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))  # 20:00 in Shanghai
    for module in (apscheduler.schedulers.base, apscheduler.executors.base):
        monkeypatch.setattr(module, "datetime", fake.datetime_class())
    yield fake
