"""The list finder on the project's listing fixtures (tests/fixtures/listings): each reproduces one shape
real sites have, in full page chrome (nav bars, carousels, hot lists, tags, friend links, footers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.stages.discover import listing_links

LISTINGS = Path(__file__).parents[3] / "fixtures" / "listings"
EXPECTED = json.loads((LISTINGS / "expected.json").read_text(encoding="utf-8"))
PAGES = sorted(name for name, want in EXPECTED.items() if "main_list" in want)


def found(name: str, **options: object) -> list[str]:
    html = (LISTINGS / f"{name}.html").read_text(encoding="utf-8")
    return [url for url, _ in listing_links(html, EXPECTED[name]["url"], **options).kept]  # type: ignore[arg-type]


@pytest.mark.parametrize("name", PAGES)
def test_the_main_list_is_found_whole_and_alone_without_a_link_pattern(name: str) -> None:
    assert found(name) == EXPECTED[name]["main_list"]


def test_wechat_articles_and_sibling_subdomains_of_a_mixed_column_are_followed() -> None:
    links = found("wjw_mixed_column")
    assert sum("mp.weixin.qq.com/s/" in url for url in links) == 11
    assert sum(url.startswith("http://www.sc.gov.cn/") for url in links) == 2


def test_photo_galleries_and_videos_inside_the_list_are_left_out_with_the_reason() -> None:
    html = (LISTINGS / "netease_column.html").read_text(encoding="utf-8")
    result = listing_links(html, EXPECTED["netease_column"]["url"])
    reasons = dict(result.left_out)
    galleries = [url for url in reasons if "/photoview/" in url]
    assert len(galleries) == 2 and all(reasons[url] == "photo gallery" for url in galleries)
    qq = listing_links(
        (LISTINGS / "qq_column.html").read_text(encoding="utf-8"), EXPECTED["qq_column"]["url"]
    )
    assert any(url.startswith("https://v.qq.com/") for url, _ in qq.left_out)


def test_sidebars_carousels_tags_and_comment_links_are_not_the_list() -> None:
    html = (LISTINGS / "wjw_mixed_column.html").read_text(encoding="utf-8")
    reasons = dict(listing_links(html, EXPECTED["wjw_mixed_column"]["url"]).left_out)
    carousel = [why for url, why in reasons.items() if "/gzdt/2020/7/" in url]
    assert carousel and all(why.startswith("outside the main list") for why in carousel)
    portal = (LISTINGS / "portal_v2_detail.html").read_text(encoding="utf-8")
    left = dict(listing_links(portal, EXPECTED["portal_v2_detail"]["url"]).left_out)
    assert "not its list item's headline" in left["https://www.hitnews.com.cn/v2/tag/3"]


def test_link_pattern_overrides_the_list_finder() -> None:
    links = found("trs_multi_block", link_pattern=r"/s\d/202006/")
    assert len(links) == 8 and all("/202006/" in url for url in links)


def test_other_hosts_only_where_the_source_allows_them() -> None:
    html = (
        """<ul>"""
        + "".join(
            f'<li><a href="http://{host}/2020/0702/{n}.html">医院信息化推进会第{n}期</a> 2020-07-02</li>'
            for n, host in enumerate(["www.hit.org.cn", "www.cn-healthcare.com", "www.hit.org.cn"] * 3)
        )
        + "</ul>"
    )
    assert found_links(html, ()) == [url for url in _urls(html) if "hit.org.cn" in url]
    assert found_links(html, ("cn-healthcare.com",)) == _urls(html)


def found_links(html: str, allow: tuple[str, ...]) -> list[str]:
    return [url for url, _ in listing_links(html, "http://news.hit.org.cn/list/", allow_domains=allow).kept]


def _urls(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('href="')[1:]]


def test_hanweb_records_inside_a_script_datastore_are_read() -> None:
    records = "".join(
        f'<record><![CDATA[<li><a href="/art/2020/7/{n}/art_1229_{5000 + n}.html" title="t">'
        f"省卫生健康委召开信息化工作推进会第{n}次</a><span>2020-07-{n:02d}</span></li>]]></record>"
        for n in range(1, 16)
    )
    html = (
        '<html><body><div class="nav"><a href="/col/col1/index.html">首页</a></div><div id="div1229">'
        f'<script type="text/xml"><datastore><recordset>{records}</recordset></datastore></script>'
        "</div></body></html>"
    )
    links = [url for url, _ in listing_links(html, "http://wsjkw.zj.gov.cn/col/col1229/index.html").kept]
    assert len(links) == 15 and links[0] == "http://wsjkw.zj.gov.cn/art/2020/7/1/art_1229_5001.html"


HOSTILE = "".join(
    f'<li><a href="{href}">关于做好全省卫生健康信息化统计工作的通知{n}</a><span>2020-07-02</span></li>'
    for n, href in enumerate(
        [
            "/a/t20200702_1.html",
            "file:///etc/passwd",
            "data:text/html,<b>x</b>",
            "javascript:alert(1)",
            "http://wsjkw.example.gov.cn:99999/a/t20200702_2.html",
            "http://wsjkw.example.gov.cn:0/a/t20200702_3.html",
            "/a/t20200702_4.html",
            "http://wsjkw.example.gov.cn/a/t2020 0702_5.html",
            "/a/t20200702_6.html",
        ]
    )
)


def test_no_unfetchable_link_comes_out_and_one_bad_link_never_drops_the_later_ones() -> None:
    result = listing_links(f"<ul>{HOSTILE}</ul>", "http://wsjkw.example.gov.cn/a/index.html")
    assert [url for url, _ in result.kept] == [
        "http://wsjkw.example.gov.cn/a/t20200702_1.html",
        "http://wsjkw.example.gov.cn/a/t20200702_4.html",
        "http://wsjkw.example.gov.cn/a/t20200702_6.html",
    ]
    reasons = " ".join(why for _, why in result.left_out)
    assert "file:" in reasons and "data:" in reasons and "javascript:" in reasons and "port" in reasons


def test_links_per_page_are_bounded_and_the_cut_is_reported() -> None:
    html = (
        "<ul>"
        + "".join(
            f'<li><a href="/a/t20200702_{n}.html">全省卫生健康信息化工作推进会第{n}次会议</a> 2020-07-02</li>'
            for n in range(50)
        )
        + "</ul>"
    )
    result = listing_links(html, "http://h.example.cn/a/", max_links=20)
    assert len(result.kept) == 20 and result.truncated
    assert not listing_links(html, "http://h.example.cn/a/", max_links=50).truncated


def test_broken_markup_gives_nothing_rather_than_an_error() -> None:
    assert listing_links("", "http://h.example.cn/").kept == ()
    assert listing_links("\x00\x01", "http://h.example.cn/").kept == ()


def test_a_page_of_endless_anchors_is_read_only_up_to_a_bound() -> None:
    html = "<div>" + '<a href="/x/t20200702_1.html">x</a>' * 5000 + "</div>"
    assert listing_links(html, "http://h.example.cn/a/", max_links=10).truncated


def test_the_list_headed_by_the_column_the_page_is_named_after_beats_a_longer_latest_list() -> None:
    def items(folder: str, text: str, count: int) -> str:
        return "".join(
            f'<li><a href="/{folder}/2020/7/{n}/a{n}.shtml">{text}第{n}条</a><i>2020-07-{n:02d}</i></li>'
            for n in range(1, count + 1)
        )

    html = (
        "<html><head><title>工作动态_四川省卫生健康委员会</title></head><body>"
        '<div class="l"><div class="t">工作动态</div>'
        f'<ul class="a">{items("gzdt", "省卫健委召开信息化会议", 8)}</ul></div>'
        '<div class="r"><div class="t">最新信息</div>'
        f'<ul class="b">{items("zxxx", "最新信息里的另一条新闻", 10)}</ul></div></body></html>'
    )
    links = [url for url, _ in listing_links(html, "http://wsjkw.sc.gov.cn/gzdt/index.shtml").kept]
    assert len(links) == 8 and all("/gzdt/" in url for url in links)


def test_a_page_without_a_list_gives_its_article_shaped_headlines_only() -> None:
    html = (
        '<div class="nav"><a href="/">首页</a><a href="/about/">关于</a></div>'
        '<p>今日要闻：<a href="/a/t20200702_1.html">全省卫生健康信息化工作推进会召开</a></p>'
        '<p><a href="/a/page.html">更多内容请点击这里查看全部信息</a></p>'
    )
    result = listing_links(html, "http://h.example.cn/a/")
    assert [url for url, _ in result.kept] == ["http://h.example.cn/a/t20200702_1.html"]
    assert "no list on the page" in result.kept[0][1]


def test_link_pattern_decides_hosts_and_shapes_too() -> None:
    html = (
        "<ul>"
        + "".join(
            f'<li><a href="http://photo.example.com/photoview/{n}.html">组图第{n}组医院信息化建设现场</a></li>'
            for n in range(3)
        )
        + "</ul>"
    )
    links = [url for url, _ in listing_links(html, "http://h.example.cn/", link_pattern="/photoview/").kept]
    assert len(links) == 3
