"""What URL shapes say: evidence the list finder weighs, and the shapes that are never articles."""

from __future__ import annotations

import pytest

from pipeline.stages.discover.urlshape import article_shape, non_article_shape

ARTICLES = [
    "http://www.nhc.gov.cn/guihuaxxs/gzdt/202007/t20200702_212345.shtml",
    "https://news.163.com/20/0816/22/FK6F0U6D0001899O.html",
    "https://www.hitnews.com.cn/v2/article/detail/3f2a9c1d8e7b6a5f4e3d2c1b.html",
    "http://wsjkw.hainan.gov.cn/contents/2020/7/2-3f2a9c1d8e7b6a5f4e3d2c1b0a998877.html",
    "http://www.news.cn/2023-12/01/c_1130001234.htm",
    "http://wsjkw.zj.gov.cn/art/2020/7/2/art_1229_5001.html",
    "https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv",
    "http://www.scpph.com/news/show.aspx?id=12345",
    "https://www.jksb.com.cn/v2/news/458000",
    "http://x.gov.cn/zt/2020/yq/202007/t20200702_1.html",
]
NOT_ARTICLES = {
    "https://news.163.com/photoview/00AP0001/2309150.html": "photo gallery",
    "https://v.qq.com/x/page/abc123def45.html": "photo or video site",
    "https://www.chima.org.cn/video/2020/07/abcdef123456.html": "video page",
    "http://x.gov.cn/zt/2020/hit.html": "special topic",
    "http://x.gov.cn/files/2020/notice.pdf": "file download",
    "http://x.gov.cn/xwzx/gzdt/index_2.shtml": "column or index page",
    "http://x.gov.cn/xwzx/gzdt/": "column or index page",
    "http://x.gov.cn/lxwm.html": "site page",
    "http://x.gov.cn/": "a site's home page",
}


@pytest.mark.parametrize("url", ARTICLES)
def test_article_shapes(url: str) -> None:
    assert article_shape(url) is not None and non_article_shape(url) is None


@pytest.mark.parametrize(("url", "why"), NOT_ARTICLES.items())
def test_shapes_that_are_never_articles(url: str, why: str) -> None:
    assert non_article_shape(url) == why


def test_a_word_in_an_article_path_is_not_a_site_page() -> None:
    assert non_article_shape("http://x.cn/news/about-health-2020.html") is None
