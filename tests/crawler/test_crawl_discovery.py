"""End to end: a provincial 卫健委 column that links WeChat articles, a sibling subdomain and another site,
paged by a jQuery plug-in, and a title-only mirror feed, crawled by `hitmon crawl` in a subprocess through
a proxy on 127.0.0.1 that answers for the real host names. A second crawl upgrades the title-only items."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from models.db import make_engine, session_factory, session_scope
from models.schema import Article
from tests.crawler.proxy_site import ProxySite, serve_proxy_site

pytestmark = pytest.mark.slow
COLUMN = "http://wsjkw.sc.gov.cn/scwsjkw/gzdt/index.shtml"
FEED = "http://rsshub.example.org/wechat/mp/jksc"
PARAGRAPH = "省卫生健康委推进全民健康信息平台建设，电子健康卡、互联网医院和远程医疗服务覆盖全省各级医疗机构。"
TITLES = [
    "全省卫生健康信息化工作推进会召开",
    "电子健康卡与医保电子凭证实现一码通用",
    "二级以上公立医院全部接入省级预约挂号平台",
    "全省远程医疗服务网络覆盖所有乡镇卫生院",
    "省级全民健康信息平台通过国家四级甲等测评",
    "互联网医院处方流转平台试运行",
    "医学影像云平台实现全市影像共享",
    "疫苗全程电子追溯系统上线",
    "县域医共体信息化建设现场推进会召开",
    "卫生健康信息标准应用培训班开班",
    "病案首页数据质量专项督查结果通报",
    "智慧药房建设经验交流会在成都召开",
]
FEED_TITLES = [
    "出生医学证明电子化试点工作启动",
    "全省120急救调度系统完成一体化改造",
    "5G急救车实现上车即入院",
    "家庭医生签约服务信息系统完成升级改造",
]
FEED_TEXT = "健康四川官微消息：医疗机构推进数字化转型，群众就医更加便捷，线上服务持续扩展到基层。"


def wechat_page(title: str, account: str, day: int, paragraph: str = PARAGRAPH) -> str:
    body = "".join(f"<section><p>{paragraph}（{title}第{n}段）</p></section>" for n in range(4))
    return (
        "<html><head><meta charset='utf-8'><meta property='og:site_name' content='微信公众平台'>"
        f"<title>{title}</title><script>var nickname = htmlDecode('{account}');"
        f"var ct = '{1594742400 + day * 3600}';"
        f"</script></head><body><h1 class='rich_media_title'>{title}</h1><div id='meta_content'>"
        f"<a id='js_name' href='javascript:void(0);'>{account}</a></div><div id='js_content'>{body}</div>"
        "<div>写下你的想法</div></body></html>"
    )


def gov_page(title: str, site: str, day: int) -> str:
    body = "".join(f"<p>{PARAGRAPH}（{title}第{n}段）</p>" for n in range(4))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_{site}</title></head><body>"
        f"<div class='nav'><a href='/'>首页</a><a href='/zwgk/'>政务公开</a></div><h1>{title}</h1>"
        f"<div class='info'>发布时间：2020-07-{day:02d} 09:00　来源：{site}</div>"
        f"<div class='TRS_Editor'>{body}</div><div class='footer'>版权所有 {site}</div></body></html>"
    )


def column_page(items: list[tuple[str, str, int]], current: int, hot: list[str]) -> str:
    rows = "".join(
        f'<li><span>2020-07-{day:02d}</span><a href="{url}" target="_blank" title="{title}">{title}</a></li>'
        for url, title, day in items
    )
    side = "".join(f'<li><a href="{url}">{TITLES[0]}（热点{n}）</a></li>' for n, url in enumerate(hot))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>工作动态 - 四川省卫生健康委员会</title></head>
<body><div class="header"><ul class="nav"><li><a href="/scwsjkw/index.shtml">首页</a></li>
<li><a href="/scwsjkw/zwgk/index.shtml">政务公开</a></li>
<li><a href="/scwsjkw/hdjl/index.shtml">互动交流</a></li></ul></div>
<div class="main"><div class="leftside"><ul class="column-tree">
<li><a href="/scwsjkw/gzdt/index.shtml">工作动态</a></li>
<li><a href="/scwsjkw/tzgg/index.shtml">通知公告</a></li></ul></div>
<div class="rightside"><ul class="list">{rows}</ul><div id="pagination"></div>
<script>$("#pagination").pagination({{currentPage: {current}, totalPage: 2, callback: function (current) {{
 window.location.href = current == 1 ? "index.shtml" : "index_" + current + ".shtml"; }} }});</script></div>
<div class="hot"><h3>热点信息</h3><ul>{side}</ul></div></div>
<div class="footer"><ul class="yqlj"><li><a href="http://www.nhc.gov.cn/">国家卫生健康委</a></li></ul></div></body></html>"""


def feed(entries: list[tuple[str, str]]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>Wed, 15 Jul 2020 0{n}:00:00 GMT</pubDate>"
        "<description></description></item>"
        for n, (link, title) in enumerate(entries)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>健康四川官微</title>{items}</channel></rss>'
    )


