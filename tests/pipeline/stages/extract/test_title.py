"""Title: a heading confirmed by the page's metadata, else the metadata title without site suffixes."""

from __future__ import annotations

import pytest

from pipeline.stages.extract.title import find_title, strip_site_suffix


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("关于开展智慧医院评价的通知_临江市人民政府网", "关于开展智慧医院评价的通知"),
        ("电子病历评级结果公布--健康·生活--人民网", "电子病历评级结果公布"),
        ("医院上线互联网诊疗|互联网医院|远程医疗_新浪新闻", "医院上线互联网诊疗"),
        ("区域卫生信息平台通过验收 - 某某省卫生健康委员会", "区域卫生信息平台通过验收"),
        ("四年前的一篇旧闻__商贸_产业资讯_新浪网", "四年前的一篇旧闻"),
        ("5G+医疗健康应用试点项目名单公布", "5G+医疗健康应用试点项目名单公布"),
        ("COVID-19 疫苗接种信息系统上线", "COVID-19 疫苗接种信息系统上线"),
    ],
)
def test_strip_site_suffix(title, expected):
    assert strip_site_suffix(title) == expected


def test_heading_confirmed_by_title_beats_logo_h1(page_of):
    page = page_of(
        "<html><head><title>全民健康信息平台建设提速_健康频道_某某网</title></head><body>"
        "<h1 class='logo'>某某网</h1><h1>全民健康信息平台建设提速</h1><h2>相关阅读</h2></body></html>"
    )
    assert find_title(page) == "全民健康信息平台建设提速"


def test_heading_with_a_dash_variant_of_the_title(page_of):
    # The <title> writes "-" where the heading has "——": compared on letters only, the heading wins.
    page = page_of(
        "<html><head><title>数字健康的一年-来自基层医院的报告-今日头条</title></head><body>"
        "<h1>数字健康的一年——来自基层医院的报告</h1></body></html>"
    )
    assert find_title(page) == "数字健康的一年——来自基层医院的报告"


def test_meta_article_title_with_markup(page_of):
    page = page_of(
        "<html><head><meta name='ArticleTitle'"
        " content='医共体信息化建设&lt;div&gt;——来自县域的实践&lt;/div&gt;'>"
        "<title>首页</title></head><body><p>x</p></body></html>"
    )
    assert find_title(page) == "医共体信息化建设——来自县域的实践"


def test_portal_title_loses_to_the_article_heading(page_of):
    # <title> names only the site: the first long <h1> is the article's.
    page = page_of(
        "<html><head><title>科普中国-辟谣</title></head><body>"
        "<h1>手机测血压靠谱吗？专家这样说</h1><p>正文</p></body></html>"
    )
    assert find_title(page) == "手机测血压靠谱吗？专家这样说"


def test_title_class_element_when_there_is_no_heading(page_of):
    page = page_of(
        "<html><head><title>北医新闻网_(新闻)</title></head><body><table><tr>"
        "<td class='column_title'>人物聚焦</td></tr><tr><td class='bt_title'>一位信息科主任的二十年</td></tr>"
        "</table></body></html>"
    )
    assert find_title(page) == "一位信息科主任的二十年"


def test_og_title_when_h1_has_extra_words(page_of):
    page = page_of(
        "<html><head><meta property='og:title' content='医保移动支付全面推开'>"
        "<title>医保移动支付全面推开_【快资讯】</title></head><body>"
        "<h1>医保移动支付全面推开播报文章</h1></body></html>"
    )
    assert find_title(page) == "医保移动支付全面推开"


def test_no_title_at_all(page_of):
    assert find_title(page_of("<html><body><p>正文</p></body></html>")) == ""
