"""Next listing pages: pager links, TRS scripts, pagination plug-ins and javascript: page links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.stages.discover import find_next_page

LISTINGS = Path(__file__).parents[3] / "fixtures" / "listings"
EXPECTED = json.loads((LISTINGS / "expected.json").read_text(encoding="utf-8"))
PAGES = sorted(name for name, want in EXPECTED.items() if "main_list" in want)
COLUMN = "http://wsjkw.example.gov.cn/xwzx/gzdt/index.shtml"


@pytest.mark.parametrize("name", PAGES)
def test_every_fixture_pager_gives_the_next_page(name: str) -> None:
    html = (LISTINGS / f"{name}.html").read_text(encoding="utf-8")
    found = find_next_page(html, EXPECTED[name]["url"], 1)
    assert found.url == EXPECTED[name]["next_page"], found.how


def plugin(options: str, callback: str = "") -> str:
    return (
        '<div class="list"><ul><li><a href="./2020/7/2/a.shtml">省卫健委召开工作会</a></li></ul>'
        '<div id="pagination"></div></div>'
        f'<script>$("#pagination").pagination({{{options}{callback}}});</script>'
    )


def test_a_plugin_callback_template_is_followed_with_its_offset() -> None:
    html = plugin(
        "pageCount: 54, current: 1,", 'backFn: function(p){ location.href = "index_" + (p - 1) + ".shtml"; }'
    )
    assert find_next_page(html, COLUMN, 1).url == "http://wsjkw.example.gov.cn/xwzx/gzdt/index_1.shtml"
    assert find_next_page(html, COLUMN, 7).url == "http://wsjkw.example.gov.cn/xwzx/gzdt/index_7.shtml"


def test_the_page_count_of_a_plugin_stops_the_pager() -> None:
    html = plugin(
        "totalPage: 54, currentPage: 54,", 'callback: function(n){ location.href = "index_" + n + ".shtml"; }'
    )
    assert find_next_page(html, COLUMN, 54).url is None
    assert find_next_page(plugin('"countPage": "3",'), COLUMN, 3).url is None


def test_without_a_template_the_site_convention_beside_the_page_is_used() -> None:
    found = find_next_page(plugin("totalPage: 54,"), COLUMN, 1)
    assert found.url == "http://wsjkw.example.gov.cn/xwzx/gzdt/index_2.shtml"
    assert "convention" in found.how
    text_only = "<ul><li><a href='/a/1.html'>一则新闻标题在这里</a></li></ul><div>共 12 页 当前第 1 页</div>"
    assert find_next_page(text_only, "http://h.example.cn/news/list.html", 1).url == (
        "http://h.example.cn/news/list_2.html"
    )


def test_the_convention_of_another_numbered_link_is_followed() -> None:
    html = '<div class="page"><span>1</span><a href="list_3.html">4</a><a href="list_53.html">54</a></div>'
    assert (
        find_next_page(html, "http://h.example.cn/news/list.html", 1).url
        == "http://h.example.cn/news/list_1.html"
    )


def test_javascript_page_links_are_resolved_through_their_function() -> None:
    html = (
        '<script>function turnPage(n){ window.location = "news.aspx?classid=12&page=" + n; }</script>'
        '<div class="pager"><a href="javascript:turnPage(1)">首页</a><span>1</span>'
        '<a href="javascript:void(0)" onclick="turnPage(2)">2</a>'
        '<a href="javascript:turnPage(2)">下一页</a></div>'
    )
    found = find_next_page(html, "http://www.hospital.example.cn/news.aspx?classid=12", 1)
    assert found.url == "http://www.hospital.example.cn/news.aspx?classid=12&page=2"


def test_a_script_pager_that_cannot_be_resolved_is_reported() -> None:
    html = (
        '<div class="pager"><a href="javascript:loadPage(2)">下一页</a></div>'
        "<script>function loadPage(n){ $.post(api, {n: n}, render); }</script>"
    )
    found = find_next_page(html, "http://h.example.cn/col/", 1)
    assert found.url is None and found.problem and "loadPage" in found.problem


def test_six_argument_create_page_html_counts_from_one() -> None:
    html = "<script>createPageHTML('page_div', 7, 2, 'list_gzbd', 'shtml', 136);</script>"
    assert find_next_page(html, "http://www.nhc.gov.cn/xcs/yqtb/list_gzbd_2.shtml", 2).url == (
        "http://www.nhc.gov.cn/xcs/yqtb/list_gzbd_3.shtml"
    )
    last = "<script>createPageHTML('page_div', 7, 7, 'list_gzbd', 'shtml', 136);</script>"
    assert find_next_page(last, "http://www.nhc.gov.cn/xcs/yqtb/list_gzbd_7.shtml", 7).url is None


@pytest.mark.parametrize(
    "html",
    [
        '<a href="file:///etc/passwd">下一页</a>',
        '<a href="http://h.example.cn:99999/list_2.html">下一页</a>',
        "<script>createPageHTML(5, 0, 'javascript:alert(1)//', 'html');</script>",
    ],
)
def test_a_next_page_outside_the_url_policy_never_comes_out(html: str) -> None:
    found = find_next_page(html, "http://h.example.cn/list.html", 1)
    assert found.url is None or found.url.startswith("http://h.example.cn/")


def test_a_page_without_a_pager_has_no_next_page() -> None:
    found = find_next_page("<ul><li><a href='/a/1.html'>标题</a></li></ul>", "http://h.example.cn/", 1)
    assert found.url is None and found.problem is None


@pytest.mark.parametrize(
    "link",
    [
        """<a href="javascript:void(0)" onclick="javascript:goPage('2')">2</a>""",
        """<a href="#" onclick="return goPage(2);">下一页</a>""",
        """<a href="javascript:;" onclick="goPage(2)">[下一页]</a>""",
    ],
)
def test_onclick_pagers_and_templates_continuing_the_page_name(link: str) -> None:
    script = '<script>function goPage(p){ location.href = pageName + "_" + p + ".html"; }</script>'
    found = find_next_page(link + script, "http://h.example.cn/col/list.html", 1)
    assert found.url == "http://h.example.cn/col/list_2.html", found


def test_a_bracketed_next_link() -> None:
    html = '<div class="page"><a href="list_2.html">【下一页】</a></div>'
    assert (
        find_next_page(html, "http://h.example.cn/col/list.html", 1).url
        == "http://h.example.cn/col/list_2.html"
    )
