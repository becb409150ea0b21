from datetime import date

import pytest

from pipeline.desk.export.numerals import chinese_date, chinese_digits, dash_date, issue_label


@pytest.mark.parametrize(
    ("number", "label"),
    [(1, "（第一期）"), (10, "（第一〇期）"), (296, "（第二九六期）"), (1005, "（第一〇〇五期）")],
)
def test_issue_label_reads_digit_by_digit(number, label):
    assert issue_label(number) == label


@pytest.mark.parametrize("number", [0, -3])
def test_issue_label_refuses_numbers_below_one(number):
    with pytest.raises(ValueError, match="issue number"):
        issue_label(number)


def test_chinese_digits_of_every_digit():
    assert chinese_digits(9876543210) == "九八七六五四三二一〇"


@pytest.mark.parametrize(
    ("day", "long", "short"),
    [
        (date(2018, 4, 27), "2018年4月27日", "2018-4-27"),
        (date(2018, 4, 3), "2018年4月3日", "2018-4-3"),
        (date(2019, 12, 31), "2019年12月31日", "2019-12-31"),
    ],
)
def test_dates_have_no_zero_padding(day, long, short):
    assert chinese_date(day) == long
    assert dash_date(day) == short
