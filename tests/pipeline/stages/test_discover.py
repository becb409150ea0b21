from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from pipeline.stages.discover import article_links, next_page_url, parse_feed, parse_sitemap

COLUMN = """<html><body>
<div class="nav"><a href="/wsjkw/">首页</a><a href="/wsjkw/xxgk/">信息公开</a>
<a href="/wsjkw/zwgk/index.shtml">政务</a></div>
<ul>
 <li><a href="./201804/t20180423_123456.shtml">省卫健委召开全省卫生信息化工作会议</a>2018-04-23</li>
 <li><a href="./201804/t20180420_123400.shtml">全民健康信息平台实现省市县三级互联</a>2018-04-20</li>
 <li><a href="./201804/t20180423_123456.shtml#top">省卫健委召开全省卫生信息化工作会议</a>2018-04-23</li>
 <li><a href="http://other.example/2018-04/23/c_1122.htm">外站转载的一篇医院信息化报道</a>2018-04-23</li>
 <li><a href="/2018-04/23/c_1122.htm">新华社电：互联网医院建设加快推进</a>2018-04-23</li>
 <li><a href="/hit/31078.html">电子病历系统应用水平分级评价启动</a>2018-04-22</li>
 <li><a href="/news/202507/3f2a9c1d8e7b6a5f4e3d.shtml">远程医疗服务网络覆盖全部乡镇卫生院</a>2018-04-21</li>
 <li><a href="javascript:void(0)">省卫健委召开全省卫生信息化工作会议</a>2018-04-21</li>
</ul>
<script>createPageHTML(3, 0, "index", "shtml");</script>
<div class="footer"><a href="/wsjkw/wzdt.shtml">网站地图</a><a href="/lxwm/index.html">联系我们</a></div>
</body></html>"""
BASE = "http://127.0.0.1:8000/wsjkw/xxgk/gzdt/index.shtml"


def test_the_main_list_is_found_without_a_pattern_and_other_sites_are_left_out() -> None:
    assert article_links(COLUMN, BASE) == [
        "http://127.0.0.1:8000/wsjkw/xxgk/gzdt/201804/t20180423_123456.shtml",
        "http://127.0.0.1:8000/wsjkw/xxgk/gzdt/201804/t20180420_123400.shtml",
        "http://127.0.0.1:8000/2018-04/23/c_1122.htm",
        "http://127.0.0.1:8000/hit/31078.html",
        "http://127.0.0.1:8000/news/202507/3f2a9c1d8e7b6a5f4e3d.shtml",
    ]


def test_link_pattern_decides_when_given() -> None:
    assert article_links(COLUMN, BASE, r"/\d+\.html$") == ["http://127.0.0.1:8000/hit/31078.html"]


def test_trs_pagination_script_numbers_pages_and_stops() -> None:
    assert next_page_url(COLUMN, BASE, 1) == "http://127.0.0.1:8000/wsjkw/xxgk/gzdt/index_1.shtml"
    page_two = COLUMN.replace("createPageHTML(3, 0,", "createPageHTML(3, 1,")
    assert next_page_url(page_two, BASE, 2) == "http://127.0.0.1:8000/wsjkw/xxgk/gzdt/index_2.shtml"
    last = COLUMN.replace("createPageHTML(3, 0,", "createPageHTML(3, 2,")
    assert next_page_url(last, BASE, 3) is None


def test_next_link_text() -> None:
    html = '<a href="/hit/">上一页</a> <a href="/hit/page/3/">下一页</a>'
    assert next_page_url(html, "http://h/hit/page/2/", 2) == "http://h/hit/page/3/"
    assert next_page_url('<a href="/hit/page/2/">首页</a>', "http://h/hit/page/2/", 2) is None


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>健康信息化前沿</title>
<entry><title>互联网医院上线</title><link href="http://127.0.0.1:8000/wechat/s/abc.html"/>
<published>2018-04-23T02:00:00Z</published><summary>摘要</summary></entry>
<entry><title>无链接</title></entry>
</feed>"""
RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>数字医院观察</title>
<item><title>电子病历评级</title><link>/wechat/s/def.html</link><author>编辑部</author>
<pubDate>Mon, 23 Apr 2018 10:00:00 +0800</pubDate><description>全文</description></item></channel></rss>"""


def test_atom_feed() -> None:
    feed = parse_feed(ATOM.encode(), "http://127.0.0.1:8000/wechat/feeds/a.atom")
    assert feed.title == "健康信息化前沿"
    (entry,) = feed.entries
    assert (entry.link, entry.title, entry.author) == (
        "http://127.0.0.1:8000/wechat/s/abc.html",
        "互联网医院上线",
        "健康信息化前沿",
    )
    assert entry.published == datetime(2018, 4, 23, 2, tzinfo=UTC)


def test_rss_feed_with_relative_links() -> None:
    (entry,) = parse_feed(RSS.encode(), "http://127.0.0.1:8000/wechat/feeds/b.rss").entries
    assert entry.link == "http://127.0.0.1:8000/wechat/s/def.html"
    assert (entry.author, entry.content) == ("编辑部", "全文")
    assert entry.published == datetime(2018, 4, 23, 2, tzinfo=UTC)


def test_json_feed() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "账号",
            "items": [
                {
                    "id": "1",
                    "url": "http://h/s/1.html",
                    "title": "标题",
                    "content_html": "<p>正文</p>",
                    "date_published": "2018-04-23T10:00:00+08:00",
                }
            ],
        }
    ).encode()
    (entry,) = parse_feed(body, "http://h/feed.json").entries
    assert (entry.link, entry.author, entry.content) == ("http://h/s/1.html", "账号", "<p>正文</p>")
    assert entry.published == datetime(2018, 4, 23, 2, tzinfo=UTC)


@pytest.mark.parametrize("body", [b"<html><body>not a feed</body></html>", b'{"no": 1}', b"\x00\x01\x02"])
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_feed(body, "http://h/feed")


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://h/a/31078.html</loc><news:news><news:publication_date>2018-04-24T09:30:00+08:00</news:publication_date>
<news:title>\xe5\x8c\xbb\xe7\x96\x97\xe5\xa4\xa7\xe6\x95\xb0\xe6\x8d\xae</news:title></news:news></url>
<url><loc>/a/31079.html</loc><lastmod>2018-04-25</lastmod></url>
</urlset>"""
INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://h/sitemap-1.xml</loc></sitemap><sitemap><loc>/sitemap-2.xml.gz</loc></sitemap></sitemapindex>"""


def test_news_sitemap() -> None:
    first, second = parse_sitemap(SITEMAP, "http://h/sitemap.xml").pages
    assert (first.link, first.title, first.published) == (
        "http://h/a/31078.html",
        "医疗大数据",
        datetime(2018, 4, 24, 1, 30, tzinfo=UTC),
    )
    assert (second.link, second.published) == ("http://h/a/31079.html", datetime(2018, 4, 25, tzinfo=UTC))


def test_sitemap_index_and_gzip() -> None:
    index = parse_sitemap(gzip.compress(INDEX), "http://h/sitemap.xml")
    assert index.sitemaps == ("http://h/sitemap-1.xml", "http://h/sitemap-2.xml.gz") and index.pages == ()


@pytest.mark.parametrize("body", [b"<html><body/></html>", b"not xml at all", b"\x1f\x8bbroken"])
def test_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_sitemap(body, "http://h/sitemap.xml")
