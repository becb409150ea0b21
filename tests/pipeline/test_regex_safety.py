from __future__ import annotations

import re

import pytest

from pipeline.regex_safety import MAX_PATTERN_LENGTH, regex_problem


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        (r"(a+)+$", "nested quantifiers"),
        (r"(a*)*b", "nested quantifiers"),
        (r"(\w+\s?)+$", "nested quantifiers"),
        (r"(?:\d{1,3}\.)+x", "nested quantifiers"),
        (r"(?=(a+)+)", "nested quantifiers"),
        (r"(a|ab)+c", "start alike"),
        (r"(?:x|)+y", "start alike"),
        (r"([", "not a regular expression"),
        ("a" * (MAX_PATTERN_LENGTH + 1), "longer than"),
    ],
)
def test_patterns_that_can_backtrack_for_ever_are_refused(pattern: str, problem: str) -> None:
    assert problem in (regex_problem(pattern) or "")


@pytest.mark.parametrize(
    ("pattern", "url"),
    [
        (r"/\d+\.html$", "http://www.hit180.com/31078.html"),
        (r"/t\d{8}_\d+\.s?html?$", "http://wsjkw.example.gov.cn/xwzx/t20180423_123456.shtml"),
        (r"/(?:art|article)/\d{4}/\d+", "http://a.example/art/2018/4"),
        (r"(?:\w++/)+\d+\.html", "http://a.example/news/2018/1.html"),  # possessive: never backtracks
        (r"(?>\w+/)+\d+\.html", "http://a.example/news/1.html"),  # atomic group
        (r"(\d{4}-)+x", "http://a.example/2018-2019-x"),  # a fixed-length repeat inside one is fine
    ],
)
def test_ordinary_link_patterns_pass(pattern: str, url: str) -> None:
    assert regex_problem(pattern) is None
    assert re.search(pattern, url)
