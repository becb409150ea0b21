"""Canonical URL: what the page declares for itself, absolute, http(s) only."""

from __future__ import annotations

from pipeline.stages.extract.canonical import find_canonical

BASE = "http://www.example.gov.cn/art/2018/4/23/art_1.html?from=list"


def test_og_url_first(page_of):
    page = page_of(
        "<html><head><meta property='og:url' content='https://m.example.com/a/1'>"
        "<link rel='canonical' href='https://www.example.com/a/1'></head><body></body></html>"
    )
    assert find_canonical(page, BASE) == "https://m.example.com/a/1"


def test_relative_canonical_is_made_absolute(page_of):
    page = page_of(
        "<html><head><link rel='canonical' href='/art/2018/4/23/art_1.html'></head><body></body></html>"
    )
    assert find_canonical(page, BASE) == "http://www.example.gov.cn/art/2018/4/23/art_1.html"


def test_wechat_msg_link_is_unescaped(page_of):
    page = page_of(
        '<html><body><script>var msg_link = "http://mp.weixin.qq.com/s?__biz=MzA=\\x26amp;mid=1\\x26amp;idx=2#rd";'
        "</script></body></html>"
    )
    assert find_canonical(page, BASE) == "http://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=2#rd"


def test_non_http_declarations_are_ignored(page_of):
    page = page_of(
        "<html><head><meta property='og:url' content='javascript:void(0)'>"
        "<link rel='canonical' href='  '></head><body></body></html>"
    )
    assert find_canonical(page, BASE) is None


def test_nothing_declared(page_of):
    assert find_canonical(page_of("<html><body><p>x</p></body></html>"), BASE) is None