def build_site() -> tuple[ProxySite, dict[str, list[str]]]:
    site = ProxySite()
    wechat = [f"http://mp.weixin.qq.com/s/Column{n}AbCdEfGhIjKlMn" for n in range(4)]
    own = [
        f"http://wsjkw.sc.gov.cn/scwsjkw/gzdt/2020/7/{14 + n}/a{n}b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7.shtml"
        for n in range(6)
    ]
    sibling = "http://www.sc.gov.cn/10462/10464/10797/2020/7/15/9f8e7d6c5b4a39281706f5e4d3c2b1a0.shtml"
    other = "http://www.people.com.cn/n1/2020/0715/c14739-31784512.html"
    hot = [f"http://wsjkw.sc.gov.cn/scwsjkw/rdxx/2020/6/{n + 1}/hot{n}.shtml" for n in range(5)]
    first = [(url, TITLES[n], 15) for n, url in enumerate(wechat)] + [
        (own[0], TITLES[4], 15), (own[1], TITLES[5], 15), (own[2], TITLES[6], 14), (sibling, TITLES[7], 15),
        (other, TITLES[8], 15),
    ]  # fmt: skip
    second = [(own[3], TITLES[9], 14), (own[4], TITLES[10], 14), (own[5], TITLES[11], 14)]
    site.html(COLUMN, column_page(first, 1, hot))
    site.html(COLUMN.replace("index.shtml", "index_2.shtml"), column_page(second, 2, hot))
    for n, url in enumerate(wechat):
        site.html(url, wechat_page(TITLES[n], f"成都卫健{n}", 15))
    for url, title, day in first[4:7] + second:
        site.html(url, gov_page(title, "四川省卫生健康委员会", day))
    site.html(sibling, gov_page(TITLES[7], "四川省人民政府", 15))
    site.html(other, gov_page(TITLES[8], "人民网", 15))
    feed_links = [f"http://mp.weixin.qq.com/s/Feed{n}QrStUvWxYz012345" for n in range(4)]
    site.feed(FEED, feed([(link, FEED_TITLES[n]) for n, link in enumerate(feed_links)]))
    site.html(feed_links[0], wechat_page(FEED_TITLES[0], "健康四川官微", 15, FEED_TEXT))
    site.html(
        feed_links[2],
        "<html><body><div class='weui-msg'><p>环境异常</p>"
        "<p>完成验证后即可继续访问。</p></div></body></html>",
    )
    site.html(feed_links[3], "<html><body><p>短</p></body></html>")  # feed_links[1]: 404
    urls = {
        "wechat": wechat,
        "own": own,
        "sibling": [sibling],
        "other": [other],
        "hot": hot,
        "feed": feed_links,
    }
    return site, urls


def hitmon(db_url: str, proxy: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env |= {"HITMON_DB": db_url, "HITMON_CRAWL__EXTRACT_WORKERS": "1", "http_proxy": proxy}
    command = [sys.executable, "-c", "from hitmon.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def rows(db_url: str) -> dict[str, Article]:
    engine = make_engine(db_url)
    with session_scope(session_factory(engine)) as session:
        found = {article.url: article for article in session.scalars(select(Article))}
        session.expunge_all()
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def crawled(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, ProxySite, dict[str, list[str]]]]:
    folder = tmp_path_factory.mktemp("mixed")
    db_url = f"sqlite:///{folder / 'hitmon.db'}"
    sources = folder / "sources.yaml"
    sources.write_text(
        "sources:\n"
        f"  - {{name: 四川省卫生健康委, kind: listing, url: '{COLUMN}', obey_robots: false}}\n"
        f"  - {{name: 健康四川官微, kind: feed, url: '{FEED}', obey_robots: false}}\n",
        encoding="utf-8",
    )
    site, urls = build_site()
    with serve_proxy_site(site):
        for args in (("db", "upgrade"), ("sources", "load", str(sources)), ("crawl",)):
            result = hitmon(db_url, site.proxy_url, *args)
            assert result.returncode == 0, result.stderr
        yield db_url, site, urls


def test_a_mixed_column_is_crawled_without_a_link_pattern(crawled) -> None:  # type: ignore[no-untyped-def]
    db_url, site, urls = crawled
    stored = rows(db_url)
    column = urls["wechat"] + urls["own"] + urls["sibling"]
    assert set(column) <= set(stored)
    assert COLUMN.replace("index.shtml", "index_2.shtml") in site.requested  # the plug-in pager
    for url in urls["other"] + urls["hot"]:
        assert url not in site.requested, url
    for n, url in enumerate(urls["wechat"]):
        assert stored[url].media == f"成都卫健{n}"  # what the page says, not the column's site
        assert "写下你的想法" not in stored[url].text
    assert stored[urls["sibling"][0]].media == "四川省人民政府"


def test_every_feed_entry_is_stored_the_failed_ones_by_title(crawled) -> None:  # type: ignore[no-untyped-def]
    db_url, _, urls = crawled
    stored = rows(db_url)
    assert [stored[url].title_only for url in urls["feed"]] == [False, True, True, True]
    assert stored[urls["feed"][1]].title == FEED_TITLES[1] and stored[urls["feed"][1]].media == "健康四川官微"
    listed = hitmon(db_url, "", "candidates", "--week", "2020-W29", "--all", "--format", "json")
    by_url = {item["url"]: item for item in json.loads(listed.stdout)}
    assert by_url[urls["feed"][1]]["title_only"] is True and by_url[urls["feed"][0]]["title_only"] is False


def test_title_only_items_are_upgraded_in_place_by_the_next_crawl(crawled) -> None:  # type: ignore[no-untyped-def]
    db_url, site, urls = crawled
    before = rows(db_url)
    for n, url in enumerate(urls["feed"][1:], start=1):
        site.html(url, wechat_page(FEED_TITLES[n], "健康四川官微", 15, FEED_TEXT))
    site.requested.clear()
    with serve_proxy_site(site):
        result = hitmon(db_url, site.proxy_url, "crawl")
    assert result.returncode == 0, result.stderr
    after = rows(db_url)
    assert set(after) == set(before)
    for url in urls["feed"][1:]:
        assert url in site.requested
        assert (after[url].id, after[url].title_only) == (before[url].id, False)
        assert FEED_TEXT in after[url].text
    assert urls["feed"][0] not in site.requested  # stored in full: not fetched again
