"""Chinese numerals and dates as the bulletin prints them."""

from __future__ import annotations

from datetime import date

_DIGITS = "〇一二三四五六七八九"


def chinese_digits(number: int) -> str:
    """``296 -> 二九六``, ``1005 -> 一〇〇五``: read digit by digit, as issue numbers are."""
    if number < 0:
        raise ValueError(f"no Chinese digits for a negative number: {number}")
    return "".join(_DIGITS[int(digit)] for digit in str(number))


def issue_label(number: int) -> str:
    """``296 -> （第二九六期）``."""
    if number < 1:
        raise ValueError(f"an issue number starts at 1, not {number}")
    return f"（第{chinese_digits(number)}期）"


def chinese_date(day: date) -> str:
    """``2018年4月27日`` (no zero padding), the form of the issue date and the period."""
    return f"{day.year}年{day.month}月{day.day}日"


def dash_date(day: date) -> str:
    """``2018-4-23`` (no zero padding), the form after each item's media."""
    return f"{day.year}-{day.month}-{day.day}"
