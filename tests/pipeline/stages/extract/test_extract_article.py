"""extract_article on the sample page of each site family: every field the bulletin prints."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime

import pytest

from pipeline.errors import ChallengePage, DeletedArticle, NotAnArticle
from pipeline.stages.extract import extract_article

EXPECTED = {
    "trs_gov": {
        "url": "http://www.linjiang.gov.cn/art/2018/4/23/art_1201_88.html?from=list",
        "title": "市卫生健康委推进全民健康信息平台建设",
        "published_at": datetime(2018, 4, 23, 2, 0, tzinfo=UTC),
        "media": "临江市卫生健康委员会",
        "author": None,
        "canonical_url": "http://www.linjiang.gov.cn/art/2018/4/23/art_1201_88.html",
        "first_line": "4月20日，市卫生健康委召开全民健康信息平台建设推进会",
        "last_line": "会议还就“互联网+医疗健康”便民惠民服务",
        "absent": ["纠错", "责任编辑", "字号", "相关链接", "版权所有", "政务公开"],
    },
    "govcn_gazette": {
        "url": "http://www.gov.cn/zhengce/content/2018-04/28/content_5286645.htm",
        "title": "国务院办公厅关于促进“互联网+医疗健康”发展的意见",
        "published_at": datetime(2018, 4, 27, 16, 0, tzinfo=UTC),  # 发布日期 2018-04-28, not 成文日期
        "media": "国务院办公厅",
        "author": None,
        "canonical_url": None,
        "first_line": "各省、自治区、直辖市人民政府",
        "last_line": "2018年4月25日",
        "absent": ["国务院政策文件库", "索引号", "分享到", "责任编辑", "版权所有"],
    },
    "wechat": {
        "url": "https://mirror.example/wx/abc.html",
        "title": "三甲医院如何用数据中台打通200多个业务系统？",
        "published_at": datetime(2018, 4, 23, 2, 30, tzinfo=UTC),  # var ct = 1524450600
        "media": "健康信息化观察",
        "author": "陈晨",
        "canonical_url": "http://mp.weixin.qq.com/s?__biz=MzA5NzQ0MTIwMQ==&mid=2651234567&idx=1&sn=0a1b2c3d4e5f",
        "first_line": "近年来，某省人民医院陆续上线了HIS、LIS、PACS、EMR等200多个业务系统",
        "last_line": "下一步，医院计划在数据中台基础上建设专病数据库",
        "absent": ["功能介绍", "微信号", "扫一扫", "关注该公众号"],
    },
    "portal_comments": {
        "url": "http://health.people.com.cn/n1/2018/0424/c14739-29945123.html",
        "title": "电子病历系统应用水平分级评价结果公布",
        "published_at": datetime(2018, 4, 24, 0, 15, tzinfo=UTC),
        "media": "人民网－人民日报",
        "author": "张华",
        "canonical_url": None,
        "first_line": "本报北京4月23日电（记者张华）",
        "last_line": "专家指出，电子病历评级不仅是技术达标",
        "absent": ["网友评论", "排很久的队", "经费从哪里来", "相关新闻", "责编", "Copyright"],
    },
    "gbk_nocharset": {
        "url": "http://www.hnw.example/health/2005-08/16/content_1.htm",
        "title": "县医院远程会诊中心投入使用",
        "published_at": datetime(2005, 8, 16, 1, 30, tzinfo=UTC),
        "media": "南方日报",
        "author": "李青",
        "canonical_url": None,
        "first_line": "本报讯 昨日，县人民医院远程会诊中心正式投入使用",
        "last_line": "医院负责人表示",
        "absent": ["热点排行", "编辑：周敏", "版权所有", "论坛"],
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fields_of_each_site_family(name, fixture_bytes, make_record):
    expected = EXPECTED[name]
    record = extract_article(make_record(fixture_bytes(name), url=expected["url"]))
    assert record.title == expected["title"]
    assert record.published_at == expected["published_at"]
    assert record.media == expected["media"]
    assert record.author == expected["author"]
    assert record.canonical_url == expected["canonical_url"]
    lines = record.text.split("\n")
    assert lines[0].startswith(expected["first_line"])
    assert lines[-1].startswith(expected["last_line"])
    for furniture in expected["absent"]:
        assert furniture not in record.text


def test_published_at_is_aware_utc(fixture_bytes, make_record):
    record = extract_article(make_record(fixture_bytes("trs_gov")))
    assert record.published_at.utcoffset().total_seconds() == 0


def test_paragraphs_are_lines(fixture_bytes, make_record):
    # WeChat splits one paragraph over two <span>s inside a <section>: they stay one line.
    record = extract_article(make_record(fixture_bytes("wechat")))
    assert len(record.text.split("\n")) == 4
    assert "2016年起，医院信息中心着手建设数据中台，先用主数据管理" in record.text


def test_wrong_http_charset_is_overridden(fixture_bytes, make_record):
    for wrong in ("utf-8", "iso-8859-1", None):
        record = extract_article(make_record(fixture_bytes("gbk_nocharset"), http_encoding=wrong))
        assert record.title == "县医院远程会诊中心投入使用"


def test_other_fields_are_kept(fixture_bytes, make_record):
    record = make_record(fixture_bytes("trs_gov"), source_media="临江发布")
    assert extract_article(record).source_media == "临江发布"
    assert extract_article(record).source == "test"


@pytest.mark.parametrize(
    ("name", "error", "reason"),
    [
        ("challenge_js", ChallengePage, "JavaScript challenge"),
        ("wechat_verify", ChallengePage, "环境异常"),
        ("deleted", DeletedArticle, "该内容已被发布者删除"),
    ],
)
def test_pages_standing_in_for_an_article_are_dropped(name, error, reason, fixture_bytes, make_record):
    with pytest.raises(error) as raised:
        extract_article(make_record(fixture_bytes(name)))
    assert reason in str(raised.value)


def test_article_quoting_verification_words_is_kept(fixture_bytes, make_record):
    html = fixture_bytes("portal_comments").replace(
        "专家指出".encode(), "专家指出，部分系统登录时提示“环境异常，完成验证后即可继续访问”，".encode()
    )
    assert "环境异常" in extract_article(make_record(html)).text


def test_feed_content_stands_in_for_a_missing_body(make_record):
    html = b"<html><head><title>t</title></head><body><div id='app'></div></body></html>"
    content = "<p>医保电子凭证今日起在全国上线。</p><p>参保人可以通过手机完成挂号、就诊和结算。</p>"
    feed = {"title": "医保电子凭证全国上线", "author": "中国医疗保险", "content": content}
    record = extract_article(make_record(html, feed_entry=feed))
    assert record.text == "医保电子凭证今日起在全国上线。\n参保人可以通过手机完成挂号、就诊和结算。"
    assert record.title == "医保电子凭证全国上线"
    assert record.media == "中国医疗保险"


def test_configured_media_is_the_fallback(make_record):
    html = "<html><body><h1>标题很长的一篇文章在这里</h1>" + "<p>正文内容，足够长的一段文字。</p>" * 30
    record = extract_article(make_record(html.encode(), source_media="HIT专家网"))
    assert record.media == "HIT专家网"


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"   \n\t ",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"<html><head><title>x</title></head><body></body></html>",
        b"<html><body><ul><li><a href='/1'>one</a></li><li><a href='/2'>two</a></li></ul></body></html>",
        b"<?xml version='1.0' encoding='gbk'?><rss></rss>",
    ],
    ids=["empty", "blank", "png", "pdf", "no-body", "link-list", "xml"],
)
def test_no_article_raises_not_an_article(html, make_record):
    with pytest.raises(NotAnArticle) as raised:
        extract_article(make_record(html))
    assert str(raised.value)


def test_random_bytes_never_crash(make_record):
    generator = random.Random(4)
    for size in (1, 17, 4096, 100_000):
        with contextlib.suppress(NotAnArticle):
            extract_article(make_record(generator.randbytes(size)))


def test_broken_utf8_still_extracts(fixture_bytes, make_record):
    html = fixture_bytes("portal_comments").replace(
        "评价结果显示".encode(), b"\xff\xfe\xc3" + "评价结果显示".encode()
    )
    record = extract_article(make_record(html))
    assert record.title == "电子病历系统应用水平分级评价结果公布"
    assert "评价结果显示" in record.text


def test_twenty_megabyte_page_does_not_crash(make_record):
    paragraph = "<p>" + "医院信息化建设持续推进，数据互联互通水平不断提升。" * 20 + "</p>\n"
    html = (
        "<html><head><title>大页面</title></head><body><h1>一个非常大的页面标题</h1>" + paragraph * 20_000
    ).encode()
    assert len(html) > 20_000_000
    record = extract_article(make_record(html))
    assert record.title == "一个非常大的页面标题"
    assert record.text.startswith("医院信息化建设持续推进")


APRIL_30 = datetime(2018, 4, 30, tzinfo=UTC)  # 2018-04-30T08:00:00+08:00


def test_a_feed_item_dated_in_the_future_is_dated_by_its_fetch(make_record, fetched_at):
    content = "<p>医保电子凭证今日起在全国上线。</p><p>参保人可以通过手机完成挂号、就诊和结算。</p>"
    feed = {"title": "医保电子凭证全国上线", "content": content, "published": "2099-01-01T08:00:00+08:00"}
    assert extract_article(make_record(b"", feed_entry=feed)).published_at == fetched_at
    feed["published"] = "2018-04-30T08:00:00+08:00"
    assert extract_article(make_record(b"", feed_entry=feed)).published_at == datetime(
        2018, 4, 30, tzinfo=UTC
    )


def test_a_page_without_a_date_of_its_own_takes_the_feeds(make_record, fetched_at):
    html = (
        "<html><body><h1>一篇没有日期的文章标题</h1>" + "<p>正文内容，足够长的一段文字。</p>" * 10
    ).encode()
    feed = {"published": "2018-04-30T08:00:00+08:00"}
    assert extract_article(make_record(html, feed_entry=feed)).published_at == datetime(
        2018, 4, 30, tzinfo=UTC
    )
    feed["published"] = "2099-04-30T08:00:00+08:00"
    assert extract_article(make_record(html, feed_entry=feed)).published_at == fetched_at
