"""Publication time: the article's own line and metadata, in UTC, never after the fetch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.stages.extract.dates import find_published, parse_datetime

FETCHED = datetime(2018, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected", "has_time"),
    [
        ("2018-04-23 10:00", datetime(2018, 4, 23, 2, 0, tzinfo=UTC), True),
        ("2018年04月23日10:05", datetime(2018, 4, 23, 2, 5, tzinfo=UTC), True),
        ("2018年4月23日 10时05分", datetime(2018, 4, 23, 2, 5, tzinfo=UTC), True),
        ("2018/4/23", datetime(2018, 4, 22, 16, 0, tzinfo=UTC), False),
        ("2018.04.23 08:30:15", datetime(2018, 4, 23, 0, 30, 15, tzinfo=UTC), True),
        ("2018-04-23T10:00:00+08:00", datetime(2018, 4, 23, 2, 0, tzinfo=UTC), True),
        ("2018-04-23T02:00:00Z", datetime(2018, 4, 23, 2, 0, tzinfo=UTC), True),
        ("20180423", datetime(2018, 4, 22, 16, 0, tzinfo=UTC), False),
    ],
)
def test_parse_datetime_reads_shanghai_time(value, expected, has_time):
    assert parse_datetime(value) == (expected, has_time)


@pytest.mark.parametrize("value", ["", "2018-13-45", "阅读 1234", "2018-02-30 10:00"])
def test_parse_datetime_rejects_non_dates(value):
    assert parse_datetime(value) is None


def test_byline_under_title_beats_metadata(page_of):
    page = page_of(
        "<html><head><meta name='PubDate' content='2018-04-20'></head><body>"
        "<p>热点：2018-04-28 09:00 另一篇文章</p><h1>互联网医院试点启动</h1>"
        "<div>2018-04-23 10:15 来源：健康报</div><p>正文。</p></body></html>"
    )
    assert find_published(page, "", FETCHED, "互联网医院试点启动") == datetime(2018, 4, 23, 2, 15, tzinfo=UTC)


def test_metadata_date_gains_time_of_day_from_same_day_line(page_of):
    page = page_of(
        "<html><head><meta name='publishdate' content='2018-04-23'></head><body>"
        "<p>发布时间：2018年04月23日 16:40</p><p>正文。</p></body></html>"
    )
    assert find_published(page, "", FETCHED) == datetime(2018, 4, 23, 8, 40, tzinfo=UTC)


def test_wechat_ct_is_unix_seconds(page_of):
    page = page_of('<html><body><p>正文</p><script>var ct = "1524450600";</script></body></html>')
    assert find_published(page, "", FETCHED) == datetime(2018, 4, 23, 2, 30, tzinfo=UTC)


def test_json_ld_date_published(page_of):
    page = page_of(
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2018-04-23T10:00:00+08:00"}</script></head><body><p>x</p></body></html>'
    )
    assert find_published(page, "", FETCHED) == datetime(2018, 4, 23, 2, 0, tzinfo=UTC)


def test_dates_after_the_fetch_are_rejected(page_of):
    page = page_of("<html><body><p>发布时间：2030-01-01 10:00</p><p>日期：2018-04-20 09:00</p></body></html>")
    assert find_published(page, "", FETCHED) == datetime(2018, 4, 20, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.nhc.gov.cn/xxs/s7786/201804/t20180423_1.shtml", datetime(2018, 4, 22, 16, tzinfo=UTC)),
        ("http://health.people.com.cn/n1/2018/0423/c14739-1.html", datetime(2018, 4, 22, 16, tzinfo=UTC)),
        ("http://www.gov.cn/zhengce/2018-04/23/content_1.htm", datetime(2018, 4, 22, 16, tzinfo=UTC)),
        ("http://news.example/20180423/abc.html", datetime(2018, 4, 22, 16, tzinfo=UTC)),
    ],
)
def test_date_in_the_url_is_the_last_resort(url, expected, page_of):
    page = page_of("<html><body><p>没有日期的正文。</p></body></html>")
    assert find_published(page, url, FETCHED) == expected


def test_no_date_anywhere(page_of):
    assert (
        find_published(page_of("<html><body><p>正文</p></body></html>"), "http://a.example/x", FETCHED)
        is None
    )


def test_newer_wechat_create_time(page_of):
    page = page_of(
        "<html><body><p>正文</p><script>var d = {create_time: JsDecode('1524450600')};</script></body></html>"
    )
    assert find_published(page, "", FETCHED) == datetime(2018, 4, 23, 2, 30, tzinfo=UTC)


def test_naive_fetch_time_is_read_as_utc(page_of):
    page = page_of("<html><body><p>发布时间：2018-04-23 10:00</p></body></html>")
    assert find_published(page, "", datetime(2018, 4, 23, 1, 0)) is None  # 02:00 UTC is after 01:00 UTC
    assert find_published(page, "", datetime(2018, 4, 23, 3, 0)) == datetime(2018, 4, 23, 2, 0, tzinfo=UTC)
