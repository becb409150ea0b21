from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipeline.weeks import IsoWeek, current_week, local_date, local_midnight_utc


def test_parse_and_days() -> None:
    week = IsoWeek.parse("2018-W17")
    assert (week.monday, week.friday, week.day(7)) == (
        date(2018, 4, 23),
        date(2018, 4, 27),
        date(2018, 4, 29),
    )
    assert str(week) == "2018-W17" and str(IsoWeek.parse("2018W7")) == "2018-W07"
    assert str(week.previous()) == "2018-W16"
    assert str(IsoWeek.parse("2021-W01").previous()) == "2020-W53"


@pytest.mark.parametrize("text", ["2018-17", "W17", "2018-W54", "2019-W53", ""])
def test_bad_weeks(text: str) -> None:
    with pytest.raises(ValueError):
        IsoWeek.parse(text)


def test_local_time_of_shanghai() -> None:
    assert local_midnight_utc(date(2018, 4, 23), "Asia/Shanghai") == datetime(2018, 4, 22, 16, tzinfo=UTC)
    assert local_date(datetime(2018, 4, 22, 17, tzinfo=UTC), "Asia/Shanghai") == date(2018, 4, 23)
    assert str(current_week("Asia/Shanghai", datetime(2018, 4, 29, 17, tzinfo=UTC))) == "2018-W18"
